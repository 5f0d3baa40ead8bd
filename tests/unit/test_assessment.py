"""The arithmetic against examples worked by hand (docs/assessment.md)."""

from __future__ import annotations

import pytest

from planeval.assessment.arithmetic import (
    Figures,
    assess,
    base_figure,
    ceiling_expected,
    cumulative_expected,
    decline_expected,
    derive_cells,
    expected_figure,
    floor_expected,
    period_figure,
    progress_kind,
    round_cell,
    schedule_share,
)
from planeval.catalog import Indicator


def test_schedule_share_is_linear_over_the_plan_period(catalog):
    plan = catalog.plan("safety")
    assert schedule_share(plan, 2024) == pytest.approx(0.8)  # (2024 − 2020) / (2025 − 2020)
    assert schedule_share(plan, 2022) == pytest.approx(0.4)
    assert schedule_share(plan, 2025) == 1.0


def test_decline_reached_is_ahead(catalog):
    indicator, plan = catalog.indicator("accident_count_decline"), catalog.plan("safety")
    result = assess(indicator, plan, 2024, Figures({2021: 5.2, 2022: 9.8, 2023: 13.1, 2024: 16.6}, 18.0))
    assert result.rating == "提前实现"  # 16.6 > 15
    assert result.to_date == 16.6 and result.full_period == 18.0  # 累计 = decline reached by the last year
    assert result.schedule_expected == pytest.approx(12.0)  # 15 × 0.8
    assert result.forecast_meets_target is True


def test_decline_on_and_behind_schedule(catalog):
    plan = catalog.plan("safety")
    deaths = catalog.indicator("accident_death_decline")  # >15 → 序时 12
    assert assess(deaths, plan, 2024, Figures({2024: 12.0})).rating == "符合预期"  # exactly on schedule
    assert assess(deaths, plan, 2024, Figures({2024: 11.9})).rating == "滞后预期"
    assert assess(deaths, plan, 2024, Figures({2024: 15.0})).rating == "符合预期"  # >15 is strict: 15 not reached
    gdp = catalog.indicator("gdp_death_rate_decline")  # >35 → 序时 28
    result = assess(gdp, plan, 2024, Figures({2021: 8, 2022: 15, 2023: 21, 2024: 26}, 33))
    assert result.rating == "滞后预期" and result.schedule_expected == pytest.approx(28.0)
    assert result.reason == "当前26%,低于序时进度要求的28%"
    assert result.forecast_meets_target is False


def test_cumulative_count_sums_the_yearly_additions(catalog):
    indicator, plan = catalog.indicator("new_fulltime_firefighters"), catalog.plan("emergency")
    figures = Figures({2021: 70, 2022: 85, 2023: 90, 2024: 80}, 90)
    result = assess(indicator, plan, 2024, figures)
    assert result.to_date == 325 and result.full_period == 415
    assert result.schedule_expected == pytest.approx(320.0)  # 400 × 0.8
    assert result.rating == "符合预期" and result.forecast_meets_target is True
    assert assess(indicator, plan, 2024, Figures({2021: 100, 2022: 100, 2023: 100, 2024: 100})).rating == "提前实现"


def test_average_ceiling_uses_the_mean(catalog):
    indicator, plan = catalog.indicator("fire_death_rate"), catalog.plan("emergency")  # 年均 < 0.2
    result = assess(indicator, plan, 2024, Figures({2021: 0.15, 2022: 0.12, 2023: 0.18, 2024: 0.10}, 0.10))
    # the mean of the yearly rates, rounded half-up to two decimals as the form prints it: 0.1375 → 0.14
    assert result.to_date == 0.14 and result.full_period == pytest.approx(0.13)
    assert result.rating == "符合预期" and result.schedule_expected is None
    assert result.reason == "2021—2024年年均0.14人/十万人,满足规划目标(<0.2人/十万人)"
    assert assess(indicator, plan, 2024, Figures({2021: 0.3, 2022: 0.2, 2023: 0.2, 2024: 0.1})).rating == "滞后预期"
    # a 年均 target is never early: the five-year mean is not known before 2025
    assert assess(indicator, plan, 2022, Figures({2021: 0.0, 2022: 0.0})).rating == "符合预期"


def test_average_is_rated_on_the_printed_mean_at_a_strict_boundary(catalog):
    indicator, plan = catalog.indicator("fire_death_rate"), catalog.plan("emergency")  # 年均 < 0.2, strict
    # (0.2 + 0.2 + 0.19 + 0.2) / 4 = 0.1975 → printed 0.2, and 0.2 is not < 0.2: the table and the rating agree
    result = assess(indicator, plan, 2024, Figures({2021: 0.2, 2022: 0.2, 2023: 0.19, 2024: 0.2}))
    assert result.to_date == 0.2 and result.rating == "滞后预期"


def test_ceiling_must_hold_in_the_assessed_year_and_is_never_early(catalog):
    plan = catalog.plan("emergency")
    relief = catalog.indicator("relief_time")  # ≤10h: not strict
    assert progress_kind(relief) == "ceiling" and ceiling_expected(relief.target.value) == 10
    assert assess(relief, plan, 2024, Figures({2021: 12, 2024: 8})).rating == "符合预期"  # not 提前实现
    at_boundary = assess(relief, plan, 2024, Figures({2024: 10}))
    assert at_boundary.rating == "符合预期" and at_boundary.schedule_expected is None  # 10 ≤ 10
    assert assess(relief, plan, 2024, Figures({2021: 8, 2024: 10.5})).rating == "滞后预期"
    strict = Indicator.model_validate(relief.model_dump(by_alias=True) | {"target": "低于10h"})  # exactly 10 breaks it
    assert strict.target.comparator == "<"
    assert assess(strict, plan, 2024, Figures({2024: 10})).rating == "滞后预期"
    assert assess(strict, plan, 2024, Figures({2024: 9.99})).rating == "符合预期"


def test_floor_interpolates_from_the_base_year_to_the_target(catalog):
    plan = catalog.plan("safety")
    insurance = catalog.indicator("liability_insurance_rate")  # 100, read as ≥100
    assert progress_kind(insurance) == "floor"
    # 80% in 2020 → 100% in 2025: 2024 asks for 80 + 20 × 0.8 = 96
    assert floor_expected(80, 100, 0.8) == pytest.approx(96)
    assert expected_figure(insurance, plan, 2021, base=80) == pytest.approx(84)
    assert expected_figure(insurance, plan, 2025, base=80) == 100
    on = assess(insurance, plan, 2024, Figures({2021: 85, 2022: 90, 2023: 95, 2024: 98}, 100, base=80))
    assert on.rating == "符合预期" and on.schedule_expected == pytest.approx(96) and on.base == 80
    assert on.reason == "当前98%,达到序时进度要求的96%(以2020年80%为起点)"
    exactly = assess(insurance, plan, 2024, Figures({2024: 96}, base=80))
    assert exactly.rating == "符合预期"  # exactly at the 序时进度 figure is on schedule
    behind = assess(insurance, plan, 2024, Figures({2024: 95.9}, base=80))
    assert behind.rating == "滞后预期" and behind.reason.startswith("当前95.9%,低于序时进度要求的96%")


def test_floor_reached_before_the_plan_end_is_ahead_and_at_the_end_is_on_schedule(catalog):
    plan = catalog.plan("emergency")
    coverage = catalog.indicator("weather_warning_coverage")  # 95, read as ≥95
    ahead = assess(coverage, plan, 2024, Figures({2021: 93, 2022: 95, 2023: 96, 2024: 97.5}, 98, base=90))
    assert ahead.rating == "提前实现" and ahead.reason == "已达到规划目标(95%),当前为97.5%"
    assert assess(coverage, plan, 2024, Figures({2024: 95})).rating == "提前实现"  # ≥: 95 reaches 95; no base needed
    assert assess(coverage, plan, 2025, Figures({2025: 95})).rating == "符合预期"  # reached at the end: not early
    late = assess(coverage, plan, 2025, Figures({2025: 94.9}, base=90))
    assert late.rating == "滞后预期" and late.reason == "目标应于2025年实现,当前为94.9%,未按期实现"
    assert floor_expected(100, 100, 0.4) == 100  # a base already at the target asks for the target itself


def test_floor_without_a_base_year_figure_is_measured_against_the_target(catalog):
    plan = catalog.plan("emergency")
    shelter = catalog.indicator("shelter_area_per_capita")  # ≥2.5
    result = assess(shelter, plan, 2024, Figures({2021: 1.8, 2022: 2.0, 2023: 2.2, 2024: 2.3}))
    assert result.rating == "滞后预期" and result.schedule_expected is None and result.base is None
    assert result.to_date == 2.08  # 年均 of the levels: 2.075 printed half-up
    assert "缺少2020年基数" in result.reason
    # with the 2020 figure (128 万m² / 80 万人 = 1.6): 1.6 + 0.9 × 0.8 = 2.32, and 2.3 is below it
    with_base = assess(shelter, plan, 2024, Figures({2021: 2.6, 2024: 2.3}, base=1.6))
    assert with_base.rating == "滞后预期" and with_base.schedule_expected == pytest.approx(2.32)  # the latest year
    # the plan's printed base (catalog base_value) is preferred to the one computed from raw figures
    printed = shelter.model_copy(update={"base_value": 1.5})
    assert assess(printed, plan, 2024, Figures({2024: 2.3}, base=1.6)).schedule_expected == pytest.approx(2.3)
    assert assess(printed, plan, 2024, Figures({2024: 2.3}, base=1.6)).rating == "符合预期"


def test_base_figure_comes_from_the_raw_figures_of_the_base_year(catalog):
    shelter = catalog.indicator("shelter_area_per_capita")
    measures = {"shelter_area": {(2020, False): 128, (2024, False): 184}, "urban_population": {(2020, False): 80}}
    assert base_figure(shelter, 2020, measures) == 1.6
    assert base_figure(shelter, 2020, {"shelter_area": {(2024, False): 184}}) is None
    assert base_figure(catalog.indicator("accident_count_decline"), 2020, {"accidents": {(2020, False): 9}}) is None


def test_expectation_by_kind_for_each_year(catalog):
    safety, emergency = catalog.plan("safety"), catalog.plan("emergency")
    deaths = catalog.indicator("accident_death_decline")  # >15: linear in the printed decline
    assert [expected_figure(deaths, safety, year) for year in range(2021, 2026)] == pytest.approx([3, 6, 9, 12, 15])
    assert decline_expected(15, 0.4) == pytest.approx(6)
    firefighters = catalog.indicator("new_fulltime_firefighters")  # ≥400 added
    assert expected_figure(firefighters, emergency, 2023) == pytest.approx(240)
    assert cumulative_expected(400, 1.0) == 400
    assert expected_figure(catalog.indicator("relief_time"), emergency, 2024) is None  # a ceiling holds or not
    assert expected_figure(catalog.indicator("fire_death_rate"), emergency, 2024) is None  # so does a 年均 target
    assert expected_figure(catalog.indicator("plan_revision_rate"), emergency, 2022, base=50) == pytest.approx(70)


def test_decline_reached_at_the_plan_end_is_on_schedule_not_early(catalog):
    deaths, plan = catalog.indicator("accident_death_decline"), catalog.plan("safety")  # >15
    assert assess(deaths, plan, 2025, Figures({2025: 16})).rating == "符合预期"
    assert assess(deaths, plan, 2025, Figures({2025: 15})).rating == "滞后预期"  # strict: 15 is not > 15


def test_no_data_gives_no_rating(catalog):
    result = assess(catalog.indicator("relief_time"), catalog.plan("emergency"), 2024, Figures({}))
    assert result.rating is None and result.to_date is None


def test_period_figure_by_aggregation(catalog):
    assert period_figure(catalog.indicator("accident_count_decline"), [5, 9, 13]) == 13
    assert period_figure(catalog.indicator("new_fulltime_firefighters"), [70, 85]) == 155
    assert period_figure(catalog.indicator("disaster_death_rate"), [0, 0.1, 0, 0.3]) == pytest.approx(0.1)
    # a rate's 年均 is the plain mean of the yearly rates, printed to two decimals: (93 + 95 + 96 + 97.5) / 4
    assert period_figure(catalog.indicator("weather_warning_coverage"), [93, 95, 96, 97.5]) == 95.38
    assert period_figure(catalog.indicator("relief_time"), []) is None


# --- the kinds seed 004's plan text names beyond the 附件 tables ------------------------------------------

ZERO = {  # “坚决杜绝重特大事故”
    "code": "major_accident_deaths",
    "name": "重特大生产安全事故死亡人数",
    "kind": "zero",
    "target": "零",
    "comparator": "=",
    "attribute": "约束性",
    "unit": "人",
    "direction": "decrease",
    "aggregation": "cumulative",
    "responsible": ["emergency"],
}
DUAL_PREVENTION = {  # “力争到2022年,全市各行业领域建立……双重预防体系”
    "code": "dual_prevention_system",
    "name": "安全生产风险隐患双重预防体系建设",
    "kind": "qualitative",
    "scale": ["未启动", "启动建设", "推进中", "基本建成", "全面建成"],
    "target": "基本建成",
    "due_year": 2022,
    "attribute": "预期性",
    "unit": "",
    "direction": "increase",
    "aggregation": "average",
    "responsible": ["emergency"],
}


def test_zero_target_is_broken_by_any_year_with_a_death(catalog):
    indicator, plan = Indicator.model_validate(ZERO), catalog.plan("safety")
    kept = assess(indicator, plan, 2024, Figures({2021: 0, 2022: 0, 2023: 0, 2024: 0}, 0))
    assert kept.rating == "符合预期" and kept.to_date == 0 and kept.forecast_meets_target is True
    broken = assess(indicator, plan, 2024, Figures({2021: 0, 2022: 3, 2023: 0, 2024: 0}, 0))
    assert broken.rating == "滞后预期" and broken.reason == "目标为零,2022年3人"  # the year and the unit
    assert broken.forecast_meets_target is False and broken.trend_forecast is None


def test_qualitative_target_on_a_stated_scale_with_an_intermediate_deadline(catalog):
    indicator, plan = Indicator.model_validate(DUAL_PREVENTION), catalog.plan("safety")
    assert indicator.target.value == 3 and indicator.scale_rank("基本 建成") == 3
    # 2021 data, due 2022: 序时进度 (2021 − 2020) / (2022 − 2020) = 0.5 → rank 1.5 → at least 推进中
    early = assess(indicator, plan, 2021, Figures({2021: 2}))
    assert early.schedule_share == 0.5 and early.rating == "符合预期"
    assert early.reason == "当前“推进中”,达到序时进度要求的“推进中”"
    assert assess(indicator, plan, 2021, Figures({2021: 1})).rating == "滞后预期"
    assert assess(indicator, plan, 2021, Figures({2021: 3})).rating == "提前实现"
    # after the deadline, rated on the deadline year: below 基本建成 in 2022 is late whatever came later
    late = assess(indicator, plan, 2024, Figures({2021: 1, 2022: 2, 2023: 3, 2024: 3}))
    assert late.schedule_share == 1.0 and late.rating == "滞后预期"
    assert late.reason == "2022年为“推进中”,未按期(2022年)实现规划目标(基本建成);2023年达到“基本建成”,晚于期限"
    assert indicator.display(late.to_date) == "基本建成"  # 年均/累计 columns: the latest rank


def test_a_level_due_before_the_plan_end(catalog):
    coverage = catalog.indicator("fire_station_coverage").model_copy(update={"due_year": 2022})
    plan = catalog.plan("emergency")
    # 80% in 2020, due 2022: 2021 asks for 80 + 20 × (1 / 2) = 90
    assert assess(coverage, plan, 2021, Figures({2021: 90}, base=80)).rating == "符合预期"
    assert assess(coverage, plan, 2021, Figures({2021: 89}, base=80)).rating == "滞后预期"
    early = assess(coverage, plan, 2021, Figures({2021: 100}))
    assert early.rating == "提前实现" and early.reason == "已达到规划目标(100%),当前为100%,早于2022年的期限"
    assert assess(coverage, plan, 2024, Figures({2022: 100, 2024: 100})).rating == "符合预期"  # met, after its year
    late = assess(coverage, plan, 2024, Figures({2022: 95, 2023: 98, 2024: 99}, base=80))
    assert late.rating == "滞后预期" and late.reason == "2022年为95%,未按期(2022年)实现规划目标(100%)"


def test_schedule_share_can_be_given_per_year(catalog):
    plan = catalog.plan("safety").model_copy(
        update={"schedule_progress": {2021: 0.1, 2022: 0.3, 2023: 0.55, 2024: 0.8}}
    )
    assert schedule_share(plan, 2023) == 0.55 and schedule_share(plan, 2020) == 0.0
    deaths = catalog.indicator("accident_death_decline")  # >15 → 序时 15 × 0.55 = 8.25 in 2023
    assert assess(deaths, plan, 2023, Figures({2023: 8.3})).rating == "符合预期"


def test_trend_forecast_beside_the_units_forecast(catalog):
    indicator, plan = catalog.indicator("accident_count_decline"), catalog.plan("safety")
    # 5.2, 9.8, 13.1, 16.6: mean 11.175 at 2022.5, slope Σxy/Σxx = 18.75 / 5 = 3.75 per year
    # → 2025: 11.175 + 3.75 × 2.5 = 20.55; the unit said 18
    result = assess(indicator, plan, 2024, Figures({2021: 5.2, 2022: 9.8, 2023: 13.1, 2024: 16.6}, 18.0))
    assert result.trend_forecast == 20.55 and result.trend_meets_target is True
    shelter = catalog.indicator("shelter_area_per_capita")  # 1.8, 2.0, 2.2, 2.3 → 2.5 by trend (≥2.5 met)
    assert assess(shelter, plan, 2024, Figures({2021: 1.8, 2022: 2.0, 2023: 2.2, 2024: 2.3})).trend_forecast == 2.5


def test_cells_derived_from_raw_figures_round_half_up(catalog):
    rate = catalog.indicator("gdp_death_rate_decline")  # deaths / GDP
    cells = derive_cells(
        rate,
        2020,
        {"accident_deaths": {(2020, False): 50, (2024, False): 44}, "gdp": {(2020, False): 1000, (2024, False): 1600}},
    )
    assert cells[(2024, False)].value == 45 and cells[(2024, False)].derivation == "(1 − 44/1600 ÷ 50/1000) × 100"
    road = catalog.indicator("road_transport_death_decline")
    assert (
        derive_cells(road, 2020, {"road_deaths": {(2020, False): 30, (2024, False): 25}})[(2024, False)].value == 16.67
    )
    assert derive_cells(road, 2020, {"road_deaths": {(2024, False): 25}}) == {}  # no base year: nothing guessed
    assert round_cell(2.675) == 2.68  # binary 2.67499… would round down


def test_a_mean_keeps_the_decimals_its_yearly_figures_carry():
    from planeval.assessment.arithmetic import round_mean

    assert round_mean([0.15, 0.12, 0.18, 0.10]) == 0.14  # two decimals, half-up: 0.1375 → 0.14
    assert round_mean([0.0072, 0.0065]) == 0.0069  # a small rate is not flattened to 0.01
    assert round_mean([1.8, 2.0, 2.2, 2.3]) == 2.08
