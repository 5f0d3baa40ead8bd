"""The campaign a run works on: chosen once at the start of the run (``select``, from the trigger form or
the command line, defaults from the catalog), handed to every task as a ``CampaignSelection`` of plain keys,
and opened by each task (``open_selection``) into settings, catalog and the campaign as selected.

May import: planeval.catalog, planeval.records, planeval.settings, planeval.dates.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import replace
from typing import Any

from planeval.catalog import Campaign, Catalog, load_catalog
from planeval.records import CampaignSelection
from planeval.settings import Settings, get_settings


def settings_and_catalog() -> tuple[Settings, Catalog]:
    settings = get_settings()
    return settings, load_catalog(settings.catalog_dir)


def selection_of(campaign: Campaign, catalog: Catalog) -> CampaignSelection:
    """The selection of a campaign as the catalog defines it (all its plans, its own data cut-off)."""
    return CampaignSelection(
        campaign=campaign.code,
        plans=tuple(campaign.plans),
        year=campaign.year,
        data_cutoff=campaign.data_cutoff.isoformat(),
        timezone=catalog.timezone,
    )


def select(
    campaign_code: str | None = None,
    year: int | None = None,
    *,
    plans: list[str] | None = None,
    data_cutoff: str | None = None,
    catalog: Catalog | None = None,
) -> CampaignSelection:
    """Resolve the campaign (by code, or the one of ``year``, or the catalog's latest), optionally narrowed to
    some of its plans or with another data cut-off, as the year-end trigger form allows. Raises KeyError for
    an unknown campaign and ValueError for plans the campaign does not assess or a malformed date."""
    catalog = catalog or settings_and_catalog()[1]
    selected = selection_of(catalog.campaign(campaign_code or None, year=year), catalog)
    if plans:
        unknown = sorted(set(plans) - set(selected.plans))
        if unknown:
            raise ValueError(f"评估任务 {selected.campaign} 不包含规划 {unknown};可选:{list(selected.plans)}")
        selected = replace(selected, plans=tuple(code for code in selected.plans if code in plans))
    if data_cutoff:
        selected = replace(selected, data_cutoff=dt.date.fromisoformat(data_cutoff).isoformat())
    return selected


def open_selection(
    selection: CampaignSelection | Mapping[str, Any] | None = None,
) -> tuple[Settings, Catalog, Campaign]:
    """Settings, catalog and the campaign as selected (plans and data cut-off applied). ``None``: the catalog's
    latest campaign, for the entry points that take no selection."""
    settings, catalog = settings_and_catalog()
    if selection is None:
        selection = select(catalog=catalog)
    elif not isinstance(selection, CampaignSelection):
        selection = CampaignSelection.from_xcom(selection)
    campaign = catalog.campaign(selection.campaign)
    update: dict[str, Any] = {}
    if selection.plans != tuple(campaign.plans):
        update["plans"] = selection.plans
    if selection.data_cutoff != campaign.data_cutoff.isoformat():
        update["data_cutoff"] = dt.date.fromisoformat(selection.data_cutoff)
    return settings, catalog, campaign.model_copy(update=update) if update else campaign
