"""The third catalog, catalog/longcheng: seed 001 (龙城区安全生产“十四五”规划), a district plan with four
indicators, three 重大工程 and no tables or deadlines of its own, run end to end by configuration alone."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from docx import Document
from render_check import ascii_marks

from planeval.catalog import load_catalog
from planeval.settings import REPO_ROOT
from planeval.ui.cli import main

LONGCHENG = REPO_ROOT / "catalog" / "longcheng"
PLAN_NAME = "龙城区安全生产“十四五”规划"
SEED_INDICATORS = [  # 二(二)2 “安全生产‘十四五’规划指标”, in the seed's order (the 率 of 4 restored)
    "生产安全事故起数下降(%)",
    "生产安全事故死亡人数下降(%)",
    "亿元国内生产总值生产安全事故死亡率下降(%)",
    "工矿商贸就业人员十万人生产安全事故死亡率下降(%)",
]
DUAL_PREVENTION = "新增完成双重预防机制建设的重点企业占比(%)"


def _longcheng():
    return load_catalog(LONGCHENG)


def test_manifest_and_units():
    catalog = _longcheng()
    assert (catalog.city, catalog.office, catalog.short_office) == ("龙城区", "龙城区安全生产委员会办公室", "区安委办")
    assert (catalog.kind_label("department"), catalog.kind_label("town")) == ("区级部门", "镇街")
    departments = [u for u in catalog.units if u.kind == "department"]
    towns = [u for u in catalog.units if u.kind == "town"]
    assert len(departments) == 12 and not any(u.demo for u in departments)
    assert len(towns) == 9  # 8 demo 镇街 + 高新区
    assert [u.code for u in towns if not u.demo] == ["high_tech_zone"]
    assert all(u.name.startswith("演示镇街") for u in towns if u.demo)
    # The seed's own spellings resolve to the units.
    assert catalog.resolve_unit_name("龙城区应急管理局").code == "emergency"
    assert catalog.resolve_unit_name("应急管理部门").code == "emergency"
    assert catalog.resolve_unit_name("龙城区消防大队").code == "fire_rescue"
    assert catalog.resolve_unit_name("公安交警").code == "public_security"
    assert catalog.resolve_unit_name("开发区").code == "high_tech_zone"
    assert catalog.resolve_unit_name("区安委办") is None  # receives the reports


def test_indicators_targets_and_settled_ambiguities():
    catalog = _longcheng()
    assert len(catalog.indicators) == 5
    plan = catalog.plan("safety")
    rows = [i.name for i in catalog.plan_indicators("safety")]
    assert rows == [*SEED_INDICATORS, DUAL_PREVENTION]

    for indicator in catalog.plan_indicators("safety")[:4]:
        assert indicator.kind == "decline" and indicator.base_year == 2020
        assert indicator.attribute == "约束性" and indicator.responsible == ("emergency",)
        assert (indicator.target.text, indicator.target.comparator, indicator.target.value) == ("≥20", "≥", 20.0)
        assert indicator.target.is_met(20.0)  # “下降20%” read as at least 20%

    dual = catalog.indicator("dual_prevention_completion")
    assert (dual.kind, dual.aggregation, dual.attribute) == ("cumulative", "cumulative", "预期性")
    assert (dual.target.text, dual.comparator, dual.target.value) == ("100", "≥", 100.0)  # bare number

    # Ambiguity 10: the seed's spelling without 率 still finds the rate indicator.
    sic = catalog.match_indicator("工矿商贸就业人员十万人生产安全事故死亡下降20%", "safety")
    assert sic is not None and sic.code == "industry_death_rate_decline"
    assert catalog.match_indicator("生产安全事故起数", "safety").code == "accident_count_decline"
    assert (plan.period, plan.base_year) == ((2021, 2025), 2020)


def test_plan_tables_and_projects():
    catalog = _longcheng()
    plan = catalog.plan("safety")
    assert plan.name == PLAN_NAME and plan.short_name == "安全生产规划"
    assert (plan.indicator_table.annex, plan.project_table.annex) == ("附表1", "附表2")
    assert [p.name for p in catalog.projects] == [
        "安全生产监管监察能力提升工程",
        "危险化学品安全综合治理工程",
        "安全生产宣传教育培训能力建设工程",
    ]
    assert all(p.plan == "safety" and p.responsible[0] == "emergency" and p.due is None for p in catalog.projects)
    assert catalog.match_project("危险化学品安全综合治理工程").responsible == ("emergency", "transport")


def test_campaign_dates_and_who_owes_what():
    catalog = _longcheng()
    campaign = catalog.campaign("longcheng_2025_summary")
    assert campaign == catalog.campaign(year=2025)
    assert (campaign.year, campaign.kind, campaign.plans, campaign.data_year) == (2025, "summary", ("safety",), 2024)
    assert campaign.data_cutoff == dt.date(2024, 12, 31)
    assert campaign.opens == dt.date(2025, 5, 13)
    assert campaign.due("contacts") == dt.date(2025, 5, 15)
    assert campaign.due("indicator_table") == campaign.due("summary_report") == dt.date(2025, 6, 16)
    owes = {u.code: catalog.expected_forms(campaign, u) for u in catalog.units}
    assert owes["emergency"] == ["contacts", "indicator_table", "summary_report"]
    assert owes["transport"] == ["contacts", "indicator_table", "summary_report"]  # a 重大工程 row
    assert [code for code, forms in owes.items() if "indicator_table" in forms] == ["emergency", "transport"]
    assert all("summary_report" in forms for forms in owes.values())


@pytest.fixture
def report(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Document:
    """`planeval demo --without-airflow` on the longcheng catalog: configuration is the only difference."""
    home = tmp_path / "home"
    monkeypatch.setenv("PLANEVAL_HOME", str(home))
    monkeypatch.setenv("PLANEVAL_CATALOG", str(LONGCHENG))
    monkeypatch.setenv("PLANEVAL_SETTLE_SECONDS", "0")
    monkeypatch.delenv("PLANEVAL_DB_URL", raising=False)
    assert main(["demo", "--without-airflow"]) == 0
    (path,) = (home / "reports" / "longcheng_2025_summary").glob("*报告(征求意见稿).docx")
    assert path.name == f"{PLAN_NAME}总结评估报告(征求意见稿).docx"
    rejected = (home / "drop" / "emergency" / "receipts" / "区应急管理局_第一次报送.xlsx.txt").read_text("utf-8")
    assert "退回" in rejected and "[附表1!H3]" in rejected
    return Document(str(path))


def test_demo_runs_the_whole_pipeline_and_the_report_shows_every_rating(report):
    text = ascii_marks("\n".join(p.text for p in report.paragraphs if p.text.strip()))
    assert f"{PLAN_NAME}总结评估报告" in text.replace("”\n规划", "”规划")  # the title on two lines
    assert f"{PLAN_NAME}主要指标完成情况统计表" in text
    assert "龙城区安全生产委员会办公室" in text
    assert "安全生产规划共5项主要指标(约束性4项、预期性1项)" in text
    assert "提前实现2项、符合预期2项、滞后预期1项" in text
    # 提前实现 exactly at the target: “下降20%” was settled as ≥20.
    assert "提前实现的2项:生产安全事故起数下降20%(目标下降20%及以上);" in text
    assert "符合预期的2项:生产安全事故死亡人数下降17%(目标下降20%及以上);" in text
    assert "新增完成双重预防机制建设的重点企业占比累计85%(目标100%)。" in text
    assert "滞后预期的1项:工矿商贸就业人员十万人生产安全事故死亡率下降12%(目标下降20%及以上)。" in text
    assert "2024年较2020年下降12%,按序时进度应下降16%,相差4个百分点。" in text
    assert "安全生产规划重大工程实施情况:" in text  # the plan's own word, 重大工程
    assert "危险化学品安全综合治理工程(区应急管理局、区交通运输局):" in text
    assert "安全生产规划9个方面55项主要任务中," in text
    assert "已有11个区级部门、8个镇街报送了通过校验的材料,尚有2个单位未报送;" in text
    measures = text[text.index("(三)规划实施主要举措进展") : text.index("二、规划实施过程存在的主要问题和风险挑战")]
    assert measures.count("区") >= 3 and "各单位报告尚未述及" not in measures  # the units' own words, attributed
    assert "尚未报送或报送未通过校验的单位:区民政局、演示镇街08。" in text


def test_report_table_holds_every_indicator(report):
    _tasks, table = report.tables
    rows = [[ascii_marks(cell.text) for cell in row.cells] for row in table.rows]
    assert rows[0][:4] == ["序号", "规划指标内容", "规划目标", "规划属性"]
    assert rows[0][4:9] == ["2021年", "2022年", "2023年", "2024年", "2025年预测值"]
    assert [row[1] for row in rows[1:]] == [i.name for i in _longcheng().plan_indicators("safety")]
    assert [row[11] for row in rows[1:]] == ["提前实现", "符合预期", "提前实现", "滞后预期", "符合预期"]
    assert all(row[13] == "区应急管理局" for row in rows[1:])
    assert rows[5][4:11] == ["10", "20", "25", "30", "15", "85", "100"]  # sums: 前四年 85, 五年 100


def test_the_attachment_list_uses_the_catalogs_own_labels():
    from planeval.reporting.summary import attachment_list

    catalog = _longcheng()
    assert attachment_list(catalog, catalog.campaign(year=2025)) == [
        "附表1\u3000龙城区安全生产“十四五”规划主要指标完成情况统计表",
        "附表2\u3000龙城区安全生产“十四五”规划重大工程实施进度情况表",
        "附表3\u3000龙城区“十四五”重大工程项目单片材料",
    ]
