"""Monitoring a campaign on a day: the statuses recorded, the 报送情况统计 workbook, the 催报通知 and who is
overdue; and the contacts (附件7) received. The monitor DAG's tasks and ``planeval monitor`` call these.

May import: every stage package below it and planeval.stages.context.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from planeval.dates import today_in
from planeval.monitoring import obligations
from planeval.monitoring.reminders import reminder_items
from planeval.records import CampaignSelection
from planeval.reporting.notices import write_reminder
from planeval.reporting.workbooks import write_contacts_xlsx, write_summary_xlsx
from planeval.stages.context import open_selection, select, selection_of, settings_and_catalog
from planeval.warehouse.db import fetch_all, make_engine, translate_faults
from planeval.warehouse.migrate import ensure_schema
from planeval.warehouse.quality import data_quality
from planeval.warehouse.queries import explained_anomalies, figure_notes


def select_monitored(campaign_code: str | None, as_of: str | None) -> tuple[CampaignSelection | None, dt.date]:
    """The campaign a monitor run watches (the one named, else the one open on the day: none when none is,
    CampaignChoiceError when two or more are) and the day (``as_of``, else today in the catalog's time zone)."""
    _, catalog = settings_and_catalog()
    try:
        day = dt.date.fromisoformat(as_of) if as_of else today_in(catalog.timezone)
    except ValueError:
        raise ValueError(f"检查日期“{as_of}”不是有效日期,应为 2025-06-17 这样的格式") from None
    if campaign_code:
        return select(campaign_code, catalog=catalog), day
    opened = catalog.open_campaign(day)
    return (selection_of(opened, catalog) if opened else None), day


@translate_faults
def monitor_campaign(campaign_code: str | None = None, as_of: str | None = None) -> dict[str, Any]:
    """Classify every obligation of the campaign open on ``as_of`` (default: today) and store it.

    Returns ``{"selection", "campaign", "as_of", "units": [...]}`` (one entry per unit, for the monitor's mapped
    tasks; the selection, as XCom keys, for the tasks after them); ``campaign`` and ``selection`` are None when
    no campaign is open that day.
    """
    selection, day = select_monitored(campaign_code, as_of)
    if selection is None:
        return {"selection": None, "campaign": None, "as_of": day.isoformat(), "units": []}
    settings, catalog, campaign = open_selection(selection)
    engine = make_engine(settings.db_url)
    ensure_schema(engine)
    statuses = obligations.record(engine, catalog, campaign, day)
    return {
        "selection": selection.as_xcom(),
        "campaign": campaign.code,
        "as_of": day.isoformat(),
        "units": obligations.unit_summaries(catalog, statuses),
    }


@translate_faults
def write_monitor_summary(selection: CampaignSelection, as_of: str) -> str:
    """The completeness and timeliness workbook of a monitor run, under reports/<campaign>/monitor/."""
    settings, catalog, campaign = open_selection(selection)
    day = dt.date.fromisoformat(as_of)
    engine = make_engine(settings.db_url)
    statuses = obligations.stored_statuses(engine, campaign, day)
    path = settings.reports_dir / campaign.code / "monitor" / f"报送情况统计_{day.isoformat()}.xlsx"
    contacts = list_contacts(selection) if campaign.due("contacts") else None
    notes, explained = figure_notes(engine, campaign.code), explained_anomalies(engine, campaign.code)
    quality = data_quality(engine, campaign.code, day, catalog.timezone)
    return str(write_summary_xlsx(path, catalog, campaign, day, statuses, contacts, notes, quality, explained))


@translate_faults
def write_reminders(selection: CampaignSelection, as_of: str) -> list[str]:
    """A 催报通知 for every unit still missing a form (or with rejected uploads only); a copy goes into the
    unit's drop folder (``notices/``) so the department finds it where it uploads."""
    settings, catalog, campaign = open_selection(selection)
    day = dt.date.fromisoformat(as_of)
    engine = make_engine(settings.db_url)
    by_unit: dict[str, list[obligations.ObligationStatus]] = {}
    for status in obligations.stored_statuses(engine, campaign, day):
        by_unit.setdefault(status.unit_code, []).append(status)
    written = []
    for unit_code, statuses in by_unit.items():
        items = reminder_items(engine, statuses, day)
        if items:
            written.append(str(write_reminder(settings, catalog, campaign, unit_code, day, items)))
    return written


def list_contacts(selection: CampaignSelection | None = None) -> list[dict[str, Any]]:
    """附件7: every unit's contact persons from its latest accepted contacts form, units in catalog order."""
    settings, catalog, campaign = open_selection(selection)
    engine = make_engine(settings.db_url)
    ensure_schema(engine)
    rows = fetch_all(engine, "select_latest_contacts", campaign_code=campaign.code)
    order = {unit.code: index for index, unit in enumerate(catalog.units)}
    rows.sort(key=lambda row: order.get(row["unit_code"], len(order)))
    return [row | {"unit_name": catalog.unit(row["unit_code"]).name} for row in rows]


def write_contacts_list(selection: CampaignSelection | None = None) -> str:
    """联系人汇总.xlsx for the office, under reports/<campaign>/."""
    settings, catalog, campaign = open_selection(selection)
    path = settings.reports_dir / campaign.code / f"{catalog.city}联系人汇总.xlsx"
    return str(write_contacts_xlsx(path, list_contacts(selection)))


@translate_faults
def overdue_units(selection: CampaignSelection, as_of: str) -> list[str]:
    """Names of the units past a due date with a form still missing or rejected-only."""
    settings, catalog, campaign = open_selection(selection)
    statuses = obligations.stored_statuses(make_engine(settings.db_url), campaign, dt.date.fromisoformat(as_of))
    overdue = {s.unit_code for s in statuses if s.overdue and s.status.owing}
    return [u.name for u in catalog.units if u.code in overdue]
