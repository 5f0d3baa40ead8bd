"""Ratings that follow the plan's own arithmetic (docs/assessment.md §“Deadlines, every-year levels and
rankings”): a target due before the data year is rated on its deadline year, an every-year level on every
year, a ranking on its rank; the rating, its reason and the report's sentences read the same figures."""

from __future__ import annotations

from typing import Any

import pytest

from planeval.assessment.arithmetic import Assessment, Figures, assess
from planeval.catalog import Indicator, Plan
from planeval.reporting.words import gap_sentence, indicator_sentence

COMMON: dict[str, Any] = {"attribute": "约束性", "responsible": ["emergency"], "aggregation": "average"}
STANDARDISED = COMMON | {  # “到2022年底,重点企业安全生产标准化达标率不低于75%”
    "code": "standardised_rate",
    "name": "重点企业安全生产标准化达标率(%)",
    "kind": "level",
    "target": "不低于75",
    "unit": "%",
    "direction": "increase",
    "due_year": 2022,
}
NEW_RESCUERS = COMMON | {  # a cumulative target due in 2022
    "code": "new_rescuers",
    "name": "新增专业救援人员",
    "kind": "cumulative",
    "target": "≥400",
    "unit": "人",
    "direction": "increase",
    "aggregation": "cumulative",
    "due_year": 2022,
}
ROAD_DEATHS = COMMON | {  # “道路交通万车死亡率每年低于0.25”
    "code": "road_death_rate",
    "name": "每十万人道路交通事故死亡率",
    "kind": "level",
    "target": "低于0.25",
    "unit": "人/十万人",
    "direction": "decrease",
    "every_year": True,
}
RANKING = COMMON | {  # “安全生产考核排名保持全省前3名”
    "code": "safety_ranking",
    "name": "安全生产工作考核排名",
    "kind": "ranking",
    "target": "≤3",
    "unit": "名",
    "comparison_group": "全省13个设区市",
    "direction": "decrease",
}
MAJOR_DEATHS = COMMON | {
    "code": "major_accident_deaths",
    "name": "重特大生产安全事故死亡人数",
    "kind": "zero",
    "target": "零",
    "comparator": "=",
    "unit": "人",
    "direction": "decrease",
    "aggregation": "cumulative",
}


@pytest.fixture
def plan(catalog: Any) -> Plan:
    plan: Plan = catalog.plan("safety")  # 2021–2025, base year 2020
    return plan


def rated(definition: dict[str, Any], plan: Plan, data_year: int, actuals: dict[int, float], **change: Any):
    """The assessment with the report's sentence and gap sentence drafted from its compared figures."""
    indicator = Indicator.model_validate(definition | change)
    result: Assessment = assess(indicator, plan, data_year, Figures(actuals))
    sentence = indicator_sentence(indicator, result.rating, result.compared, plan.period[0])
    return result, sentence, gap_sentence(indicator, result.compared, plan.period[0])


def test_due_2022_missed_in_2022_is_late_even_when_2024_meets_it(plan):
    result, sentence, gap = rated(STANDARDISED, plan, 2024, {2021: 68, 2022: 70, 2023: 74, 2024: 78})
    assert result.rating == "滞后预期"  # 78 in 2024 does not undo 70 in 2022
    assert result.reason == "2022年为70%,未按期(2022年)实现规划目标(不低于75%);2024年达到78%,晚于期限"
    assert result.compared is not None and (result.compared.year, result.compared.figure) == (2022, 70)
    assert result.maintenance is None and result.maintenance_years == ()
    assert sentence == "重点企业安全生产标准化达标率2022年为70%(目标不低于75%,期限2022年),未按期实现规划目标。"
    assert gap == "2022年为70%,未按期(2022年)实现规划目标(不低于75%),尚差5个百分点。"


def test_due_2022_met_and_held(plan):
    result, sentence, _ = rated(STANDARDISED, plan, 2024, {2021: 72, 2022: 76, 2023: 77, 2024: 80})
    assert result.rating == "符合预期"  # on time, not early: the deadline has passed
    assert result.reason == "2022年达到76%,按期实现;此后保持"
    assert result.maintenance == "保持" and result.maintenance_years == (2023, 2024)
    assert sentence.endswith("2022年为76%(目标不低于75%,期限2022年),已按期实现规划目标,此后保持。")


def test_due_2022_met_then_slipped_keeps_the_deadline_rating_and_says_the_slip(plan):
    result, sentence, _ = rated(STANDARDISED, plan, 2024, {2022: 76, 2023: 77, 2024: 70})
    assert result.rating == "符合预期"
    assert result.reason == "2022年达到76%,按期实现;2024年回落至70%"
    assert result.maintenance == "回落" and result.maintenance_years == (2023, 2024)
    assert result.compared is not None and result.compared.slips == ((2024, 70),)
    assert sentence.endswith("已按期实现规划目标,但2024年回落至70%。")


def test_a_missing_deadline_year_is_rated_on_the_first_later_year_and_says_so(plan):
    result, _, _ = rated(STANDARDISED, plan, 2024, {2021: 70, 2023: 76, 2024: 77})
    assert result.rating == "符合预期" and result.compared is not None and result.compared.substituted
    assert result.reason == "2022年无数据,按2023年衡量:2023年达到76%,按期实现;此后保持"


def test_before_its_deadline_the_schedule_rules_stay(plan):
    early, _, _ = rated(STANDARDISED, plan, 2021, {2021: 76})
    assert early.rating == "提前实现" and early.reason == "已达到规划目标(不低于75%),当前为76%,早于2022年的期限"
    at_deadline, _, gap = rated(STANDARDISED, plan, 2022, {2021: 70, 2022: 74})
    assert at_deadline.rating == "滞后预期" and at_deadline.reason == "目标应于2022年实现,当前为74%,未按期实现"
    assert gap == "2022年为74%,未按期(2022年)实现规划目标(不低于75%),尚差1个百分点。"  # no 序时进度 at the deadline


def test_a_cumulative_target_due_2022_is_the_sum_through_2022(plan):
    result, _, gap = rated(NEW_RESCUERS, plan, 2024, {2021: 150, 2022: 200, 2023: 100, 2024: 80})
    assert result.rating == "滞后预期"
    assert result.reason == (
        "2021—2022年累计为350人,未按期(2022年)实现规划目标(≥400人);2021—2023年累计达到450人,晚于期限"
    )
    assert gap == "2021—2022年累计为350人,未按期(2022年)实现规划目标(≥400人),尚差50人。"


def test_an_every_year_ceiling_broken_in_one_middle_year_is_late(plan):
    result, sentence, gap = rated(ROAD_DEATHS, plan, 2024, {2021: 0.2, 2022: 0.27, 2023: 0.22, 2024: 0.21})
    assert result.rating == "滞后预期"  # 2024 holds, 2022 did not
    assert result.reason == "2022年0.27人/十万人,未低于0.25人/十万人(规划目标每年低于0.25人/十万人)"
    assert gap == "2022年0.27人/十万人,未低于0.25人/十万人。"
    assert (
        sentence
        == "每十万人道路交通事故死亡率2022年0.27人/十万人,未低于0.25人/十万人(目标低于0.25人/十万人),进度滞后于预期。"
    )
    # a strict ceiling is broken by exactly its value, in any year, and every such year is named
    both, _, _ = rated(ROAD_DEATHS, plan, 2024, {2021: 0.25, 2022: 0.2, 2023: 0.3, 2024: 0.1})
    assert both.reason.startswith("2021年0.25人/十万人,未低于0.25人/十万人;2023年0.3人/十万人,未低于")


def test_an_every_year_ceiling_held_is_on_schedule_never_early(plan):
    result, sentence, _ = rated(ROAD_DEATHS, plan, 2024, {2021: 0.2, 2022: 0.24, 2023: 0.22, 2024: 0.21})
    assert result.rating == "符合预期"
    assert result.reason == "2021—2024年每年均满足规划目标(低于0.25人/十万人)"
    assert sentence == "每十万人道路交通事故死亡率2021—2024年每年均满足目标(目标低于0.25人/十万人),进度符合预期。"
    assert rated(ROAD_DEATHS, plan, 2021, {2021: 0.1})[0].rating == "符合预期"


def test_a_ranking_is_printed_with_its_group_and_rated_on_the_latest_rank(plan):
    indicator = Indicator.model_validate(RANKING)
    assert indicator.display(2.0) == "第2名" and indicator.with_unit(2) == "第2名(全省13个设区市)"
    assert indicator.target_words == "全省13个设区市前3名" and indicator.valid_range() == (1.0, None)
    held = assess(indicator, plan, 2024, Figures({2021: 2, 2022: 3, 2023: 5, 2024: 2}, forecast=1))
    assert held.rating == "符合预期"  # a rank ceiling holds or not: never early
    assert held.reason == "当前第2名(全省13个设区市),满足规划目标(全省13个设区市前3名)"
    assert held.to_date == 2 and held.full_period == 1  # 年均/累计: the latest rank, never a mean of ranks
    assert held.trend_forecast is None and held.forecast_meets_target is True  # no straight line through ranks


def test_a_ranking_not_held(plan):
    result, sentence, gap = rated(RANKING, plan, 2024, {2023: 2, 2024: 5})
    assert result.rating == "滞后预期"
    assert result.reason == "当前第5名(全省13个设区市),未满足规划目标(全省13个设区市前3名)"
    assert sentence == "安全生产工作考核排名2024年为第5名(全省13个设区市)(目标全省13个设区市前3名),进度滞后于预期。"
    assert gap == "2024年为第5名(全省13个设区市),规划目标全省13个设区市前3名,未进入前3名。"
    every, _, _ = rated(RANKING, plan, 2024, {2021: 2, 2022: 4, 2023: 3, 2024: 1}, every_year=True)
    assert every.rating == "滞后预期"
    assert every.reason == "2022年第4名(全省13个设区市),未进入前3名(规划目标每年全省13个设区市前3名)"


def test_a_strict_ceiling_exactly_at_its_value_is_not_met_and_has_no_zero_gap(plan):
    result, _, gap = rated(ROAD_DEATHS, plan, 2024, {2024: 0.25}, every_year=False)
    assert result.rating == "滞后预期"
    assert result.reason == "当前0.25人/十万人,未满足规划目标(低于0.25人/十万人)"
    assert gap == "2024年为0.25人/十万人,规划目标低于0.25人/十万人,未低于0.25人/十万人。"
    assert "尚差0" not in gap and "超出0" not in gap
    _, _, over_gap = rated(ROAD_DEATHS, plan, 2024, {2024: 0.3}, every_year=False)
    assert over_gap == "2024年为0.3人/十万人,规划目标低于0.25人/十万人,超出0.05人/十万人。"


def test_a_zero_target_broken_in_one_year_names_that_year_and_its_unit(plan):
    result, sentence, gap = rated(MAJOR_DEATHS, plan, 2024, {2021: 0, 2022: 3, 2023: 0, 2024: 0})
    assert result.rating == "滞后预期" and result.reason == "目标为零,2022年3人"
    assert gap == "规划目标为零,2022年3人。"  # the year of the deaths, not the data year
    assert sentence == "重特大生产安全事故死亡人数2022年3人(目标零),进度滞后于预期。"
    kept, kept_sentence, _ = rated(MAJOR_DEATHS, plan, 2024, {2021: 0, 2022: 0, 2023: 0, 2024: 0})
    assert kept.reason == "2021—2024年均为零,保持目标要求"
    assert kept_sentence == "重特大生产安全事故死亡人数2021—2024年均为零(目标零),进度符合预期。"


def test_schedule_wording_is_the_same_in_the_reason_and_the_gap_sentence(catalog, plan):
    gdp = catalog.indicator("gdp_death_rate_decline")  # >35: 序时进度 28 in 2024
    result = assess(gdp, plan, 2024, Figures({2021: 8, 2022: 15, 2023: 21, 2024: 26}))
    gap = gap_sentence(gdp, result.compared, plan.period[0])
    assert result.reason == "当前26%,低于序时进度要求的28%"
    assert gap == "2024年较2020年下降26%,按序时进度应下降28%,相差2个百分点。"
    scale = ["未启动", "启动建设", "推进中", "基本建成", "全面建成"]
    system = COMMON | {"code": "dual_prevention", "name": "双重预防体系建设", "kind": "qualitative", "scale": scale,
                       "target": "基本建成", "unit": "", "direction": "increase", "due_year": 2022}  # fmt: skip
    behind, _, behind_gap = rated(system, plan, 2021, {2021: 1})
    assert behind.reason == "当前“启动建设”,低于序时进度要求的“推进中”"
    assert behind_gap == "2021年为“启动建设”,低于序时进度要求的“推进中”。"


def test_a_slip_after_a_deadline_met_is_flagged_for_the_office(catalog, campaign, plan):
    from planeval.reporting.facts import IndicatorFacts, PlanFacts, ReportFacts
    from planeval.reporting.findings import build_findings

    indicator = Indicator.model_validate(STANDARDISED)
    figures = Figures({2022: 76, 2023: 77, 2024: 70})
    result = assess(indicator, plan, campaign.data_year, figures)
    row = {"seq": 1, "computed_rating": result.rating, "computed_reason": result.reason, "analysis": None}
    item = IndicatorFacts(plan, indicator, row, {}, figures, result.compared, None, "市应急管理局")
    facts = ReportFacts(catalog, campaign, [PlanFacts(plan, [], [item])], [], {})
    groups = build_findings(facts, [])["problem_groups"]
    slipped = next(group for group in groups if "回落" in group["heading"])
    assert slipped["heading"] == "(一)部分指标按期实现后有所回落。"
    assert any("重点企业安全生产标准化达标率(市应急管理局):2022年达到76%,按期实现;2024年回落至70%。" in line
               for line in slipped["lines"])  # fmt: skip
