"""A fictional county's catalog (tests/data/catalogs/qingshui, 清水县) that uses every indicator kind and both
assessment kinds, run end to end through ``planeval`` commands on the embedded SQLite warehouse.

Every unit's own generated form is filled with the figures of the catalog's ``demo.yaml`` (one source for the
demo and this test; each line there states the rating the arithmetic requires), some are then edited as a
clerk would (a raw-figures-only table, a percent-formatted cell), dropped into the inboxes, collected and
assessed: first the 中期评估 (data to 2022), then the 总结评估 (data to 2024), each with ``--campaign``. The
assertions read the warehouse (``indicator_result``, ``indicator_result_value``) and the documents.
The semantics asserted are settled in docs/assessment.md (deadlines, every-year levels, rankings,
cooperating units) and docs/validation.md (values as typed).
"""

from __future__ import annotations

import copy
import json
import re
import shutil
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from docx import Document
from helpers import filled_form, row_of
from openpyxl import load_workbook
from render_check import ascii_marks

from planeval.catalog import Campaign, Catalog, load_catalog
from planeval.catalog.layouts import indicator_layout
from planeval.intake.unit_forms import offered_forms
from planeval.settings import REPO_ROOT, get_settings
from planeval.ui.cli import main
from planeval.ui.demo import load_demo_spec
from planeval.ui.demo_narrative import write_narrative
from planeval.warehouse.db import fetch_all, make_engine

QINGSHUI = REPO_ROOT / "tests" / "data" / "catalogs" / "qingshui"
MIDTERM, SUMMARY = "qingshui_2023_midterm", "qingshui_2025_summary"
PLAN_NAME = "清水县安全生产“十四五”规划"
PLATFORM = "emergency_command_platform"

Edit = Callable[[Catalog, Campaign, Any], None]  # (catalog, campaign, openpyxl workbook)


def _county() -> Catalog:
    return load_catalog(QINGSHUI)


# ---------------------------------------------------------------------------------------------------------------
# The catalog as loaded


def test_the_county_catalog_loads_with_every_kind():
    catalog = _county()
    assert (catalog.city, catalog.office, catalog.short_office) == ("清水县", "清水县安全生产委员会办公室", "县安委办")
    assert (catalog.kind_label("department"), catalog.kind_label("town")) == ("县级部门", "乡镇")
    assert len(catalog.units) == 8 and [u.code for u in catalog.units if u.kind == "town"] == ["qingxi", "shiqiao"]
    kinds = {i.kind for i in catalog.indicators}
    assert kinds == {"decline", "cumulative", "zero", "level", "qualitative", "ranking"}

    due = catalog.indicator("standardization_rate")
    assert (due.due_year, due.target.comparator, due.target.value) == (2022, "≥", 75.0)  # 不低于75
    ceiling = catalog.indicator("road_death_rate_per_10k_vehicles")
    assert ceiling.every_year and ceiling.target.is_ceiling and ceiling.target.value == 1.5
    platform = catalog.indicator(PLATFORM)
    assert platform.scale == ("未启动", "推进中", "基本建成", "建成") and platform.target.value == 2.0
    assert platform.display(1.0) == "推进中"
    ranking = catalog.indicator("safety_assessment_ranking")
    assert (ranking.comparison_group, ranking.unit, ranking.target.text) == ("全市8个县区", "名", "≤3")
    assert ranking.target.is_ceiling
    gas = catalog.indicator("gas_user_inspection_rate")
    assert (gas.lead_unit, gas.cooperating) == ("housing", ("market_regulation",))
    assert catalog.indicator("hazard_monitoring_rate").target.comparator == "≥"  # 达到95 includes 95

    tasks = {t.code: t for t in catalog.plan("safety").tasks}
    assert [a.title for a in catalog.plan("safety").aspects] == [
        "健全安全生产责任体系",
        "加强重点行业领域安全治理",
        "提升应急救援能力",
    ]
    assert tasks["qs_1_2"].due_year == 2022  # due_in_years: 2 (利用1至2年), resolved on load
    assert tasks["qs_2_2"].role_of("housing") == "牵头" and tasks["qs_2_2"].role_of("market_regulation") == "配合"
    assert not any(t.assigned for t in tasks.values())  # the plan names its units


def test_two_campaigns_each_with_its_deadlines():
    catalog = _county()
    midterm, summary = catalog.campaign(MIDTERM), catalog.campaign(SUMMARY)
    assert (midterm.kind, midterm.year, midterm.data_year) == ("midterm", 2023, 2022)
    assert (summary.kind, summary.year, summary.data_year) == ("summary", 2025, 2024)
    assert catalog.campaign(year=2023) == midterm and catalog.campaign(year=2025) == summary
    assert str(midterm.due("indicator_table")) == "2023-06-15" and str(summary.due("indicator_table")) == "2025-06-16"
    # the midterm's tables have the two actual years and the 2025 forecast
    years = [c.header for c in indicator_layout(catalog, catalog.plan("safety"), midterm) if c.year]
    assert years == ["2021年", "2022年", "2025年预测值"]


def test_a_cooperating_unit_is_offered_the_indicator_table_but_does_not_owe_it():
    catalog = _county()
    campaign, unit = catalog.campaign(SUMMARY), catalog.unit("market_regulation")
    assert "indicator_table" in offered_forms(catalog, campaign, unit)  # it may give its own figure
    assert "indicator_table" not in catalog.expected_forms(campaign, unit)  # the lead owes it (docs/assessment.md)


# ---------------------------------------------------------------------------------------------------------------
# Generated submissions, collected and assessed through the command line


def _midterm_spec(spec: dict[str, Any]) -> dict[str, Any]:
    """The demo figures as the 中期评估 asks them: 2021, 2022 and the 2025 forecast (demo.yaml lists 2021..2024
    and the forecast)."""
    spec = copy.deepcopy(spec)
    for entry in spec["indicators"].values():
        entry["values"] = [*entry["values"][:2], entry["values"][4]]
        for unit, values in (entry.get("per_unit") or {}).items():
            entry["per_unit"][unit] = [*values[:2], values[4]]
    return spec


def _indicator_row(catalog: Catalog, campaign: Campaign, workbook: Any, code: str) -> tuple[Any, int, dict[str, int]]:
    plan = catalog.plan("safety")
    sheet = workbook[plan.indicator_table.annex]
    columns = {c.key: i for i, c in enumerate(indicator_layout(catalog, plan, campaign), start=1)}
    return sheet, row_of(sheet, catalog.indicator(code).name, columns["name"]), columns


def _raw_figures_only(catalog: Catalog, campaign: Campaign, workbook: Any) -> None:
    """县交通运输局 leaves the percentages blank and reports its 基础数据表 only (the demo typed both)."""
    sheet, row, columns = _indicator_row(catalog, campaign, workbook, "road_death_decline")
    for key, column in columns.items():
        if key.startswith("y") or key in ("forecast", "self_rating", "analysis"):
            sheet.cell(row=row, column=column).value = None


def _percent_formatted(catalog: Catalog, campaign: Campaign, workbook: Any) -> None:
    """县应急管理局 types 2024's 95% as Excel's percentage: the cell holds 0.95, formatted 0%."""
    sheet, row, columns = _indicator_row(catalog, campaign, workbook, "hazard_monitoring_rate")
    cell = sheet.cell(row=row, column=columns["y2024"])
    cell.value = 0.95
    cell.number_format = "0%"


@dataclass
class Run:
    home: Path
    catalog: Catalog
    campaign: Campaign
    results: dict[str, dict[str, Any]]  # indicator code → indicator_result row
    values: dict[tuple[str, int], dict[str, Any]]  # (indicator code, year) → indicator_result_value row
    receipts: dict[str, list[dict[str, Any]]]  # unit code → its receipts of this campaign's tables
    report: Path

    def paragraphs(self) -> str:
        return ascii_marks("\n".join(p.text for p in Document(str(self.report)).paragraphs if p.text.strip()))

    def table_row(self, code: str) -> dict[str, str]:
        """The indicator's row of the report's 附件 table, by header."""
        name = self.catalog.indicator(code).name
        for table in Document(str(self.report)).tables:
            rows = [[ascii_marks(cell.text) for cell in row.cells] for row in table.rows]
            if rows and "规划指标内容" in rows[0]:
                for row in rows[1:]:
                    if row[rows[0].index("规划指标内容")] == name:
                        return dict(zip(rows[0], row, strict=False))
        raise KeyError(name)


def _assess(home: Path, code: str, spec: dict[str, Any], edits: dict[str, Edit]) -> Run:
    """Every unit's files for campaign ``code`` into its inbox, then ``planeval run collect`` and ``year-end``."""
    assert main(["init", "--campaign", code]) == 0
    settings, catalog = get_settings(), _county()
    campaign = catalog.campaign(code)
    staging = home.parent / f"staging-{code}"
    staging.mkdir(parents=True, exist_ok=True)
    for unit in catalog.units:
        owes = catalog.expected_forms(campaign, unit)
        inbox = settings.inbox(unit.code)
        if "indicator_table" in offered_forms(catalog, campaign, unit):  # a cooperating unit sends its own figure
            edit = edits.get(unit.code)
            source = filled_form(
                catalog,
                campaign,
                unit.code,
                staging,
                name=f"{unit.name}_{code}.xlsx",
                spec=spec,
                edit=(lambda workbook, edit=edit: edit(catalog, campaign, workbook)) if edit else None,
            )
            shutil.copyfile(source, inbox / source.name)
        if "summary_report" in owes:
            report = staging / f"{unit.name}{campaign.name}报告.docx"
            write_narrative(catalog, campaign, unit, report, spec)
            shutil.copyfile(report, inbox / report.name)
    assert main(["run", "collect", "--campaign", code]) == 0
    assert main(["run", "year-end", "--campaign", code]) == 0

    engine = make_engine(settings.db_url)
    results = {r["indicator_code"]: r for r in fetch_all(engine, "select_indicator_results", campaign_code=code)}
    values = {
        (r["indicator_code"], r["year"]): r
        for r in fetch_all(engine, "select_indicator_result_values", campaign_code=code)
        if not r["is_forecast"]
    }
    receipts: dict[str, list[dict[str, Any]]] = {}
    for path in sorted(settings.drop_dir.glob(f"*/receipts/*_{code}.xlsx.json")):
        receipt = json.loads(path.read_text("utf-8"))
        receipts.setdefault(receipt["unit"], []).append(receipt)
    (report,) = (settings.reports_dir / code).glob("*报告(征求意见稿).docx")
    return Run(home, catalog, campaign, results, values, receipts, report)


@pytest.fixture(scope="module")
def county_home(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """One PLANEVAL_HOME for both campaigns (they share the warehouse, as an office's installation does)."""
    home = tmp_path_factory.mktemp("county") / "home"
    patch = pytest.MonkeyPatch()
    patch.setenv("PLANEVAL_HOME", str(home))
    patch.setenv("PLANEVAL_CATALOG", str(QINGSHUI))
    patch.setenv("PLANEVAL_SETTLE_SECONDS", "0")
    patch.delenv("PLANEVAL_DB_URL", raising=False)
    try:
        yield home
    finally:
        patch.undo()


@pytest.fixture(scope="module")
def midterm(county_home: Path) -> Run:
    return _assess(county_home, MIDTERM, _midterm_spec(load_demo_spec(_county())), {})


@pytest.fixture(scope="module")
def summary(county_home: Path, midterm: Run) -> Run:
    """The 总结评估, run after the 中期评估 in the same home."""
    edits: dict[str, Edit] = {"transport": _raw_figures_only, "emergency": _percent_formatted}
    return _assess(county_home, SUMMARY, load_demo_spec(_county()), edits)


def _rating(run: Run, code: str) -> tuple[str, str]:
    row = run.results[code]
    return row["computed_rating"], row["computed_reason"] or ""


# --- 总结评估 (data year 2024, 序时进度 0.8) ----------------------------------------------------------------------


def test_every_table_is_accepted(summary: Run):
    statuses = {unit: [r["status"] for r in receipts] for unit, receipts in summary.receipts.items()}
    errors = [e["message"] for receipts in summary.receipts.values() for r in receipts for e in r["errors"]]
    assert statuses == {
        "emergency": ["accepted"],
        "public_security": ["accepted"],
        "transport": ["accepted"],
        "housing": ["accepted"],
        "fire_rescue": ["accepted"],
    } | ({"market_regulation": ["accepted"]} if "market_regulation" in statuses else {}), errors


@pytest.mark.parametrize(
    ("code", "rating", "because"),
    [
        ("accident_count_decline", "提前实现", "16.6"),  # 16.6 > 15 before 2025
        ("accident_death_decline", "滞后预期", "12"),  # 11 < 15 × 0.8 = 12
        ("road_death_decline", "提前实现", "20"),  # from the raw figures: (1 − 32/40) × 100 = 20 ≥ 20
        ("major_accident_deaths", "符合预期", ""),  # zero every year
        ("new_fulltime_firefighters", "符合预期", "82"),  # 20 + 25 + 20 + 17 = 82 ≥ 100 × 0.8 = 80
        (PLATFORM, "滞后预期", "推进中"),  # rank 1 < the lowest rank ≥ 2 × 0.8 = 1.6: 基本建成
    ],
)
def test_ratings_the_plans_arithmetic_requires(summary: Run, code: str, rating: str, because: str):
    computed, reason = _rating(summary, code)
    assert computed == rating, reason
    assert because in reason


def test_a_target_due_in_2022_is_rated_on_2022(summary: Run):
    computed, reason = _rating(summary, "standardization_rate")
    assert computed == "滞后预期", reason  # 2022: 70 < 75, though 80 in 2024
    assert "2022" in reason and "70" in reason and "75" in reason


def test_an_every_year_ceiling_broken_once_lags_naming_the_year(summary: Run):
    computed, reason = _rating(summary, "road_death_rate_per_10k_vehicles")
    assert computed == "滞后预期", reason  # 1.6 ≥ 1.5 in 2022, though 1.2 in 2024
    assert "2022" in reason and "1.6" in reason


def test_a_ranking_held_is_on_schedule_and_printed_as_a_place(summary: Run):
    computed, reason = _rating(summary, "safety_assessment_ranking")
    assert computed == "符合预期", reason  # 2 ≤ 3 in 2024
    assert "第2名" in reason and "全市8个县区" in reason
    row = summary.table_row("safety_assessment_ranking")
    assert (row["2024年"], row["2025年预测值"]) == ("第2名", "第2名")
    assert "第2名" in summary.paragraphs()


def test_the_leads_figure_counts_and_a_cooperating_units_difference_is_flagged(summary: Run):
    assert summary.values[("gas_user_inspection_rate", 2024)]["value"] == 76  # 县住建局 (lead), not 74
    computed, reason = _rating(summary, "gas_user_inspection_rate")
    assert computed == "符合预期", reason  # 76 ≥ 60 + 20 × 0.8 = 76; 74 would lag
    conflict = summary.results["gas_user_inspection_rate"]["conflict"] or ""
    assert "2024" in conflict and "76" in conflict and "74" in conflict and "县市场监督管理局" in conflict


def test_a_raw_figures_only_table_is_accepted_and_its_cells_computed(summary: Run):
    (receipt,) = summary.receipts["transport"]
    assert receipt["status"] == "accepted", receipt["errors"]
    cells = [summary.values[("road_death_decline", year)] for year in range(2021, 2025)]
    assert [c["value"] for c in cells] == [5, 10, 15, 20]  # (1 − 38/40) × 100 … (1 − 32/40) × 100
    assert {c["origin"] for c in cells} == {"derived"}


def test_a_percent_formatted_cell_is_read_as_the_percentage(summary: Run):
    (receipt,) = summary.receipts["emergency"]
    assert receipt["status"] == "accepted", receipt["errors"]
    assert summary.values[("hazard_monitoring_rate", 2024)]["value"] == 95
    computed, reason = _rating(summary, "hazard_monitoring_rate")
    assert computed == "提前实现", reason  # 95 ≥ 95 (达到 includes it) before 2025; 0.95 would lag far behind


def test_the_qualitative_figure_is_stored_as_its_rank_and_written_as_its_word(summary: Run):
    assert [summary.values[(PLATFORM, year)]["value"] for year in range(2021, 2025)] == [0, 1, 1, 1]  # ranks
    # the body names the word wherever it speaks of the platform, never its rank
    name = summary.catalog.indicator(PLATFORM).plain_name
    sentences = [s for s in re.split("[。;；\n]", summary.paragraphs()) if name in s]
    assert sentences and any("推进中" in s for s in sentences)
    for sentence in sentences:  # no figure but the years (2025年底) and a list's numbering (3. )
        assert not re.search(r"[0-9]", re.sub(r"^\s*[0-9]+\.\s|[0-9]{4}年|第[0-9]+名", "", sentence)), sentence


def test_the_qualitative_figure_is_a_word_in_the_reports_table(summary: Run):
    row = summary.table_row(PLATFORM)
    assert [row[f"{year}年"] for year in range(2021, 2025)] == ["未启动", "推进中", "推进中", "推进中"]
    assert (row["2025年预测值"], row["前四年年均/累计"], row["五年年均/累计"]) == (
        "基本建成",
        "推进中",
        "—",
    )  # no five-year status before the plan ends (reporting/figures.py)
    assert not any(re.fullmatch(r"[0-9.]+", text) for key, text in row.items() if key != "序号"), row


def test_the_qualitative_figure_is_a_word_in_the_annex_workbook(summary: Run):
    annexes = [p for p in (summary.home / "reports" / SUMMARY).glob("*.xlsx")]
    rows = [
        [cell for cell in row[1:] if cell is not None]  # after the 序号
        for path in annexes
        for sheet in load_workbook(path, read_only=True).worksheets
        for row in sheet.iter_rows(values_only=True)
        if summary.catalog.indicator(PLATFORM).name in row
    ]
    assert rows, [p.name for p in annexes]
    for row in rows:
        assert "推进中" in row
        assert not any(isinstance(cell, int | float) for cell in row), row
        assert not any(re.fullmatch(r"[0-9.]+", str(cell)) for cell in row), row


def test_the_summary_report_is_titled_as_the_summary(summary: Run):
    assert summary.report.name == f"清水县{summary.campaign.name}报告(征求意见稿).docx"
    assert "清水县安全生产“十四五”规划总结评估报告" in summary.paragraphs().replace("\n", "")


# --- 中期评估 (data year 2022, 序时进度 0.4), run on its own ------------------------------------------------------


@pytest.mark.parametrize(
    ("code", "rating"),
    [
        ("standardization_rate", "滞后预期"),  # due 2022, the data year: 70 < 75, not reached by its deadline
        ("road_death_rate_per_10k_vehicles", "滞后预期"),  # 1.6 ≥ 1.5 in 2022
        ("accident_count_decline", "符合预期"),  # 9 ≥ 15 × 0.4 = 6, not yet 15
        ("accident_death_decline", "符合预期"),  # 6.5 ≥ 6
        (PLATFORM, "符合预期"),  # 推进中 (1) ≥ the lowest rank ≥ 2 × 0.4 = 0.8
        ("major_accident_deaths", "符合预期"),
    ],
)
def test_the_midterm_is_rated_on_its_own_data(midterm: Run, code: str, rating: str):
    computed, reason = _rating(midterm, code)
    assert computed == rating, reason
    assert max(year for c, year in midterm.values if c == code) == 2022


def test_the_midterm_keeps_its_results_beside_the_summarys(midterm: Run, summary: Run):
    assert midterm.results[PLATFORM]["computed_rating"] == "符合预期"
    assert summary.results[PLATFORM]["computed_rating"] == "滞后预期"
    assert float(midterm.results["accident_count_decline"]["schedule_share"]) == pytest.approx(0.4)
    assert float(summary.results["accident_count_decline"]["schedule_share"]) == pytest.approx(0.8)


def test_the_midterm_report_is_titled_midterm(midterm: Run):
    assert midterm.report.parent.name == MIDTERM
    title = midterm.paragraphs().split(midterm.catalog.office)[0].replace("\n", "")  # the lines above the office
    assert "清水县安全生产“十四五”规划中期评估报告" in title
    assert "总结评估" not in title


def test_the_midterm_report_never_calls_itself_a_summary_assessment(midterm: Run):
    assert "总结评估" not in midterm.paragraphs()


def test_the_midterm_prints_the_ranking_as_a_place(midterm: Run):
    computed, reason = _rating(midterm, "safety_assessment_ranking")
    assert computed == "符合预期", reason  # 3 ≤ 3 in 2022
    assert midterm.table_row("safety_assessment_ranking")["2022年"] == "第3名"
