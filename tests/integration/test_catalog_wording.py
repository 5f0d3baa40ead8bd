"""Words from the catalog in every document: a district (区) catalog whose office already names its place, a
qualitative indicator printed as its scale word and never charted, titles by the campaign's kind.

The report is drafted from facts assessed by planeval's own arithmetic (assessment.arithmetic.assess) and
rendered from the real template; the annex workbook from the cells the warehouse's mart would hold
(assessment.aggregate._printed_cells). No warehouse is needed."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest
import yaml
from docx import Document
from openpyxl import load_workbook
from render_check import ascii_marks

from planeval.assessment import aggregate
from planeval.assessment.arithmetic import Figures, assess, forecast_figure
from planeval.catalog import Campaign, Catalog, CatalogError, load_catalog
from planeval.catalog.layouts import indicator_layout
from planeval.reporting import workbooks
from planeval.reporting.facts import IndicatorFacts, PlanFacts, ReportFacts
from planeval.reporting.summary import build_report_context, render_summary_report
from planeval.reporting.titles import campaign_title
from planeval.settings import REPO_ROOT

PLACE, OFFICE = "河东区", "天津市河东区安全生产委员会办公室"
PLAN_NAME = "天津市河东区安全生产“十四五”规划"
SCALE = ["未启动", "推进中", "基本建成", "全面建成"]
# yearly figures 2021–2024 and the 2025 forecast; the qualitative one as ranks on SCALE
FIGURES: dict[str, tuple[list[float], float]] = {
    "accident_count_decline": ([6, 11, 16, 20], 22),
    "accident_death_decline": ([4, 8, 12.5, 17], 21),
    "gdp_death_rate_decline": ([8, 13, 19, 24], 27),
    "industry_death_rate_decline": ([2, 5, 9, 12], 17),
    "dual_prevention_completion": ([10, 20, 25, 30], 15),
    "info_platform": ([0, 1, 1, 2], 3),
}


@pytest.fixture
def district(tmp_path: Path) -> Catalog:
    """catalog/longcheng as a district of a municipality would write it: the office's name starts with the
    city's (天津市河东区…), the plan's title too, and the plan has a qualitative indicator."""
    folder = tmp_path / "hedong"
    shutil.copytree(REPO_ROOT / "catalog" / "longcheng", folder)
    manifest = yaml.safe_load((folder / "catalog.yaml").read_text("utf-8"))
    manifest |= {"city": PLACE, "office": OFFICE}
    manifest.pop("unit_kind_labels")  # the level's own defaults: 区级部门 / 乡镇街道
    (folder / "catalog.yaml").write_text(yaml.safe_dump(manifest, allow_unicode=True), "utf-8")
    plans = yaml.safe_load((folder / "plans.yaml").read_text("utf-8"))
    plans[0]["name"] = PLAN_NAME
    plans[0]["indicator_table"]["indicators"].append("info_platform")
    (folder / "plans.yaml").write_text(yaml.safe_dump(plans, allow_unicode=True), "utf-8")
    indicators = yaml.safe_load((folder / "indicators.yaml").read_text("utf-8"))
    indicators.append(
        {
            "code": "info_platform",
            "name": "安全生产信息化平台建设",
            "kind": "qualitative",
            "scale": SCALE,
            "target": "全面建成",
            "attribute": "预期性",
            "unit": "",
            "direction": "increase",
            "aggregation": "cumulative",
            "responsible": ["emergency"],
        }
    )
    (folder / "indicators.yaml").write_text(yaml.safe_dump(indicators, allow_unicode=True), "utf-8")
    return load_catalog(folder)


def _facts(catalog: Catalog, campaign: Campaign) -> ReportFacts:
    """Each indicator of the campaign's plans assessed on FIGURES by planeval's arithmetic."""
    plans = []
    for plan in catalog.campaign_plans(campaign):
        items = []
        for seq, indicator in enumerate(catalog.plan_indicators(plan.code), start=1):
            years, forecast = FIGURES[indicator.code]
            figures = Figures(dict(zip(range(2021, 2025), years, strict=True)), forecast)
            outcome = assess(indicator, plan, campaign.data_year, figures)
            result: dict[str, Any] = {
                "plan_code": plan.code,
                "seq": seq,
                "indicator_code": indicator.code,
                "to_date_value": outcome.to_date,
                "full_period_value": outcome.full_period,
                "schedule_expected": outcome.schedule_expected,
                "computed_rating": outcome.rating,
                "computed_reason": outcome.reason,
                "self_rating": outcome.rating,
                "analysis": "",
                "source_units": indicator.lead_unit,
                "conflict": None,
                "trend_forecast": outcome.trend_forecast,
                "trend_meets_target": outcome.trend_meets_target,
            }
            items.append(
                IndicatorFacts(
                    plan=plan,
                    indicator=indicator,
                    result=result,
                    series={**{(y, False): v for y, v in figures.actuals.items()}, (2025, True): forecast},
                    figures=figures,
                    compared=outcome.compared,
                    predicted=forecast_figure(indicator, figures),
                    responsible=catalog.unit(indicator.lead_unit).name,
                )
            )
        plans.append(PlanFacts(plan, indicator_layout(catalog, plan, campaign), items))
    return ReportFacts(catalog, campaign, plans, submissions=[], projects={})


def _render(catalog: Catalog, campaign: Campaign, folder: Path) -> tuple[dict[str, object], str, list[list[str]]]:
    facts = _facts(catalog, campaign)
    context = build_report_context(None, catalog, campaign, facts=facts, charts_dir=folder / "图表")
    path, _ = render_summary_report(context, folder / "report.docx")
    document = Document(str(path))
    text = ascii_marks("\n".join(p.text for p in document.paragraphs if p.text.strip()))
    rows = [[cell.text for cell in row.cells] for table in document.tables for row in table.rows]
    return context, text, rows


def test_level_and_place_come_from_the_catalog(district):
    assert (district.level, district.place, district.level_word, district.whole_place) == ("区", PLACE, "区级", "全区")
    assert (district.kind_label("department"), district.kind_label("town")) == ("区级部门", "乡镇街道")
    assert district.placed(OFFICE) == OFFICE and district.placed("安全生产规划") == f"{PLACE}安全生产规划"
    haian = load_catalog(REPO_ROOT / "catalog" / "haian")
    assert (haian.level, haian.place, haian.kind_label("department")) == ("市", "海安市", "市级部门")


def test_a_district_report_names_its_place_once_and_says_its_plan_s_words(district, tmp_path):
    campaign = district.campaign()
    context, text, rows = _render(district, campaign, tmp_path)
    assert f"{PLACE}{PLACE}" not in text and f"{PLACE}天津市" not in text
    assert campaign_title(district, campaign).report == f"{PLACE}安全生产“十四五”规划总结评估报告"
    assert context["title"] == f"{PLACE}安全生产“十四五”规划总结评估报告"
    assert OFFICE in text
    assert "市级" not in text and "市安委办" not in text and "全市" not in text
    assert "重大工程进展核定" in text and "重点工程" not in text  # 附录三's note: the plan's own word
    assert "附表3\u3000河东区“十四五”重大工程项目单片材料" in context["attachments"]
    assert any(row[1] == "安全生产信息化平台建设" for row in rows)


def test_a_qualitative_indicator_prints_its_word_and_is_never_charted(district, tmp_path):
    campaign = district.campaign()
    context, text, rows = _render(district, campaign, tmp_path)
    (row,) = [row for row in rows if row[1] == "安全生产信息化平台建设"]
    header = next(r for r in rows if r[:2] == ["序号", "规划指标内容"])
    cells = dict(zip(header, row, strict=True))
    years = [cells[h] for h in header if h.startswith("202")]
    assert years == ["未启动", "推进中", "推进中", "基本建成", "全面建成"]  # 2021–2024, the 2025 forecast
    assert cells["五年年均/累计"] == "—"
    to_date = next(h for h in header if "年均" in h and h != "五年年均/累计")
    assert cells[to_date] == "基本建成"  # the latest status, not a mean of ranks
    assert cells["规划目标"] == "全面建成"
    charts = context["charts"]
    assert isinstance(charts, list) and len(charts) == 5
    assert "安全生产信息化平台建设" not in {chart["name"] for chart in charts}
    assert not (tmp_path / "图表" / "info_platform.png").exists()
    assert context["uncharted"] == [{"name": "安全生产信息化平台建设", "status": "基本建成"}]
    assert "注:安全生产信息化平台建设(基本建成)的逐年情况是等级表述或名次" in text


def test_the_annex_workbook_prints_the_scale_words(district, tmp_path, monkeypatch):
    campaign = district.campaign()
    facts = _facts(district, campaign)
    mart: list[dict[str, Any]] = []
    for plan in facts.plans:
        for item in plan.indicators:
            cells = {key: (value, "", "reported", None) for key, value in item.series.items()}
            outcome = assess(item.indicator, item.plan, campaign.data_year, item.figures)
            mart += aggregate._printed_cells(
                district, campaign, item.plan, item.result["seq"], item.indicator, cells, outcome
            )
    results = [plan_item.result for plan in facts.plans for plan_item in plan.indicators]
    monkeypatch.setattr(
        workbooks, "fetch_all", lambda engine, query, **_: results if query == "select_indicator_results" else mart
    )
    (path,) = workbooks.write_annex_tables(None, district, campaign, tmp_path, draft=False)  # type: ignore[arg-type]
    sheet = load_workbook(path).active
    rows = [[cell.value for cell in row] for row in sheet.iter_rows(min_row=3)]
    header = rows[0]
    (row,) = [r for r in rows if r[1] == "安全生产信息化平台建设"]
    cells = dict(zip(header, row, strict=True))
    assert [cells[h] for h in header if str(h).startswith("202")] == [
        "未启动",
        "推进中",
        "推进中",
        "基本建成",
        "全面建成",
    ]
    assert cells["五年年均/累计"] == "—"
    assert not any(isinstance(value, (int, float)) for key, value in cells.items() if key not in ("序号",))


def test_a_midterm_campaign_is_titled_by_its_kind(district, tmp_path):
    summary = district.campaign()
    midterm = summary.model_copy(
        update={"code": "hedong_midterm", "kind": "midterm", "name": "安全生产“十四五”规划中期评估"}
    )
    title = campaign_title(district, midterm)
    assert title.report == f"{PLACE}安全生产“十四五”规划中期评估报告"
    assert title.work == "安全生产“十四五”规划中期评估"  # as a letter names it: 关于…报送情况的反馈函
    # a name that still says 总结评估 is titled by the kind, not by the words it happens to carry
    renamed = midterm.model_copy(update={"name": summary.name})
    assert campaign_title(district, renamed).report == title.report
    _, text, _ = _render(district, midterm, tmp_path)
    assert "中期评估报告" in text.replace("\n", "") and "总结评估报告" not in text.replace("\n", "")
    own = midterm.model_copy(update={"title": "河东区安全生产“十四五”规划实施情况中期评估报告"})
    assert campaign_title(district, own).report == own.title


def test_annual_and_half_year_campaigns_are_work_summaries():
    wenling = load_catalog(REPO_ROOT / "catalog" / "wenling")
    half = campaign_title(wenling, wenling.campaign("wenling_2023_half_year"))
    annual = campaign_title(wenling, wenling.campaign("wenling_2023_annual"))
    assert half.report == "2023年温岭市安全生产工作要点上半年工作总结"  # the place inside the name: not added
    assert annual.report == "2023年温岭市安全生产工作要点年度工作总结"


def test_a_place_whose_level_cannot_be_read_from_its_name_must_state_it(tmp_path):
    folder = tmp_path / "banner"
    shutil.copytree(REPO_ROOT / "catalog" / "longcheng", folder)
    manifest = yaml.safe_load((folder / "catalog.yaml").read_text("utf-8"))
    (folder / "catalog.yaml").write_text(yaml.safe_dump(manifest | {"city": "某某旗"}, allow_unicode=True), "utf-8")
    with pytest.raises(CatalogError, match="level"):
        load_catalog(folder)
    stated = manifest | {"city": "某某旗", "level": "县", "place": "某某旗"}
    (folder / "catalog.yaml").write_text(yaml.safe_dump(stated, allow_unicode=True), "utf-8")
    catalog = load_catalog(folder)
    assert (catalog.level, catalog.whole_place, catalog.level_word) == ("县", "全县", "县级")


def test_letters_reminders_and_the_working_annex_say_the_district_s_words(district, tmp_path):
    import datetime as dt

    from planeval.reporting.letters import _letter
    from planeval.reporting.narratives import write_compilation
    from planeval.reporting.notices import REMINDER_TEMPLATE, reminder_document
    from planeval.reporting.render import render_docx
    from planeval.settings import TEMPLATES_DIR

    campaign = district.campaign().model_copy(update={"notice": ""})  # no notice cited: the template names the work
    facts = _facts(district, campaign)
    results = [item.result for item in facts.indicators() if item.indicator.code == "info_platform"]
    letter = _letter(
        district, campaign, district.unit("emergency"), [], results, {}, {}, draft=True, as_of=dt.date(2025, 6, 20)
    )
    assert letter["title"] == "关于安全生产“十四五”规划总结评估报送情况的反馈函"
    assert letter["office"] == OFFICE and "根据安全生产“十四五”规划总结评估要求" in letter["opening"]
    items = [{"form_label": "指标完成情况统计表", "due": "2025年6月16日", "state": "尚未报送"}]
    context = reminder_document(district, campaign, "emergency", tmp_path / "inbox", dt.date(2025, 6, 20), items)
    path = render_docx(TEMPLATES_DIR / REMINDER_TEMPLATE, context, tmp_path / "reminder.docx")
    text = ascii_marks("\n".join(p.text for p in Document(str(path)).paragraphs))
    assert f"根据{OFFICE}关于开展安全生产“十四五”规划总结评估工作的通知要求" in text
    assert f"{PLACE}{PLACE}" not in text and "市" not in text.replace(OFFICE, "")
    midterm = campaign.model_copy(update={"kind": "midterm", "name": "安全生产“十四五”规划中期评估"})
    annex = write_compilation(district, midterm, {}, tmp_path, draft=False)
    assert annex.name == "各单位中期评估报告汇编(工作稿).docx"
    annex_text = "\n".join(p.text for p in Document(str(annex)).paragraphs)
    assert "供起草河东区安全生产“十四五”规划中期评估报告时查阅:按中期评估报告框架" in ascii_marks(annex_text)
