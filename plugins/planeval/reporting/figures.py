"""How an indicator's figures are printed in every table and whether they are charted: one rule for the
report's 附件 tables, the upward xlsx and the charts (docs/reports.md, “Status indicators”).

A qualitative indicator's figure is a word of its scale (基本建成), a ranking indicator's a place in its
comparison group (第3名): a status, not a quantity. Each figure prints as ``Indicator.display`` says; the
年均/累计 columns of a status indicator print its latest status (the last reported year's), never a mean of
ranks; the full-period column, which the plan's end has not reached, prints “—”. A status is never plotted:
a line between ranks or scale words would draw a trend that does not exist.

May import: planeval.catalog."""

from __future__ import annotations

from collections.abc import Mapping

from planeval.catalog import Indicator

# The kinds whose figures are a status (a scale word, a rank) rather than a quantity.
STATUS_KINDS = ("qualitative", "ranking")

NO_PERIOD_FIGURE = "—"  # a status indicator's 五年年均/累计 cell


def is_status(indicator: Indicator) -> bool:
    return indicator.kind in STATUS_KINDS


def is_charted(indicator: Indicator) -> bool:
    """Whether the report draws the indicator's trend: quantities only."""
    return not is_status(indicator)


def figure_cell(indicator: Indicator, value: float | None) -> str:
    """A yearly or forecast cell as printed: the number, the scale word or the rank; empty without a figure."""
    return indicator.display(value) if value is not None else ""


def latest_status(indicator: Indicator, actuals: Mapping[int, float]) -> str:
    """The status of the last year reported (基本建成, 第3名), or “—” without any."""
    return indicator.display(actuals[max(actuals)]) if actuals else NO_PERIOD_FIGURE


def period_cells(
    indicator: Indicator, actuals: Mapping[int, float], to_date: float | None, full_period: float | None
) -> tuple[str, str]:
    """The (年均/累计 to date, 五年年均/累计) cells: the computed period figures of a quantity; a status
    indicator's latest status and “—”."""
    if is_status(indicator):
        return latest_status(indicator, actuals), NO_PERIOD_FIGURE
    return figure_cell(indicator, to_date), figure_cell(indicator, full_period)
