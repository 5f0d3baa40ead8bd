"""Town-level raw figures summed to the city, once every town has reported; a department's own figure wins
and a difference from the towns' sum is flagged. Real catalog files, real forms, real collect and warehouse."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from openpyxl import load_workbook

from planeval.catalog import load_catalog
from planeval.catalog.layouts import figures_layout
from planeval.intake.unit_forms import write_figures_form, write_unit_form
from planeval.settings import DEFAULT_CATALOG
from planeval.stages import collect, setup, year_end
from planeval.warehouse.db import fetch_all, make_engine

TOWN_ACCIDENTS = [10, 10, 9, 9, 8, 8]  # 2020 (base), 2021–2024, 2025 forecast; 17 towns → ×17


@pytest.fixture
def towns_catalog(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    """The 海安 catalog with towns asked for their 基础数据表 (the option campaigns.yaml documents)."""
    folder = tmp_path / "catalog"
    shutil.copytree(DEFAULT_CATALOG, folder)
    campaigns = folder / "campaigns.yaml"
    text = campaigns.read_text(encoding="utf-8")
    marker = "    - {form: summary_report, due: 2025-06-16, units: all}\n"
    assert marker in text
    campaigns.write_text(
        text.replace(marker, marker + "    - {form: figures_table, due: 2025-06-16, units: towns_with_figures}\n"),
        encoding="utf-8",
    )
    monkeypatch.setenv("PLANEVAL_CATALOG", str(folder))
    return load_catalog(folder)


def _fill(path: Path, catalog, campaign, figures: dict[str, list[float]]) -> Path:
    workbook = load_workbook(path)
    sheet = workbook[catalog.forms.figures_table.label]
    layout = figures_layout(catalog, campaign)
    years = [c for c in layout if c.year is not None]
    for row in range(3, sheet.max_row + 1):
        measure = catalog.match_measure(str(sheet.cell(row, 2).value or ""))
        if measure and measure.code in figures:
            for column, value in zip(years, figures[measure.code], strict=True):
                if value is not None:
                    sheet.cell(row, layout.index(column) + 1, value)
    for name in workbook.sheetnames:  # the department's 附件5/6 rows are pre-filled: answer them
        if name in ("附件5", "附件6"):
            for row in range(3, workbook[name].max_row + 1):
                if workbook[name].cell(row, 2).value:
                    workbook[name].cell(row, 4, "按计划推进。")
    workbook.save(path)
    return path


def _drop(home: Path, unit: str, path: Path) -> None:
    shutil.copyfile(path, home / "drop" / unit / "inbox" / path.name)


def test_towns_are_summed_only_when_all_have_reported(home, db_url, towns_catalog, tmp_path):
    catalog = towns_catalog
    campaign = catalog.campaign(year=2025)
    towns = [u for u in catalog.units if u.kind == "town"]
    assert all("figures_table" in catalog.expected_forms(campaign, t) for t in towns)
    setup.init_units()
    forms = {}
    for town in towns:
        path = write_figures_form(catalog, campaign, town, tmp_path / f"{town.name}_基础数据表.xlsx")
        forms[town.code] = _fill(path, catalog, campaign, {"accidents": TOWN_ACCIDENTS})
    for town in towns[:-1]:
        _drop(home, town.code, forms[town.code])
    receipts = collect.run_collect()
    assert {(r["form"], r["status"]) for r in receipts} == {("figures_table", "accepted")}
    year_end.refresh_results()
    engine = make_engine(db_url)
    assert fetch_all(engine, "select_measure_values", campaign_code=campaign.code) == []  # 16 of 17: no sum

    _drop(home, towns[-1].code, forms[towns[-1].code])
    collect.run_collect()
    year_end.refresh_results()
    accidents = {
        (m["year"], m["is_forecast"]): m
        for m in fetch_all(engine, "select_measure_values", campaign_code=campaign.code)
        if m["measure_code"] == "accidents"
    }
    assert accidents[(2020, 0)]["value"] == 170 and accidents[(2024, 0)]["value"] == 136
    assert accidents[(2024, 0)]["origin"] == "town_sum" and len(accidents[(2024, 0)]["lineage"].split(";")) == 17
    cells = {
        c["column_key"]: c["printed"]
        for c in fetch_all(engine, "select_mart_indicator_cells", campaign_code=campaign.code)
        if c["plan_code"] == "safety" and c["indicator_code"] == "accident_count_decline"
    }
    # 170 → 170, 153, 153, 136 | 136: 0, 10, 10, 20 | 20; 20 > 15 → 提前实现
    assert [cells[k] for k in ("y2021", "y2022", "y2023", "y2024", "forecast", "rating")] == [
        "0",
        "10",
        "10",
        "20",
        "20",
        "提前实现",
    ]

    # the emergency bureau's own 2024 figure wins over the towns' sum; the difference is flagged
    own = write_unit_form(catalog, campaign, catalog.unit("emergency"), tmp_path / "市应急管理局_基础数据.xlsx")
    _drop(home, "emergency", _fill(own, catalog, campaign, {"accidents": [None, None, None, None, 140, None]}))
    assert [r["status"] for r in collect.run_collect()] == ["accepted"]
    year_end.refresh_results()
    row = next(
        m
        for m in fetch_all(engine, "select_measure_values", campaign_code=campaign.code)
        if m["measure_code"] == "accidents" and m["year"] == 2024
    )
    assert (row["value"], row["origin"], row["source_units"]) == (140, "reported", "emergency")
    assert row["conflict"] == "生产安全事故起数2024年:市级填报 140,各区镇街道合计 136"
    engine.dispose()
