"""Assessment arithmetic: 年均/累计, 序时进度 and the computed 综合进度评价. Pure functions only.

The definitions, with worked examples, are in docs/assessment.md; this module is their one implementation.

May import: planeval.catalog."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from math import ceil
from statistics import fmean, linear_regression
from typing import Literal

from planeval.catalog import Formula, Indicator, Plan
from planeval.catalog.model import ranking_top

EPSILON = 1e-9


@dataclass(frozen=True)
class Figures:
    """An indicator's yearly figures as the form holds them (decline %, level, or yearly amount)."""

    actuals: dict[int, float]  # year → value, for the plan years up to the data year
    forecast: float | None = None  # the end-of-plan forecast (2025年预测值)
    base: float | None = None  # the indicator's own figure in the base year (2020), where known: a floor's start


Maintenance = Literal["保持", "回落"]
YearFigure = tuple[int, float]  # (year, figure)


@dataclass(frozen=True)
class Compared:
    """The figures one rating compares. ``rate`` reads only these, and so does every sentence that restates
    the rating (reporting/words.py), so a reason or a sentence can never say other than the numbers do."""

    kind: ProgressKind
    figure: float  # the figure rated: the deadline year's (or data year's) cell, sum or mean
    year: int  # the year ``figure`` is of (the last year of a sum or a mean)
    first_year: int  # the first assessed year (where a sum, a mean or an every-year check starts)
    deadline: int  # the plan's end, or the indicator's due_year
    data_year: int
    met: bool  # ``figure`` meets the target (its comparator exactly)
    expected: float | None = None  # what 序时进度 asks by the data year (before the deadline)
    base: float | None = None  # a floor's base-year figure, where its 序时进度 line starts
    substituted: bool = False  # the deadline year had no figure: ``year`` is the one rated in its place
    breaks: tuple[YearFigure, ...] = ()  # zero / every-year targets: the years that broke it
    later: tuple[YearFigure, ...] = ()  # past an intermediate deadline: the figures of the years after it
    slips: tuple[YearFigure, ...] = ()  # of ``later``, those that no longer meet the target

    @property
    def past_deadline(self) -> bool:
        """Rated on its deadline year: an intermediate deadline before the data year."""
        return self.deadline < self.data_year and self.kind not in ("zero", "every_year")

    @property
    def maintenance(self) -> Maintenance | None:
        """After a deadline met on time: 保持 when every later year still meets the target, 回落 when one
        does not; None before the deadline, when it was missed, or with no later year."""
        if not self.past_deadline or not self.met or not self.later:
            return None
        return "回落" if self.slips else "保持"


@dataclass(frozen=True)
class Assessment:
    to_date: float | None  # 前N年 年均/累计
    full_period: float | None  # 五年 年均/累计, with the forecast as the last year
    schedule_share: float  # 序时进度 as a share of the period (or of the years to an intermediate deadline)
    schedule_expected: float | None  # the figure 序时进度 asks for (decline, cumulative, floor, qualitative kinds)
    rating: str | None  # 提前实现 / 符合预期 / 滞后预期; None without data
    reason: str
    forecast_meets_target: bool | None
    trend_forecast: float | None = None  # the end-year cell a straight-line trend of the actual years gives
    trend_meets_target: bool | None = None
    base: float | None = None  # the base-year figure a floor's 序时进度 starts from (None: not a floor, or unknown)
    compared: Compared | None = None  # the figures the rating and its reason compare; None without data
    maintenance: Maintenance | None = None  # after an intermediate deadline met on time: held or slipped
    maintenance_years: tuple[int, ...] = ()  # the years after the deadline that were checked


# How a target is followed over the plan (docs/assessment.md §“序时进度 and ratings, settled”):
#   decline      a 下降X% target: the decline reached by the data year, against target × share
#   cumulative   a 累计/新增 target: the sum so far, against target × share
#   floor        a level to reach (≥95%, ≥2.5m², 100%, ≥75): the level now, against the straight line from
#                the base-year figure to the target
#   ceiling      a level not to exceed (<0.2, ≤10h) or a rank ceiling (≤3): must hold in the data year; never early
#   average      a 年均 target: the mean of the years so far must meet it; never early
#   zero         every year zero
#   every_year   a level or rank that must hold in every assessed year (every_year: true); never early
#   qualitative  a rank on a stated scale, against the lowest rank at or above target rank × share
ProgressKind = Literal["decline", "cumulative", "floor", "ceiling", "average", "zero", "every_year", "qualitative"]


def progress_kind(indicator: Indicator) -> ProgressKind:
    """The way 序时进度 applies to the indicator: its catalog kind, with a level split by its comparator."""
    if indicator.every_year:
        return "every_year"
    if indicator.kind == "ranking":  # a rank ceiling (≤3) holds or not
        return "ceiling"
    if indicator.kind == "level":
        return "ceiling" if indicator.target.is_ceiling else "floor"
    if indicator.kind == "cumulative" and indicator.target.is_ceiling:
        return "ceiling"  # a total not to exceed (累计不超过) holds or not; it has no share to reach
    return indicator.kind


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


def decline_expected(target: float, share: float) -> float:
    """下降X%: the decline (against the base year) 序时进度 asks for — linear in the printed percentage.

    >15 in 2024 (share 0.8): 15 × 0.8 = 12."""
    return target * share


def cumulative_expected(target: float, share: float) -> float:
    """累计/新增: the sum of the yearly additions 序时进度 asks for. ≥400 in 2024: 400 × 0.8 = 320."""
    return target * share


def floor_expected(base: float, target: float, share: float) -> float:
    """A level to reach: the straight line from the base-year figure to the target.

    base + (target − base) × share; 投保率 80% in 2020, target 100%, 2024: 80 + 20 × 0.8 = 96. A base already
    at or beyond the target asks for the target itself (the line never falls below it)."""
    return round(base + (target - base) * share, 6) if base < target else target


def ceiling_expected(target: float) -> float:
    """A level not to exceed (<0.2, ≤10h) or a 年均 target: the target itself, in every assessed year."""
    return target


def qualitative_expected(target_rank: float, share: float) -> float:
    """A rank on a stated scale: target rank × share; the rating asks for the lowest whole rank at or above."""
    return target_rank * share


def expected_figure(indicator: Indicator, plan: Plan, year: int, base: float | None = None) -> float | None:
    """The figure 序时进度 asks of the indicator by the end of ``year`` (2021…2025), by its progress kind.

    None where there is no partial progress to ask for (zero, ceiling, every-year and 年均 targets: they hold
    or not) and
    for a floor without a base-year figure (no line to draw)."""
    share = schedule_share(plan, year, indicator.due_year)
    target = indicator.target.value
    match progress_kind(indicator):
        case "decline":
            return decline_expected(target, share)
        case "cumulative":
            return cumulative_expected(target, share)
        case "floor":
            return floor_expected(base, target, share) if base is not None else None
        case "qualitative":
            return qualitative_expected(target, share)
        case "ceiling" | "average" | "zero" | "every_year":
            return None
    raise AssertionError(indicator.kind)


def period_figure(indicator: Indicator, values: list[float]) -> float | None:
    """The 年均/累计 figure over consecutive yearly values.

    decline: the decline reached by the last year (each yearly cell is already measured against the
    base year, so it is cumulative by construction); qualitative and ranking: the latest rank (never a mean
    of ranks); zero and cumulative: the sum; level and average (rates, levels, 年均 targets): the mean of the
    yearly figures — the plain average of the yearly rates, not a pooled Σ numerators / Σ denominators —
    rounded as ``round_mean`` says.
    """
    if not values:
        return None
    match indicator.kind:
        case "decline" | "qualitative" | "ranking":
            return values[-1]
        case "zero" | "cumulative":
            return sum(values)
        case "level" | "average":
            return round_mean(values)
    raise AssertionError(indicator.kind)


def rated_figure(indicator: Indicator, figures: Figures) -> float | None:
    """The latest figure compared with the target: latest decline/level/rank, the (printed, rounded) mean
    of an average, the sum of additions, and for a zero target the total count over the years (one death
    breaks it). ``compare`` says which year is rated when an intermediate deadline has passed."""
    if not figures.actuals:
        return None
    return figure_at(indicator, figures.actuals, max(figures.actuals))


def figure_at(indicator: Indicator, actuals: Mapping[int, float], year: int) -> float | None:
    """The figure compared with the target as of ``year``: that year's cell (decline, level, qualitative,
    ranking), the sum of the years through it (cumulative, zero), the printed mean through it (average)."""
    if indicator.kind in ("decline", "level", "qualitative", "ranking"):
        return actuals.get(year)
    through = [actuals[known] for known in sorted(actuals) if known <= year]
    if not through:
        return None
    return round_mean(through) if indicator.kind == "average" else sum(through)


def _figure(indicator: Indicator, actuals: Mapping[int, float], year: int) -> float:
    value = figure_at(indicator, actuals, year)
    assert value is not None, (indicator.code, year)  # called only for years that have a figure
    return value


def compare(
    indicator: Indicator,
    plan: Plan,
    data_year: int,
    figures: Figures,
    expected: float | None = None,
    base: float | None = None,
) -> Compared | None:
    """The figures the rating compares, from the actual years up to ``data_year`` (None without any):

    zero / every-year  every assessed year's cell (from the due year, where one is set), and the years
                       that broke the target;
    past a deadline    an intermediate due_year before the data year: the due year's figure (the first
                       later year's when the due year has none), then each later year for maintenance;
    otherwise          the latest figure, with ``expected`` (序时进度) and a floor's ``base``.
    """
    actuals = {year: value for year, value in figures.actuals.items() if year <= data_year}
    if not actuals:
        return None
    years, target, kind = sorted(actuals), indicator.target, progress_kind(indicator)
    deadline = indicator.due_year or plan.period[1]
    if kind in ("zero", "every_year"):
        checked = [year for year in years if kind == "zero" or year >= (indicator.due_year or years[0])]
        if checked:
            breaks = tuple((year, actuals[year]) for year in checked if not target.is_met(actuals[year]))
            figure = _figure(indicator, actuals, years[-1])
            return Compared(kind, figure, years[-1], checked[0], deadline, data_year, not breaks, breaks=breaks)
        kind = "ceiling"  # every year from a deadline not reached yet: held (or not) like a ceiling
    if deadline < data_year:
        rated = next((year for year in years if year >= deadline), years[-1])
        figure = _figure(indicator, actuals, rated)
        later = tuple((year, _figure(indicator, actuals, year)) for year in years if year > rated)
        slips = tuple((year, value) for year, value in later if not target.is_met(value))
        met = target.is_met(figure)
        return Compared(
            kind, figure, rated, years[0], deadline, data_year, met, expected, base,
            substituted=rated != deadline, later=later, slips=slips,
        )  # fmt: skip
    figure = _figure(indicator, actuals, years[-1])
    return Compared(kind, figure, years[-1], years[0], deadline, data_year, target.is_met(figure), expected, base)


def _fmt(value: float) -> str:
    return f"{value:.2f}".rstrip("0").rstrip(".")


def span_words(first: int, last: int) -> str:
    """A run of years as a sentence says it: 2021—2024年, or 2024年 for one."""
    return f"{first}—{last}年" if first != last else f"{last}年"


def dated_figure(indicator: Indicator, year: int, figure: float, first_year: int, verb: str = "为") -> str:
    """A rated figure with its year: 2022年达到76%, 2022年较2020年下降16%, 2021—2022年累计为420人,
    2021—2022年年均为0.14人/十万人, 2022年为第2名(全省13个设区市)."""
    shown = indicator.with_unit(figure)
    match indicator.kind:
        case "decline":
            change = f"上升{_fmt(-figure)}%" if figure < 0 else f"下降{indicator.display(figure)}%"
            return f"{year}年较{indicator.base_year}年{change}"
        case "cumulative" | "zero":
            return f"{span_words(first_year, year)}累计{verb}{shown}"
        case "average":
            return f"{span_words(first_year, year)}年均{verb}{shown}"
        case "ranking":
            return f"{year}年为{shown}"
    return f"{year}年{verb}{shown}"


# What a figure that breaks a target is, by the target's comparator: 0.27 against <0.25 is 未低于0.25.
_BREAK_WORDS = {"<": "未低于", "≤": "超过", ">": "未超过", "≥": "低于", "=": "未达到"}


def missed_words(indicator: Indicator) -> str:
    """How a figure misses the target, in words: 未低于0.25人/十万人, 超过10h, 低于75%, 未进入前3名."""
    target = indicator.target
    if indicator.kind == "ranking":
        return f"未进入前{ranking_top(target)}名"
    return f"{_BREAK_WORDS[target.comparator]}{indicator.with_unit(target.value)}"


def break_words(indicator: Indicator, year: int, value: float) -> str:
    """One year that broke a zero or every-year target: 2022年3人; 2022年0.27人/十万人,未低于0.25人/十万人."""
    if indicator.kind == "zero":
        return f"{year}年{indicator.with_unit(value)}"
    return f"{year}年{indicator.with_unit(value)},{missed_words(indicator)}"


def maintenance_words(indicator: Indicator, compared: Compared) -> str:
    """After a deadline met on time: 此后保持, or each later year that fell back (2024年回落至70%)."""
    if compared.maintenance == "保持":
        return "此后保持"
    return ",".join(f"{year}年回落至{indicator.with_unit(value)}" for year, value in compared.slips)


def expected_words(indicator: Indicator, expected: float) -> str:
    """The figure 序时进度 asks, as the reason and the report both say it: 96%, a scale word (the lowest
    whole rank at or above target rank × share: “推进中”)."""
    if indicator.kind == "qualitative":
        return f"“{indicator.scale[ceil(expected - EPSILON)]}”"
    return indicator.with_unit(round(expected, 2))


def assess(indicator: Indicator, plan: Plan, data_year: int, figures: Figures) -> Assessment:
    """Compute 年均/累计, 序时进度, the rating and the trend forecast of one indicator from its yearly figures.

    A floor starts from the catalog's ``base_value`` (the plan's printed 2020 figure) where there is one,
    else from ``figures.base`` (the base-year figure computed from the units' raw figures)."""
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
    kind = progress_kind(indicator)
    base = (indicator.base_value if indicator.base_value is not None else figures.base) if kind == "floor" else None

    expected = expected_figure(indicator, plan, data_year, base)
    compared = compare(indicator, plan, data_year, figures, expected, base)
    if compared is None:
        return Assessment(to_date, full_period, share, None, None, "无已受理的数据", forecast_ok, trend, trend_ok, base)
    rating, reason = rate(indicator, plan, compared)
    maintenance = compared.maintenance
    checked = tuple(year for year, _ in compared.later) if maintenance else ()
    return Assessment(
        to_date, full_period, share, expected, rating, reason, forecast_ok, trend, trend_ok, base, compared,
        maintenance, checked,
    )  # fmt: skip


def rate(indicator: Indicator, plan: Plan, compared: Compared) -> tuple[str, str]:
    """(rating, reason) from the compared figures, by the indicator's progress kind; docs/assessment.md
    §“序时进度 and ratings, settled”. The one place a rating is decided and the one place its reason is
    written, from the same numbers."""
    if compared.kind == "zero":
        return _rate_zero(indicator, compared)
    if compared.kind == "every_year":
        return _rate_every_year(indicator, compared)
    if compared.past_deadline:
        return _rate_at_deadline(indicator, compared)
    if compared.kind in ("ceiling", "average"):
        return _rate_held(indicator, plan, compared)
    return _rate_progress(indicator, plan, compared)


def _rate_zero(indicator: Indicator, compared: Compared) -> tuple[str, str]:
    """Zero: every year zero, or 滞后预期 for the rest of the plan (a death cannot be undone)."""
    if compared.breaks:
        return "滞后预期", "目标为零," + "、".join(break_words(indicator, *year) for year in compared.breaks)
    return "符合预期", f"{span_words(compared.first_year, compared.year)}均为零,保持目标要求"


def _rate_every_year(indicator: Indicator, compared: Compared) -> tuple[str, str]:
    """Every year: any assessed year that breaks the target → 滞后预期, naming each such year and figure;
    every year holding → 符合预期; never 提前实现 (the plan asks it of every year still to come)."""
    words = indicator.target_words
    if compared.breaks:
        broken = ";".join(break_words(indicator, *year) for year in compared.breaks)
        return "滞后预期", f"{broken}(规划目标每年{words})"
    return "符合预期", f"{span_words(compared.first_year, compared.year)}每年均满足规划目标({words})"


def _rate_at_deadline(indicator: Indicator, compared: Compared) -> tuple[str, str]:
    """Past an intermediate deadline: rated on the deadline year's figure — met → 符合预期 (按期实现, with
    what the later years did: 此后保持 / 回落), missed → 滞后预期 even where a later year meets it."""
    due, first = compared.deadline, compared.first_year
    lead = f"{due}年无数据,按{compared.year}年衡量:" if compared.substituted else ""
    if compared.met:
        reason = f"{lead}{dated_figure(indicator, compared.year, compared.figure, first, '达到')},按期实现"
        if compared.maintenance:
            reason += f";{maintenance_words(indicator, compared)}"
        return "符合预期", reason
    shown = dated_figure(indicator, compared.year, compared.figure, first)
    reason = f"{lead}{shown},未按期({due}年)实现规划目标({indicator.target_words})"
    reached = next(((year, value) for year, value in compared.later if indicator.target.is_met(value)), None)
    if reached:
        reason += f";{dated_figure(indicator, reached[0], reached[1], first, '达到')},晚于期限"
    return "滞后预期", reason


def _rate_progress(indicator: Indicator, plan: Plan, compared: Compared) -> tuple[str, str]:
    """decline / cumulative / floor / qualitative: the target reached before its deadline → 提前实现 (at the
    deadline → 符合预期); otherwise at or above the 序时进度 figure → 符合预期, below it → 滞后预期. The
    target's comparator (strict > or not) decides whether it is reached; the 序时进度 figure is a checkpoint,
    and exactly reaching it is on schedule."""
    words, shown = indicator.target_words, indicator.with_unit(compared.figure)
    deadline, data_year, expected = compared.deadline, compared.data_year, compared.expected
    if compared.met:
        if data_year < deadline:
            early = f",早于{deadline}年的期限" if indicator.due_year else ""
            return "提前实现", f"已达到规划目标({words}),当前为{shown}{early}"
        return "符合预期", f"已实现规划目标({words}),当前为{shown}"
    if data_year >= deadline:
        return "滞后预期", f"目标应于{deadline}年实现,当前为{shown},未按期实现"
    if expected is None:  # a floor without a base-year figure: no line to draw, the target itself is asked
        return "滞后预期", (
            f"当前{shown},未达到规划目标({words});缺少{plan.base_year}年基数,无法按序时进度推算,按规划目标衡量"
        )
    line = ""
    if compared.kind == "floor" and compared.base is not None:
        line = f"(以{plan.base_year}年{indicator.with_unit(compared.base)}为起点)"
    if compared.figure + EPSILON >= expected:
        return "符合预期", f"当前{shown},达到序时进度要求的{expected_words(indicator, expected)}{line}"
    return "滞后预期", f"当前{shown},低于序时进度要求的{expected_words(indicator, expected)}{line}"


def _rate_held(indicator: Indicator, plan: Plan, compared: Compared) -> tuple[str, str]:
    """ceiling / average / rank ceiling: the target holds in the assessed year (a 年均 target: for the mean
    so far) → 符合预期, else 滞后预期; never 提前实现 — holding a ceiling is what the plan asks every year, and
    a five-year mean is not known before the five years are over. Before an intermediate deadline an unmet
    target is not yet due."""
    words, due = indicator.target_words, indicator.due_year
    if indicator.kind == "average":
        shown = f"{plan.period[0]}—{compared.year}年年均{indicator.with_unit(compared.figure)}"
    else:
        shown = f"当前{indicator.with_unit(compared.figure)}"
    if compared.met:
        return "符合预期", f"{shown},满足规划目标({words})"
    if due is not None and compared.data_year < due:
        return "符合预期", f"{shown},尚未满足规划目标({words}),目标期限为{due}年"
    if due is not None and due != plan.period[1]:
        return "滞后预期", f"{shown},未按期({due}年)满足规划目标({words})"
    return "滞后预期", f"{shown},未满足规划目标({words})"


def forecast_figure(indicator: Indicator, figures: Figures) -> float | None:
    """The figure the end-of-plan forecast implies, comparable with the target."""
    if figures.forecast is None:
        return None
    if indicator.kind in ("decline", "level", "qualitative", "ranking"):
        return figures.forecast
    values = [figures.actuals[year] for year in sorted(figures.actuals)] + [figures.forecast]
    return fmean(values) if indicator.kind == "average" else sum(values)


def trend_forecast(indicator: Indicator, plan: Plan, figures: Figures) -> float | None:
    """The plan's last-year cell a least-squares line through the actual years predicts (≥ 2 years).

    Shown beside the unit's own forecast, so the office sees an optimistic one. Not for zero targets,
    qualitative scales or ranks (a straight line means nothing there); clipped to the cell's valid range.
    """
    if indicator.kind in ("zero", "qualitative", "ranking") or len(figures.actuals) < 2:
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


def round_mean(values: list[float]) -> float:
    """The mean of yearly figures as printed: half-up to two decimals as the form prints a cell, or to the
    decimals the yearly figures themselves carry where they carry more (0.0072, 0.0065 → 0.0069, not 0.01).
    (0.15 + 0.12 + 0.18 + 0.10) / 4 = 0.1375 → 0.14."""
    places = max([2, *(_decimals(value) for value in values)])
    quantum = Decimal(1).scaleb(-places)
    return float(Decimal(repr(fmean(values))).quantize(quantum, rounding=ROUND_HALF_UP))


def _decimals(value: float) -> int:
    """How many decimals a figure carries as typed (2.30 → 1, 0.0065 → 4), at most 6."""
    exponent = Decimal(repr(value)).normalize().as_tuple().exponent
    return min(max(-exponent, 0), 6) if isinstance(exponent, int) else 0


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
        return _formula_rate(formula, measures, key)

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


def _formula_rate(
    formula: Formula, measures: Mapping[str, Mapping[tuple[int, bool], float]], key: tuple[int, bool]
) -> tuple[float, str, RawInputs] | None:
    """numerator / denominator × scale for one (year, is_forecast), with its arithmetic and inputs; None
    when a figure is missing or the denominator is zero."""
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


def base_figure(
    indicator: Indicator, base_year: int, measures: Mapping[str, Mapping[tuple[int, bool], float]]
) -> float | None:
    """A level indicator's own figure in the base year, from the raw figures of the 基础数据表 (its 2020
    column), rounded as a cell: where a floor's 序时进度 line starts. None for other kinds or without figures."""
    if indicator.kind != "level" or indicator.formula is None:
        return None
    rate = _formula_rate(indicator.formula, measures, (base_year, False))
    return round_cell(rate[0]) if rate is not None else None
