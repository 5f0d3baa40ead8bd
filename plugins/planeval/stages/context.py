"""The campaign a run works on, resolved from the catalog: settings, catalog and campaign together.

May import: planeval.catalog, planeval.settings.
"""

from __future__ import annotations

import datetime as dt

from planeval.catalog import Campaign, Catalog, load_catalog
from planeval.settings import Settings, get_settings


def context(
    campaign_code: str | None = None,
    year: int | None = None,
    *,
    plans: list[str] | None = None,
    data_cutoff: str | None = None,
) -> tuple[Settings, Catalog, Campaign]:
    """Settings, catalog and the campaign (by code or year), optionally narrowed to some plans or
    with another data cut-off, as the year-end trigger form allows."""
    settings = get_settings()
    catalog = load_catalog(settings.catalog_dir)
    campaign = catalog.campaign(campaign_code or None, year=year)
    update: dict = {}
    if plans:
        unknown = sorted(set(plans) - set(campaign.plans))
        if unknown:
            raise ValueError(f"评估任务 {campaign.code} 不包含规划 {unknown};可选:{list(campaign.plans)}")
        update["plans"] = tuple(code for code in campaign.plans if code in plans)
    if data_cutoff:
        update["data_cutoff"] = dt.date.fromisoformat(data_cutoff)
    return settings, catalog, campaign.model_copy(update=update) if update else campaign
