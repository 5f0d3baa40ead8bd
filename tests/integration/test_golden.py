"""Golden test: all 22 distinct indicators of seed 004 (附件3 + 附件4) computed from made-up raw figures.

The responsible departments fill only the 基础数据 sheet of their forms (raw counts, amounts, people; no
percentages). The figures were chosen so every cell can be checked by hand; the working is in the comment
beside each expected row. The whole path runs for real: forms → collect (GX) → warehouse → aggregation →
the printed-cell mart, on SQLite and PostgreSQL. Then the mart is compared cell by cell.
"""

from __future__ import annotations

import shutil

import pytest
from openpyxl import load_workbook
from sqlalchemy import text

from planeval.catalog.layouts import figures_layout, project_layout
from planeval.intake.unit_forms import write_unit_form
from planeval.stages import collect, setup, year_end
from planeval.warehouse.db import fetch_all, make_engine

# measure → 2020 (base), 2021, 2022, 2023, 2024, 2025 forecast
RAW = {
    "accidents": [200, 190, 180, 170, 160, 150],
    "accident_deaths": [50, 49, 47, 45, 44, 42],
    "gdp": [1000, 1225, 1175, 1500, 1600, 1680],  # 亿元
    "industry_deaths": [20, 19, 18, 17, 16, 15],
    "industry_employees": [40, 40, 40, 40, 40, 40],  # 万人
    "road_deaths": [30, 29, 27, 27, 25, 24],
    "construction_deaths": [10, 10, 9, 9, 8, 8],
    "fishing_deaths": [4, 4, 4, 4, 4, 3],
    "major_risk_enterprises": [200, 200, 200, 200, 200, 200],
    "major_risk_reported": [170, 180, 190, 196, 200, 200],
    "high_risk_enterprises": [400, 400, 400, 400, 400, 400],
    "insured_enterprises": [320, 340, 360, 380, 392, 400],
    "population": [100, 100, 100, 100, 100, 100],  # 万人
    "fire_deaths": [2, 1, 2, 1, 2, 1],
    "disaster_loss": [1, 2.45, 4.7, 3, 4.8, 1.68],  # 亿元
    "disaster_deaths": [0, 0, 1, 0, 0, 0],
    "disaster_affected": [40000, 30000, 60000, 20000, 10000, 10000],
    "new_firefighters": [60, 70, 85, 90, 80, 90],
    "enforcement_staff": [200, 200, 200, 200, 200, 200],
    "qualified_enforcement_staff": [130, 136, 140, 146, 152, 156],
    "plans_due": [40, 40, 40, 40, 40, 40],
    "plans_revised": [20, 24, 30, 36, 40, 40],
    "relief_hours": [14, 12, 10, 9, 8, 8],
    "shelter_area": [128, 144, 160, 176, 184, 200],  # 万平方米
    "urban_population": [80, 80, 80, 80, 80, 80],  # 万人
    "students": [50000, 50000, 50000, 50000, 50000, 50000],
    "students_educated": [50000, 50000, 50000, 50000, 50000, 50000],
    "built_up_area": [50, 50, 50, 50, 50, 50],
    "fire_station_covered_area": [40, 42.5, 45, 47.5, 50, 50],
    "officials": [500, 500, 500, 500, 500, 500],
    "trained_officials": [350, 400, 440, 475, 500, 500],
    "warning_reached_population": [90, 93, 95, 96, 97.5, 98],
}

# indicator → 2021, 2022, 2023, 2024, 2025预测值, 前四年年均/累计, 五年年均/累计, 综合进度评价 (序时进度 0.8)
GOLDEN = {
    # (1 − 190/200) × 100 = 5 … (1 − 150/200) × 100 = 25; 累计 = last year's decline; 20 > 15 → 提前实现
    "accident_count_decline": ("5", "10", "15", "20", "25", "20", "25", "提前实现"),
    # 1 − 49/50 = 2%, 1 − 47/50 = 6%, 10%, 12%, 16%; 12 is not > 15 but ≥ 15 × 0.8 = 12 → 符合预期
    "accident_death_decline": ("2", "6", "10", "12", "16", "12", "16", "符合预期"),
    # rate = deaths / GDP: 2020 50/1000 = 0.05; 49/1225 = 0.04 → 20%; 47/1175 = 0.04 → 20%;
    # 45/1500 = 0.03 → 40%; 44/1600 = 0.0275 → 45%; 42/1680 = 0.025 → 50%; 45 > 35 → 提前实现
    "gdp_death_rate_decline": ("20", "20", "40", "45", "50", "45", "50", "提前实现"),
    # rate = deaths / 万人 × 10 (per 十万人): 5.0 in 2020, then 4.75, 4.5, 4.25, 4.0 | 3.75 → 5 … 25;
    # 20 is not > 20 (strict) but ≥ 16 → 符合预期
    "industry_death_rate_decline": ("5", "10", "15", "20", "25", "20", "25", "符合预期"),
    # both 市公安局 and 市交通运输局 report the same counts (merged): 1/30 = 3.33%, 3/30 = 10%, 10%,
    # 5/30 = 16.67% (half-up), 6/30 = 20%; ≥20 not yet, 16.67 ≥ 16 → 符合预期
    "road_transport_death_decline": ("3.33", "10", "10", "16.67", "20", "16.67", "20", "符合预期"),
    # 0, 10, 10, 20 | 20; 20 > 15 → 提前实现
    "construction_death_decline": ("0", "10", "10", "20", "20", "20", "20", "提前实现"),
    # no change until the forecast (1 − 3/4 = 25%); 0 < 12 → 滞后预期
    "fishing_vessel_death_decline": ("0", "0", "0", "0", "25", "0", "25", "滞后预期"),
    # 180/200, 190/200, 196/200, 200/200 → 90, 95, 98, 100 | 100; 年均 (90+95+98+100)/4 = 95.75,
    # five years 483/5 = 96.6; a floor: 100 ≥ 100 reached in 2024, before 2025 → 提前实现
    "major_risk_report_rate": ("90", "95", "98", "100", "100", "95.75", "96.6", "提前实现"),
    # 340/400 … 392/400 → 85, 90, 95, 98 | 100; 年均 92, 93.6; a floor from 2020's 320/400 = 80:
    # 序时进度 80 + (100 − 80) × 0.8 = 96, and 98 ≥ 96 → 符合预期 (was 滞后 when any shortfall was late)
    "liability_insurance_rate": ("85", "90", "95", "98", "100", "92", "93.6", "符合预期"),
    # fire deaths / 100万人 × 10: 0.1, 0.2, 0.1, 0.2 | 0.1; 年均 0.15 < 0.2 → 符合预期; five years 0.7/5 = 0.14
    "fire_death_rate": ("0.1", "0.2", "0.1", "0.2", "0.1", "0.15", "0.14", "符合预期"),
    # loss / GDP × 100: 2.45/1225 = 0.2%, 4.7/1175 = 0.4%, 3/1500 = 0.2%, 4.8/1600 = 0.3% | 1.68/1680 = 0.1%;
    # 年均 1.1/4 = 0.275, printed half-up to two decimals 0.28 < 0.5 → 符合预期; 1.2/5 = 0.24
    "disaster_loss_gdp_ratio": ("0.2", "0.4", "0.2", "0.3", "0.1", "0.28", "0.24", "符合预期"),
    # deaths / 100万人 × 100 (per 百万人): 0, 1, 0, 0 | 0; 年均 0.25 < 0.5; 1/5 = 0.2
    "disaster_death_rate": ("0", "1", "0", "0", "0", "0.25", "0.2", "符合预期"),
    # affected / 100万人 × 10 (per 十万人): 3000, 6000, 2000, 1000 | 1000; 年均 3000 < 5000; 13000/5 = 2600
    "disaster_affected_per_100k": ("3000", "6000", "2000", "1000", "1000", "3000", "2600", "符合预期"),
    # 新增: 70 + 85 + 90 + 80 = 325 ≥ 400 × 0.8 = 320 → 符合预期; with 2025: 415
    "new_fulltime_firefighters": ("70", "85", "90", "80", "90", "325", "415", "符合预期"),
    # 136/200 … 152/200 → 68, 70, 73, 76 | 78; 年均 71.75, 365/5 = 73; 76 ≥ 75 before 2025 → 提前实现
    "qualified_enforcement_ratio": ("68", "70", "73", "76", "78", "71.75", "73", "提前实现"),
    # 24/40 … 40/40 → 60, 75, 90, 100 | 100; 年均 81.25, 425/5 = 85; 100 ≥ 100 before 2025 → 提前实现
    "plan_revision_rate": ("60", "75", "90", "100", "100", "81.25", "85", "提前实现"),
    # hours as reported: 12, 10, 9, 8 | 8; 年均 9.75, 47/5 = 9.4; a ceiling: 8 ≤ 10 holds → 符合预期 (never early)
    "relief_time": ("12", "10", "9", "8", "8", "9.75", "9.4", "符合预期"),
    # 万m² / 万人: 144/80 = 1.8, 2.0, 2.2, 184/80 = 2.3 | 2.5; 年均 8.3/4 = 2.075 → 2.08 (half-up), 10.8/5 = 2.16;
    # a floor from 2020's 128/80 = 1.6: 1.6 + 0.9 × 0.8 = 2.32, and 2.3 < 2.32 → 滞后预期
    "shelter_area_per_capita": ("1.8", "2", "2.2", "2.3", "2.5", "2.08", "2.16", "滞后预期"),
    # 50000/50000 every year → 100; 100 ≥ 100 before 2025 → 提前实现
    "school_safety_education_rate": ("100", "100", "100", "100", "100", "100", "100", "提前实现"),
    # 42.5/50 … 50/50 → 85, 90, 95, 100 | 100; 年均 92.5, 470/5 = 94; 100 reached in 2024 → 提前实现
    "fire_station_coverage": ("85", "90", "95", "100", "100", "92.5", "94", "提前实现"),
    # 400/500 … 500/500 → 80, 88, 95, 100 | 100; 年均 90.75, 463/5 = 92.6; 100 reached in 2024 → 提前实现
    "official_training_coverage": ("80", "88", "95", "100", "100", "90.75", "92.6", "提前实现"),
    # 万人 reached / 100万人: 93, 95, 96, 97.5 | 98; 年均 381.5/4 = 95.375 → 95.38 (half-up), 479.5/5 = 95.9;
    # 97.5 ≥ 95 before 2025 → 提前实现
    "weather_warning_coverage": ("93", "95", "96", "97.5", "98", "95.38", "95.9", "提前实现"),
}
COLUMNS = ("y2021", "y2022", "y2023", "y2024", "forecast", "to_date", "full_period", "rating")


def _figures_only_form(catalog, campaign, unit_code: str, folder) -> object:
    """The unit's own form with only its 基础数据 sheet filled (the percentages left blank), and its key
    projects' progress (附件5/6 rows are pre-filled, so they must be answered)."""
    path = folder / f"{catalog.unit(unit_code).name}_基础数据.xlsx"
    write_unit_form(catalog, campaign, catalog.unit(unit_code), path)
    workbook = load_workbook(path)
    sheet = workbook[catalog.forms.figures_table.label]
    layout = figures_layout(catalog, campaign)
    years = [c for c in layout if c.year is not None]
    for row in range(3, sheet.max_row + 1):
        measure = catalog.match_measure(str(sheet.cell(row, 2).value or ""))
        if measure is None:
            continue
        for column, value in zip(years, RAW[measure.code], strict=True):
            sheet.cell(row, layout.index(column) + 1, value)
    for plan in catalog.campaign_plans(campaign):
        if plan.project_table and plan.project_table.annex in workbook.sheetnames:
            projects = workbook[plan.project_table.annex]
            progress = [c.key for c in project_layout(catalog)].index("progress") + 1
            for row in range(3, projects.max_row + 1):
                if catalog.match_project(str(projects.cell(row, 2).value or ""), plan.code):
                    projects.cell(row, progress, "按计划推进。")
    workbook.save(path)
    return path


@pytest.fixture
def golden_run(db_url, home, catalog, campaign, tmp_path):
    setup.init_units()
    owners = sorted({unit for code in GOLDEN for unit in catalog.indicator(code).responsible})
    for unit in owners:
        source = _figures_only_form(catalog, campaign, unit, tmp_path)
        shutil.copyfile(source, home / "drop" / unit / "inbox" / source.name)
    receipts = collect.run_collect()
    year_end.refresh_results()
    return make_engine(db_url), receipts


def test_all_22_indicators_computed_from_raw_figures_cell_by_cell(golden_run, catalog, campaign):
    engine, receipts = golden_run
    assert [(r["unit_code"], r["status"], r.get("errors")) for r in receipts if r["status"] != "accepted"] == []
    assert len(GOLDEN) == 22 == len({code for plan in catalog.plans for code in plan.indicator_table.indicators})
    printed = {
        (r["indicator_code"], r["column_key"]): r
        for r in fetch_all(engine, "select_mart_indicator_cells", campaign_code=campaign.code)
    }
    mismatches = [
        f"{code}.{column}: got {printed.get((code, column), {}).get('printed')!r}, expected {expected!r}"
        for code, row in GOLDEN.items()
        for column, expected in zip(COLUMNS, row, strict=True)
        if printed.get((code, column), {}).get("printed") != expected
    ]
    assert not mismatches, "\n".join(mismatches)


def test_every_printed_figure_traces_back_to_the_raw_cells(golden_run, catalog, campaign):
    engine, _ = golden_run
    with engine.connect() as connection:
        cell = connection.execute(
            text(
                "SELECT lineage FROM mart_indicator_cell WHERE campaign_code = :c AND plan_code = 'safety'"
                " AND indicator_code = 'gdp_death_rate_decline' AND column_key = 'y2023'"
            ),
            {"c": campaign.code},
        ).scalar_one()
        value = connection.execute(
            text(
                "SELECT origin, derivation FROM indicator_result_value WHERE campaign_code = :c"
                " AND indicator_code = 'gdp_death_rate_decline' AND year = 2023"
            ),
            {"c": campaign.code},
        ).one()
    # deaths and GDP of 2023 (column G) and of the base year 2020 (D), cells of the emergency bureau's sheet
    references = [part.split(":", 1)[1] for part in cell.split(";")]
    assert references == ["基础数据表!G4", "基础数据表!G5", "基础数据表!D4", "基础数据表!D5"]  # row 4 deaths, 5 GDP
    assert value.origin == "derived" and value.derivation == "(1 − 45/1500 ÷ 50/1000) × 100"
    measures = fetch_all(engine, "select_measure_values", campaign_code=campaign.code)
    road_2024 = next(m for m in measures if m["measure_code"] == "road_deaths" and m["year"] == 2024)
    assert road_2024["origin"] == "reported" and road_2024["conflict"] is None  # two units, same figure


def test_floors_start_their_schedule_from_the_base_year_raw_figures(golden_run, campaign):
    engine, _ = golden_run
    results = {
        (r["plan_code"], r["indicator_code"]): r
        for r in fetch_all(engine, "select_indicator_results", campaign_code=campaign.code)
    }
    insurance = results[("safety", "liability_insurance_rate")]  # 2020: 320/400 = 80% → 80 + 20 × 0.8
    assert insurance["schedule_expected"] == pytest.approx(96)
    assert insurance["computed_reason"] == "当前98%,达到序时进度要求的96%(以2020年80%为起点)"
    shelter = results[("emergency", "shelter_area_per_capita")]  # 2020: 128/80 = 1.6 → 1.6 + 0.9 × 0.8
    assert shelter["schedule_expected"] == pytest.approx(2.32) and shelter["computed_rating"] == "滞后预期"
    relief = results[("emergency", "relief_time")]  # a ceiling: no share of it is asked
    assert relief["schedule_expected"] is None and relief["computed_rating"] == "符合预期"
