"""Assessment arithmetic: 年均/累计, 序时进度 and the computed 综合进度评价. Pure functions only.

The definitions, with worked examples, are in docs/assessment.md; this module is their one implementation.
"""

from __future__ import annotations

from dataclasses import dataclass
from statistics import fmean

from planeval.catalog import Indicator, Plan

EPSILON = 1e-9


@dataclass(frozen=True)
class Figures:
    """An indicator's yearly figures as the form holds them (decline %, level, or yearly amount)."""

    actuals: dict[int, float]  # year → value, for the plan years up to the data year
    forecast: float | None = None  # the end-of-plan forecast (2025年预测值)


@dataclass(frozen=True)
class Assessment:
    to_date: float | None  # 前N年 年均/累计
    full_period: float | None  # 五年 年均/累计, with the forecast as the last year
    schedule_share: float  # 序时进度 as a share of the period
    schedule_expected: float | None  # the figure 序时进度 asks for (decline and cumulative kinds)
    rating: str | None  # 提前实现 / 符合预期 / 滞后预期; None without data
    reason: str
    forecast_meets_target: bool | None


def schedule_share(plan: Plan, data_year: int) -> float:
    """序时进度, linear: the share of the plan period elapsed by the end of ``data_year``.

    海安 2024 data in a 2021–2025 plan: (2024 − 2020) / (2025 − 2020) = 0.8.
    """
    start_base, end = plan.base_year, plan.period[1]
    share = (data_year - start_base) / (end - start_base)
    return min(max(share, 0.0), 1.0)


def period_figure(indicator: Indicator, values: list[float]) -> float | None:
    """The 年均/累计 figure over consecutive yearly values.

    decline: the decline reached by the last year (each yearly cell is already measured against the
    base year, so it is cumulative by construction); average: the mean; cumulative: the sum.
    """
    if not values:
        return None
    if indicator.kind == "decline":
        return values[-1]
    if indicator.aggregation == "average":
        return fmean(values)
    return sum(values)


def rated_figure(indicator: Indicator, figures: Figures) -> float | None:
    """The figure compared with the target: latest decline/level, mean of an average, sum of additions."""
    if not figures.actuals:
        return None
    values = [figures.actuals[year] for year in sorted(figures.actuals)]
    match indicator.kind:
        case "decline" | "level":
            return values[-1]
        case "average":
            return fmean(values)
        case "cumulative":
            return sum(values)
    raise AssertionError(indicator.kind)


def _fmt(value: float) -> str:
    return f"{value:.2f}".rstrip("0").rstrip(".")


def assess(indicator: Indicator, plan: Plan, data_year: int, figures: Figures) -> Assessment:
    """Compute 年均/累计, 序时进度 and the rating of one indicator from its yearly figures."""
    share = schedule_share(plan, data_year)
    years = sorted(figures.actuals)
    values = [figures.actuals[year] for year in years]
    to_date = period_figure(indicator, values)
    full_values = values + ([figures.forecast] if figures.forecast is not None else [])
    full_period = period_figure(indicator, full_values) if figures.forecast is not None else None
    target = indicator.target
    predicted = forecast_figure(indicator, figures)
    forecast_ok = target.is_met(predicted) if predicted is not None else None

    current = rated_figure(indicator, figures)
    if current is None:
        return Assessment(to_date, full_period, share, None, None, "无已受理的数据", forecast_ok)

    expected = None
    if indicator.kind in ("decline", "cumulative"):
        expected = target.value * share
        if target.is_met(current):
            rating, reason = "提前实现", f"已达到规划目标({target.text}),当前为 {_fmt(current)}"
        elif current + EPSILON >= expected:
            rating, reason = "符合预期", f"当前 {_fmt(current)},达到序时进度要求的 {_fmt(expected)}"
        else:
            rating, reason = "滞后预期", f"当前 {_fmt(current)},低于序时进度要求的 {_fmt(expected)}"
    elif target.is_met(current):
        rating, reason = "符合预期", f"当前 {_fmt(current)},满足规划目标({target.text})"
    else:
        rating, reason = "滞后预期", f"当前 {_fmt(current)},未满足规划目标({target.text})"
    return Assessment(to_date, full_period, share, expected, rating, reason, forecast_ok)


def forecast_figure(indicator: Indicator, figures: Figures) -> float | None:
    """The figure the end-of-plan forecast implies, comparable with the target."""
    if figures.forecast is None:
        return None
    if indicator.kind in ("decline", "level"):
        return figures.forecast
    values = [figures.actuals[year] for year in sorted(figures.actuals)] + [figures.forecast]
    return fmean(values) if indicator.kind == "average" else sum(values)
