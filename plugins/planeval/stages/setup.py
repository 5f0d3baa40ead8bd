"""Setting up a campaign: every unit's drop folders and pre-filled forms; the unit list; a unit's uploads.

May import: planeval.catalog, planeval.intake, planeval.warehouse, planeval.stages.context.
"""

from __future__ import annotations

from typing import Any

from planeval.intake.unit_forms import write_unit_forms
from planeval.stages.context import open_selection, select, settings_and_catalog
from planeval.warehouse.db import fetch_all, make_engine, translate_faults
from planeval.warehouse.migrate import ensure_schema


@translate_faults
def init_units(campaign_code: str | None = None) -> list[dict[str, Any]]:
    """Create every unit's drop folders and the pre-filled forms it owes (idempotent: existing forms are kept)."""
    settings, catalog, campaign = open_selection(select(campaign_code))
    ensure_schema(make_engine(settings.db_url))
    created = []
    for unit in catalog.units:
        settings.inbox(unit.code).mkdir(parents=True, exist_ok=True)
        settings.receipts(unit.code).mkdir(parents=True, exist_ok=True)
        settings.check_dir(unit.code).mkdir(parents=True, exist_ok=True)
        forms = write_unit_forms(catalog, campaign, unit, settings.forms_dir / unit.code)
        created.append({"code": unit.code, "forms": [str(path) for path in forms]})
    return created


def list_units() -> list[dict[str, Any]]:
    settings, catalog = settings_and_catalog()
    return [
        {
            "code": u.code,
            "name": u.name,
            "kind": catalog.kind_label(u.kind),
            "inbox": str(settings.inbox(u.code)),
            "receipts": str(settings.receipts(u.code)),
            "check": str(settings.check_dir(u.code)),
        }
        for u in catalog.units
    ]


def unit_history(unit_code: str) -> list[dict[str, Any]]:
    """Every upload of one unit across campaigns, in the order received: the audit trail."""
    settings, catalog = settings_and_catalog()
    catalog.unit(unit_code)  # KeyError for an unknown code
    engine = make_engine(settings.db_url)
    ensure_schema(engine)
    return fetch_all(engine, "select_unit_history", unit_code=unit_code)
