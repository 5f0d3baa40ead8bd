"""Two units report the same indicator: the city takes the lead's figure, and a cooperating unit's differing
figure is noted for the office — in indicator_result, the report's review annex and the 报送情况统计 workbook."""

from __future__ import annotations

import datetime as dt
import shutil

import pytest
import yaml
from helpers import filled_form
from openpyxl import load_workbook
from sqlalchemy import create_engine, text

from planeval.catalog import load_catalog
from planeval.reporting.facts import read_report_facts
from planeval.reporting.findings import build_review
from planeval.reporting.workbooks import write_summary_xlsx
from planeval.settings import DEFAULT_CATALOG
from planeval.stages import collect, setup, year_end
from planeval.ui.demo import load_demo_spec
from planeval.warehouse.queries import figure_notes

DEATHS_NOTE = "2024年:牵头单位市应急管理局报12.5%,配合单位市财政局报11%,已采用牵头单位数据"
FIRE_NOTE = "牵头单位市消防救援大队未填报,已采用配合单位市公安局填报的数据"


@pytest.fixture
def cooperating_catalog(home, tmp_path, monkeypatch):
    """海安's catalog with 市财政局 cooperating on 生产安全事故死亡人数下降 (lead 市应急管理局) and 市公安局 on
    年均每十万人火灾死亡率 (lead 市消防救援大队), selected for the run."""
    folder = tmp_path / "catalog"
    shutil.copytree(DEFAULT_CATALOG, folder)
    path = folder / "indicators.yaml"
    entries = yaml.safe_load(path.read_text(encoding="utf-8"))
    for entry in entries:
        if entry["code"] == "accident_death_decline":
            entry["cooperating"] = ["finance"]
        if entry["code"] == "fire_death_rate":
            entry["cooperating"] = ["public_security"]
    path.write_text(yaml.safe_dump(entries, allow_unicode=True, sort_keys=False), encoding="utf-8")
    monkeypatch.setenv("PLANEVAL_CATALOG", str(folder))
    return load_catalog(folder)


def test_the_leads_figure_counts_and_the_cooperating_units_differing_figure_is_flagged(
    db_url, home, cooperating_catalog, tmp_path
):
    catalog = cooperating_catalog
    campaign = catalog.campaign(year=2025)
    spec = load_demo_spec(catalog)
    lead_values = spec["indicators"]["accident_death_decline"]["values"]  # 3.0, 6.5, 9.0, 12.5, 15.5
    # 2023 differs only in the third decimal (the same figure, rounded); 2024 differs: 11 against the lead's 12.5
    spec["indicators"]["accident_death_decline"]["per_unit"] = {"finance": [3.0, 6.5, 9.004, 11.0, 15.5]}
    setup.init_units()
    for unit in ("emergency", "finance", "public_security"):  # 市消防救援大队 sends nothing
        form = filled_form(catalog, campaign, unit, tmp_path, spec=spec)
        shutil.copyfile(form, home / "drop" / unit / "inbox" / form.name)
    collect.run_collect()
    year_end.refresh_results()

    engine = create_engine(db_url)
    with engine.connect() as connection:
        rows = connection.execute(
            text(
                "SELECT plan_code, indicator_code, source_units, conflict, to_date_value FROM indicator_result "
                "WHERE indicator_code IN ('accident_death_decline', 'fire_death_rate')"
            )
        )
        results = {(r["plan_code"], r["indicator_code"]): dict(r) for r in rows.mappings()}
        figures = connection.execute(
            text(
                "SELECT year, value, source_cell FROM indicator_result_value "
                "WHERE indicator_code = 'accident_death_decline' AND is_forecast = 0"
            )
        ).all()
    deaths = results[("safety", "accident_death_decline")]
    assert deaths["source_units"] == "emergency,finance" and deaths["conflict"] == DEATHS_NOTE
    assert deaths["to_date_value"] == pytest.approx(12.5)  # the lead's decline by 2024
    used = sorted((year, value) for year, value, _ in figures)
    assert used == list(zip(range(2021, 2025), lead_values[:4], strict=True))
    fire = results[("emergency", "fire_death_rate")]
    assert fire["source_units"] == "public_security" and fire["conflict"] == FIRE_NOTE

    review = dict(build_review(read_report_facts(engine, catalog, campaign)))
    assert f"生产安全事故死亡人数下降,{DEATHS_NOTE}。" in review["数据来源不一致的指标"]
    assert f"年均每十万人火灾死亡率,{FIRE_NOTE}。" in review["数据来源不一致的指标"]

    notes = figure_notes(engine, campaign.code)
    engine.dispose()
    path = write_summary_xlsx(tmp_path / "统计.xlsx", catalog, campaign, dt.date(2025, 6, 17), [], None, notes)
    sheet = load_workbook(path)["需核定数据"]
    lines = [list(row) for row in sheet.iter_rows(values_only=True)]
    assert lines[0] == ["规划", "序号", "指标", "报送单位", "需核定事项"]
    plan = catalog.plan("safety")
    seq = plan.indicator_table.indicators.index("accident_death_decline") + 1
    assert [plan.short_name, seq, "生产安全事故死亡人数下降", "市应急管理局、市财政局", DEATHS_NOTE] in lines
