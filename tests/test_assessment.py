"""The arithmetic against examples worked by hand (docs/assessment.md)."""

from __future__ import annotations

import pytest

from planeval.assessment import Figures, assess, period_figure, schedule_share


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
    assert "低于序时进度要求的 28" in result.reason
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
    assert result.to_date == pytest.approx(0.1375) and result.full_period == pytest.approx(0.13)
    assert result.rating == "符合预期" and result.schedule_expected is None
    assert assess(indicator, plan, 2024, Figures({2021: 0.3, 2022: 0.2, 2023: 0.2, 2024: 0.1})).rating == "滞后预期"


def test_level_targets_are_rated_on_the_latest_year(catalog):
    plan = catalog.plan("emergency")
    relief = catalog.indicator("relief_time")  # ≤10h
    assert assess(relief, plan, 2024, Figures({2021: 12, 2024: 8})).rating == "符合预期"
    assert assess(relief, plan, 2024, Figures({2021: 8, 2024: 10.5})).rating == "滞后预期"
    shelter = catalog.indicator("shelter_area_per_capita")  # ≥2.5
    result = assess(shelter, plan, 2024, Figures({2021: 1.8, 2022: 2.0, 2023: 2.2, 2024: 2.3}))
    assert result.rating == "滞后预期" and result.to_date == pytest.approx(2.075)  # 年均 shown in the column
    coverage = catalog.indicator("weather_warning_coverage")  # 95, read as ≥95
    assert assess(coverage, plan, 2024, Figures({2024: 95})).rating == "符合预期"


def test_no_data_gives_no_rating(catalog):
    result = assess(catalog.indicator("relief_time"), catalog.plan("emergency"), 2024, Figures({}))
    assert result.rating is None and result.to_date is None


def test_period_figure_by_aggregation(catalog):
    assert period_figure(catalog.indicator("accident_count_decline"), [5, 9, 13]) == 13
    assert period_figure(catalog.indicator("new_fulltime_firefighters"), [70, 85]) == 155
    assert period_figure(catalog.indicator("disaster_death_rate"), [0, 0.1, 0, 0.3]) == pytest.approx(0.1)
    assert period_figure(catalog.indicator("relief_time"), []) is None
