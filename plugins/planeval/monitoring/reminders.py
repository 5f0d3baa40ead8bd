"""What a 催报通知 says to a unit still missing a form: each form missing or rejected-only, with the rejection
reasons and how many days it is overdue.

May import: planeval.catalog, planeval.dates, planeval.warehouse, planeval.monitoring.obligations."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from sqlalchemy import Engine

from planeval.catalog import FORM_LABELS, Campaign, Catalog
from planeval.dates import chinese_date
from planeval.monitoring.obligations import ObligationStatus
from planeval.records import ObligationState
from planeval.warehouse.db import fetch_all


def reminder_items(engine: Engine, statuses: list[ObligationStatus], as_of: dt.date) -> list[dict[str, Any]]:
    """What a unit's reminder lists: each form still missing or rejected-only, with the rejection reasons."""
    items = []
    for item in statuses:
        if not item.status.owing:
            continue
        if item.status == ObligationState.MISSING:
            state = "尚未报送"
        else:
            errors = fetch_all(engine, "select_latest_rejection", submission_id=item.last_rejected_id)
            reasons = ";".join(e["message"] for e in errors[:3])
            more = f"等{len(errors)}处" if len(errors) > 3 else ""
            state = f"已报送{item.uploads}次,均未通过校验(最近一次退回原因:{reasons}{more})"
        if item.overdue:
            state += f",已逾期{(as_of - item.due).days}天"
        items.append(
            {"form_label": FORM_LABELS.get(item.form, item.form), "due": chinese_date(item.due), "state": state}
        )
    return items


def reminder_context(
    catalog: Catalog, campaign: Campaign, unit_code: str, inbox: Path, as_of: dt.date, items: list[dict[str, Any]]
) -> dict[str, Any]:
    return {
        "unit_name": catalog.unit(unit_code).name,
        "notice": campaign.cited_notice,  # none set: the template names the campaign's work (reporting/notices.py)
        "as_of": chinese_date(as_of),
        "items": items,
        "inbox": str(inbox),
        "office": catalog.office,
    }
