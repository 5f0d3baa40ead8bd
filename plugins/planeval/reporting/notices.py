"""The 催报通知 sent to a unit still missing a form: rendered for the office and copied into the unit's drop
folder (``notices/``), where the department finds it where it uploads.

May import: planeval.catalog, planeval.dates, planeval.settings, planeval.monitoring and the modules of
planeval.reporting below it (render, titles).
"""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path
from typing import Any

from planeval.catalog import Campaign, Catalog
from planeval.monitoring.reminders import reminder_context
from planeval.reporting.render import render_docx
from planeval.reporting.titles import campaign_title
from planeval.settings import TEMPLATES_DIR, Settings

REMINDER_TEMPLATE = "reminder.docx"


def reminder_document(
    catalog: Catalog, campaign: Campaign, unit_code: str, inbox: Path, day: dt.date, items: list[dict[str, str]]
) -> dict[str, Any]:
    """The reminder's context: what monitoring says the unit owes, and the campaign's work, which the template
    names when the campaign cites no notice (“<office>关于开展<work>工作的通知”)."""
    return reminder_context(catalog, campaign, unit_code, inbox, day, items) | {
        "work": campaign_title(catalog, campaign).work
    }


def write_reminder(
    settings: Settings, catalog: Catalog, campaign: Campaign, unit_code: str, day: dt.date, items: list[dict[str, str]]
) -> Path:
    reminder = reminder_document(catalog, campaign, unit_code, settings.inbox(unit_code), day, items)
    name = f"催报通知_{catalog.unit(unit_code).name}_{day.isoformat()}.docx"
    path = render_docx(
        TEMPLATES_DIR / REMINDER_TEMPLATE, reminder, settings.reports_dir / campaign.code / "reminders" / name
    )
    notices = settings.drop_dir / unit_code / "notices"
    notices.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(path, notices / name)
    return path
