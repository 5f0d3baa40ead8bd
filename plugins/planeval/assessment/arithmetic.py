"""Assessment arithmetic: 年均/累计, 序时进度 and the computed 综合进度评价. Pure functions only.

The definitions, with worked examples, are in docs/assessment.md; this module is their one implementation.

May import: planeval.catalog."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from math import ceil
from statistics import fmean, linear_regression

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
    schedule_share: float  # 序时进度 as a share of the period (or of the years to an intermediate deadline)
    schedule_expected: float | None  # the figure 序时进度 asks for (decline, cumulative, qualitative kinds)
    rating: str | None  # 提前实现 / 符合预期 / 滞后预期; None without data
    reason: str
    forecast_meets_target: bool | None
    trend_forecast: float | None = None  # the end-year cell a straight-line trend of the actual years gives
    trend_meets_target: bool | None = None


def schedule_share(plan: Plan, data_year: int, due_year: int | None = None) -> float:
    """序时进度: the share of the target expected by the end of ``data_year``.

    linear (default): years elapsed since the base year over the years to the deadline (the plan's end, or
    an indicator's intermediate ``due_year``). 海安 2024 data in a 2021–2025 plan: (2024 − 2020) / 5 = 0.8;
    a target due in 2022: (2024 − 2020) / 2 → 1 (capped). A plan may give its own share per year instead
    (``schedule_progress: {2021: 0.1, …}``); it applies to deadlines at the plan's end.
    """
    end = due_year or plan.period[1]
    if isinstance(plan.schedule_progress, dict) and end == plan.period[1]:
        known = [year for year in plan.schedule_progress if year <= data_year]
        share = plan.schedule_progress[max(known)] if known else 0.0
    else:
        share = (data_year - plan.base_year) / (end - plan.base_year)
    return min(max(share, 0.0), 1.0)


def period_figure(indicator: Indicator, values: list[float]) -> float | None:
    """The 年均/累计 figure over consecutive yearly values.

    decline: the decline reached by the last year (each yearly cell is already measured against the
    base year, so it is cumulative by construction); qualitative: the latest rank; zero: the total count;
    average: the mean; cumulative: the sum.
    """
    if not values:
        return None
    if indicator.kind in ("decline", "qualitative"):
        return values[-1]
    if indicator.kind == "zero":
        return sum(values)
    if indicator.aggregation == "average":
        return fmean(values)
    return sum(values)


def rated_figure(indicator: Indicator, figures: Figures) -> float | None:
    """The figure compared with the target: latest decline/level/rank, mean of an average, sum of
    additions, and for a zero target the total count over the years (one death breaks it)."""
    if not figures.actuals:
        return None
    values = [figures.actuals[year] for year in sorted(figures.actuals)]
    match indicator.kind:
        case "decline" | "level" | "qualitative":
            return values[-1]
        case "average":
            return fmean(values)
        case "cumulative" | "zero":
            return sum(values)
    raise AssertionError(indicator.kind)


def _fmt(value: float) -> str:
    return f"{value:.2f}".rstrip("0").rstrip(".")


def assess(indicator: Indicator, plan: Plan, data_year: int, figures: Figures) -> Assessment:
    """Compute 年均/累计, 序时进度, the rating and the trend forecast of one indicator from its yearly figures."""
    share = schedule_share(plan, data_year, indicator.due_year)
    years = sorted(figures.actuals)
    values = [figures.actuals[year] for year in years]
    to_date = period_figure(indicator, values)
    full_values = values + ([figures.forecast] if figures.forecast is not None else [])
    full_period = period_figure(indicator, full_values) if figures.forecast is not None else None
    target = indicator.target
    predicted = forecast_figure(indicator, figures)
    forecast_ok = target.is_met(predicted) if predicted is not None else None
    trend = trend_forecast(indicator, plan, figures)
    trend_ok = None
    if trend is not None:
        trend_figure = forecast_figure(indicator, Figures(figures.actuals, trend))
        trend_ok = target.is_met(trend_figure) if trend_figure is not None else None

    current = rated_figure(indicator, figures)
    if current is None:
        return Assessment(to_date, full_period, share, None, None, "无已受理的数据", forecast_ok, trend, trend_ok)
    expected, (rating, reason) = _rate(indicator, plan, data_year, share, current, figures)
    return Assessment(to_date, full_period, share, expected, rating, reason, forecast_ok, trend, trend_ok)


def _rate(
    indicator: Indicator, plan: Plan, data_year: int, share: float, current: float, figures: Figures
) -> tuple[float | None, tuple[str, str]]:
    """(序时进度 figure, (rating, reason)) by the indicator's kind; docs/assessment.md §Ratings."""
    target = indicator.target
    shown = indicator.with_unit(current)
    due = indicator.due_year
    overdue = due is not None and data_year >= due
    if indicator.kind == "zero":
        broken = [f"{year}年{_fmt(figures.actuals[year])}" for year in sorted(figures.actuals) if figures.actuals[year]]
        if broken:
            return None, ("滞后预期", f"目标为零,{'、'.join(broken)}")
        return None, ("符合预期", f"{min(figures.actuals)}—{max(figures.actuals)}年均为零,保持目标要求")
    if indicator.kind in ("decline", "cumulative", "qualitative"):
        expected = target.value * share
        if target.is_met(current):
            deadline = f",早于{due}年的期限" if due and data_year < due else ""
            return expected, ("提前实现", f"已达到规划目标({indicator.target_words}),当前为{shown}{deadline}")
        if overdue:
            return expected, ("滞后预期", f"目标应于{due}年实现,当前为{shown},未按期实现")
        # a rank is whole: on a scale, 序时进度 asks for the lowest rank at or above target rank × share
        wanted = (
            f"“{indicator.scale[ceil(expected - EPSILON)]}”"
            if indicator.kind == "qualitative"
            else indicator.with_unit(round(expected, 2))
        )
        if current + EPSILON >= expected:
            return expected, ("符合预期", f"当前{shown},达到序时进度要求的{wanted}")
        return expected, ("滞后预期", f"当前{shown},低于序时进度要求的{wanted}")
    # level / average: a ceiling or floor is either met now or not; before an intermediate deadline an
    # unmet level is still on schedule, after it an unmet level is late.
    if target.is_met(current):
        if due is not None and not overdue:
            return None, ("提前实现", f"当前{shown},已满足{due}年的规划目标({indicator.target_words})")
        return None, ("符合预期", f"当前{shown},满足规划目标({indicator.target_words})")
    if due is not None and not overdue:
        return None, ("符合预期", f"当前{shown},尚未满足规划目标({indicator.target_words}),目标期限为{due}年")
    if overdue and due != plan.period[1]:
        return None, ("滞后预期", f"当前{shown},未按期({due}年)满足规划目标({indicator.target_words})")
    return None, ("滞后预期", f"当前{shown},未满足规划目标({indicator.target_words})")


def forecast_figure(indicator: Indicator, figures: Figures) -> float | None:
    """The figure the end-of-plan forecast implies, comparable with the target."""
    if figures.forecast is None:
        return None
    if indicator.kind in ("decline", "level", "qualitative"):
        return figures.forecast
    values = [figures.actuals[year] for year in sorted(figures.actuals)] + [figures.forecast]
    return fmean(values) if indicator.kind == "average" else sum(values)


def trend_forecast(indicator: Indicator, plan: Plan, figures: Figures) -> float | None:
    """The plan's last-year cell a least-squares line through the actual years predicts (≥ 2 years).

    Shown beside the unit's own forecast, so the office sees an optimistic one. Not for zero targets or
    qualitative scales (a straight line means nothing there); clipped to the cell's valid range.
    """
    if indicator.kind in ("zero", "qualitative") or len(figures.actuals) < 2:
        return None
    years = sorted(figures.actuals)
    slope, intercept = linear_regression(years, [figures.actuals[year] for year in years])
    value = slope * plan.period[1] + intercept
    low, high = indicator.valid_range()
    if low is not None:
        value = max(value, low)
    if high is not None:
        value = min(value, high)
    return round(value, 2)


CELL_DECIMALS = Decimal("0.01")  # a computed cell is rounded as the form prints it, before it is rated
RawInputs = tuple[tuple[str, int, bool], ...]  # (measure, year, is_forecast) of raw figures


@dataclass(frozen=True)
class DerivedCell:
    value: float
    derivation: str  # the arithmetic with the raw figures, e.g. "(1 − 10/600 ÷ 12/560) × 100"
    inputs: RawInputs  # (measure, year, is_forecast) of every raw figure used


def round_cell(value: float) -> float:
    """Half-up to two decimals, as a clerk rounds 16.665 → 16.67 (not binary floating point's 16.66)."""
    return float(Decimal(repr(value)).quantize(CELL_DECIMALS, rounding=ROUND_HALF_UP))


def derive_cells(
    indicator: Indicator, base_year: int, measures: Mapping[str, Mapping[tuple[int, bool], float]]
) -> dict[tuple[int, bool], DerivedCell]:
    """The yearly cells (and the forecast) of an indicator computed from the city's raw figures.

    rate = numerator / denominator × scale (or numerator × scale); a decline cell is
    (1 − rate(year) / rate(base year)) × 100. A year lacking a figure, or with a zero denominator (or a zero
    base rate for a decline), gets no cell: nothing is guessed.
    """
    formula = indicator.formula
    if formula is None:
        return {}

    def rate(key: tuple[int, bool]) -> tuple[float, str, RawInputs] | None:
        numerator = measures.get(formula.numerator, {}).get(key)
        if numerator is None:
            return None
        used: RawInputs = ((formula.numerator, *key),)
        text = f"{numerator:g}"
        value = numerator
        if formula.denominator is not None:
            denominator = measures.get(formula.denominator, {}).get(key)
            if not denominator:
                return None
            used += ((formula.denominator, *key),)
            text, value = f"{text}/{denominator:g}", numerator / denominator
        if formula.scale != 1:
            text, value = f"{text}×{formula.scale:g}", value * formula.scale
        return value, text, used

    cells: dict[tuple[int, bool], DerivedCell] = {}
    base = rate((base_year, False)) if indicator.kind == "decline" else None
    for key in sorted(measures.get(formula.numerator, {})):
        if key[0] <= base_year:
            continue
        current = rate(key)
        if current is None:
            continue
        if indicator.kind == "decline":
            if base is None or base[0] == 0:
                continue
            value = (1 - current[0] / base[0]) * 100
            derivation = f"(1 − {current[1]} ÷ {base[1]}) × 100"
            inputs = current[2] + base[2]
        else:
            value, derivation, inputs = current
        cells[key] = DerivedCell(round_cell(value), derivation, inputs)
    return cells
