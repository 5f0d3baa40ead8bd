"""The campaign a run works on: chosen once at the start of the run (``select``, from the trigger form or
the command line; without one, ``Catalog.campaign`` resolves it or refuses to guess), handed to every task
as a ``CampaignSelection`` of plain keys, and opened by each task (``open_selection``) into settings, catalog
and the campaign as selected.

May import: planeval.catalog, planeval.records, planeval.settings, planeval.dates.
"""

from __future__ import annotations

import datetime as dt
import functools
import os
from collections.abc import Mapping
from dataclasses import replace
from pathlib import Path
from typing import Any

from planeval.catalog import Campaign, Catalog, load_catalog
from planeval.records import CampaignSelection
from planeval.settings import Settings, get_settings


def settings_and_catalog() -> tuple[Settings, Catalog]:
    settings = get_settings()
    return settings, cached_catalog(settings.catalog_dir)


def cached_catalog(folder: str | Path) -> Catalog:
    """The catalog in ``folder``, loaded once per process while none of its files changes: the key is the
    folder and every file's name, size, mtime and inode (an edit or a file replaced by rename loads it again).
    Every task of an ``airflow dags test`` run and every batch of a pass share one load; the model is frozen."""
    root = Path(folder).resolve()
    return _load_once(str(root), _catalog_stamp(root))


def _catalog_stamp(root: Path) -> tuple[tuple[str, int, int, int], ...]:
    stamps = []
    for path in sorted(root.rglob("*")) if root.is_dir() else ():
        try:
            status = path.stat()
        except OSError:  # removed while listing: the next call sees the folder as it is then
            continue
        if path.is_file():
            stamps.append((os.fspath(path.relative_to(root)), status.st_size, status.st_mtime_ns, status.st_ino))
    return tuple(stamps)


@functools.lru_cache(maxsize=8)
def _load_once(root: str, stamp: tuple[tuple[str, int, int, int], ...]) -> Catalog:
    return load_catalog(root)  # a CatalogError is raised, never cached: a fixed file is read on the next call


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
    """Resolve the campaign (``Catalog.campaign``: by code; else the one open today, or the only one; never a
    guess), optionally narrowed to some of its plans or with another data cut-off, as the year-end trigger
    form allows. Raises CampaignChoiceError (a KeyError) for an unknown code or a choice that would be a
    guess, and ValueError for plans the campaign does not assess or a malformed date."""
    catalog = catalog or settings_and_catalog()[1]
    selected = selection_of(catalog.campaign(campaign_code or None, year=year), catalog)
    if plans:
        unknown = sorted(set(plans) - set(selected.plans))
        if unknown:
            raise ValueError(f"评估任务 {selected.campaign} 不包含规划 {unknown};可选:{list(selected.plans)}")
        selected = replace(selected, plans=tuple(code for code in selected.plans if code in plans))
    if data_cutoff:
        try:
            cutoff = dt.date.fromisoformat(data_cutoff)
        except ValueError:
            raise ValueError(f"年度数据截止日期“{data_cutoff}”不是有效日期,应为 2024-12-31 这样的格式") from None
        selected = replace(selected, data_cutoff=cutoff.isoformat())
    return selected


def open_selection(
    selection: CampaignSelection | Mapping[str, Any] | None = None,
) -> tuple[Settings, Catalog, Campaign]:
    """Settings, catalog and the campaign as selected (plans and data cut-off applied). ``None``: the campaign
    ``select`` resolves without a code (the one open today, or the only one; else CampaignChoiceError)."""
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
