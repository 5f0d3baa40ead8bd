"""Cooperating units (配合单位) on indicators: the catalog check, the forms they receive, whose figure the city
takes and what is noted for the office; and relative deadlines resolved on load (docs/assessment.md)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import yaml
from openpyxl import load_workbook

from planeval.assessment.aggregate import _merge, _UnitReport, source_order, source_role
from planeval.catalog import Catalog, CatalogError, load_catalog
from planeval.intake.unit_forms import COOPERATING_NOTE, offered_forms, write_unit_forms
from planeval.monitoring.obligations import build_obligations
from planeval.settings import DEFAULT_CATALOG


def _catalog_with(tmp_path: Path, change_indicators=None, change_tasks=None) -> Catalog:
    folder = tmp_path / "catalog"
    shutil.copytree(DEFAULT_CATALOG, folder)
    for name, change in (("indicators.yaml", change_indicators), ("plan_tasks.yaml", change_tasks)):
        if change is not None:
            path = folder / name
            data = yaml.safe_load(path.read_text(encoding="utf-8"))
            change(data)
            path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return load_catalog(folder)


def _update(code: str, **fields):
    def change(data: list[dict]) -> None:
        next(entry for entry in data if entry["code"] == code).update(fields)

    return change


@pytest.fixture(scope="module")
def cooperating_catalog(tmp_path_factory) -> Catalog:
    """海安's catalog with 市财政局 cooperating on 生产安全事故死亡人数下降 (lead 市应急管理局) and 市公安局 on
    年均每十万人火灾死亡率 (lead 市消防救援大队)."""

    def change(data: list[dict]) -> None:
        _update("accident_death_decline", cooperating=["finance"])(data)
        _update("fire_death_rate", cooperating=["public_security"])(data)

    return _catalog_with(tmp_path_factory.mktemp("cooperating"), change)


def test_an_unknown_or_repeated_cooperating_unit_is_named_with_file_and_key(tmp_path):
    with pytest.raises(CatalogError) as raised:
        _catalog_with(tmp_path, _update("accident_death_decline", cooperating=["nobody", "finance", "finance"]))
    message = str(raised.value)
    assert "indicators[accident_death_decline].cooperating: 未知单位 'nobody'" in message
    assert "indicators[accident_death_decline].cooperating: 单位 'finance' 重复" in message


def test_relative_deadlines_resolve_from_the_plans_first_year(tmp_path):
    def task(data: dict) -> None:
        entry = data["emergency"][0]["tasks"][0]
        assert "due_year" not in entry  # em_1_1 has no deadline of its own
        entry["due_in_years"] = 2

    catalog = _catalog_with(tmp_path, _update("accident_death_decline", due_in_years=2), task)
    assert catalog.plan("emergency").period == (2021, 2025)
    indicator = catalog.indicator("accident_death_decline")
    assert (indicator.due_year, indicator.due_in_years) == (2022, None)  # 2021 + 2 − 1, the relative form consumed
    resolved = next(t for t in catalog.plan("emergency").tasks if t.code == "em_1_1")
    assert (resolved.due_year, resolved.due_in_years) == (2022, None)


def test_sources_in_order_lead_responsible_cooperating_with_their_parts(cooperating_catalog):
    road = cooperating_catalog.indicator("road_transport_death_decline")  # responsible: public_security, transport
    deaths = cooperating_catalog.indicator("accident_death_decline")
    assert source_order(road, ["transport", "zz_other", "public_security"]) == [
        "public_security",
        "transport",
        "zz_other",
    ]
    assert source_order(deaths, ["finance", "emergency"]) == ["emergency", "finance"]
    parts = [source_role(deaths, unit) for unit in ("emergency", "finance", "transport")]
    assert parts == ["牵头单位", "配合单位", "其他单位"]
    assert source_role(road, "transport") == "责任单位"


def _report(submission: str, values: dict[tuple[int, bool], float]) -> _UnitReport:
    return _UnitReport(submission, values={key: (value, f"附件3!{key[0]}") for key, value in values.items()})


def test_the_leads_figure_is_used_and_a_cooperating_units_differing_figure_noted(cooperating_catalog):
    lead = _report("s1", {(2023, False): 9.0, (2024, False): 76.0, (2025, True): 15.5})
    helper = _report("s2", {(2023, False): 9.005, (2024, False): 74.0})  # 2023: the same figure, rounded
    merged, counted, units, notes = _merge(
        cooperating_catalog, "accident_death_decline", {"finance": helper, "emergency": lead}
    )
    assert {key: value for key, (value, _) in merged.items()} == {
        (2023, False): 9.0,
        (2024, False): 76.0,
        (2025, True): 15.5,
    }
    assert merged[(2024, False)][1] == "s1:附件3!2024" and counted is lead and units == ["emergency", "finance"]
    assert notes == ["2024年:牵头单位市应急管理局报76%,配合单位市财政局报74%,已采用牵头单位数据"]


def test_without_the_leads_figure_the_next_units_is_used_and_the_office_told(cooperating_catalog):
    helper = _report("s2", {(2024, False): 0.1})
    merged, counted, _, notes = _merge(cooperating_catalog, "fire_death_rate", {"public_security": helper})
    assert merged[(2024, False)] == (0.1, "s2:附件3!2024") and counted is helper
    assert notes == ["牵头单位市消防救援大队未填报,已采用配合单位市公安局填报的数据"]
    # the lead sent its table but left the forecast blank: that year is taken from the cooperating unit, and said
    lead = _report("s1", {(2024, False): 0.1})
    helper = _report("s2", {(2024, False): 0.1, (2025, True): 0.12})
    merged, _, _, notes = _merge(
        cooperating_catalog, "fire_death_rate", {"fire_rescue": lead, "public_security": helper}
    )
    assert merged[(2025, True)][0] == 0.12
    assert notes == ["2025年预测值:牵头单位市消防救援大队未填报,配合单位市公安局报0.12人/十万人,已采用配合单位数据"]


def test_a_unit_that_only_cooperates_is_offered_the_indicator_form_but_owes_nothing(cooperating_catalog, tmp_path):
    catalog = cooperating_catalog
    campaign = catalog.campaign(year=2025)
    finance = catalog.unit("finance")
    assert "indicator_table" not in catalog.expected_forms(campaign, finance)
    assert "indicator_table" in offered_forms(catalog, campaign, finance)
    owed = {(row["unit_code"], row["form"]) for row in build_obligations(catalog, campaign)}
    assert ("finance", "indicator_table") not in owed and ("emergency", "indicator_table") in owed

    written = write_unit_forms(catalog, campaign, finance, tmp_path)
    form = next(path for path in written if "指标完成情况统计表" in path.name)
    sheets = list(load_workbook(form))
    rows = [[cell for cell in row if cell is not None] for sheet in sheets for row in sheet.iter_rows(values_only=True)]
    named = [row for row in rows if any("生产安全事故死亡人数下降" in str(cell) for cell in row)]
    assert len(named) == len(sheets) >= 1  # one row in each plan's table that lists the indicator
    assert all("市应急管理局(本单位配合)" in row for row in named)
    note = COOPERATING_NOTE.format(office=catalog.short_office)
    assert [note] in rows
    assert not any("单位GDP" in str(cell) for row in rows for cell in row)  # only the rows it cooperates on

    # the lead's own form marks nothing
    lead_form = next(p for p in write_unit_forms(catalog, campaign, catalog.unit("emergency"), tmp_path / "lead"))
    lead_rows = [c for sheet in load_workbook(lead_form) for row in sheet.iter_rows(values_only=True) for c in row]
    assert not any("本单位配合" in str(cell) for cell in lead_rows) and note not in lead_rows
