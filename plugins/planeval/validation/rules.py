"""Checks across rows and against earlier figures that a single-frame expectation cannot state: 年均/累计
consistency, outliers, changed values, tidied numbers, one indicator reported twice (in 附件3 and 附件4) with
different figures or ratings.

May import: planeval.catalog, planeval.assessment.arithmetic, planeval.intake.cells, planeval.records,
planeval.validation.frames."""

from __future__ import annotations

from planeval.assessment.arithmetic import DerivedCell, period_figure
from planeval.catalog import Campaign, Catalog, Indicator
from planeval.catalog.layouts import Column, indicator_layout, period_columns, year_columns
from planeval.intake.cells import TableRow, cell_text, plausible_range
from planeval.records import Issue, Verdict
from planeval.validation.frames import Submission, computed_cells, form_measures

Values = dict[str, float | None]  # an indicator row's numbers by column key (None: blank or not a number)


def cross_row_checks(catalog: Catalog, campaign: Campaign, submission: Submission, verdict: Verdict) -> None:
    """Checks across rows that a single-frame expectation cannot state. Findings that do not reject by themselves
    go to ``verdict.warnings``; ``severity.settle_severities`` then sorts them into 警告 and 提示."""
    _check_unknown_measures(submission, verdict)
    measures = form_measures(catalog, campaign, submission.parsed)
    seen: dict[str, tuple[TableRow, Values]] = {}  # indicator → its first row (附件3) and numbers
    for row in submission.parsed.indicator_rows:
        if not row.code:
            continue
        indicator = catalog.indicator(row.code)
        assert row.plan_code is not None, f"indicator row {row.sheet}!{row.row} without a plan"
        layout = indicator_layout(catalog, catalog.plan(row.plan_code), campaign)
        values = _read_values(row, indicator, layout, verdict)
        _note_computed(row, indicator, layout, computed_cells(catalog, row, measures), verdict)
        if indicator.kind != "qualitative":  # ranks on a scale have no average, trend or outlier
            _check_periods(row, indicator, layout, values, verdict)
            _check_outliers(row, indicator, layout, values, verdict)
        _check_changes(row, indicator, layout, values, submission.previous, verdict)
        if row.code in seen:
            _check_contradictions(indicator, layout, seen[row.code], (row, values), verdict)
        else:
            seen[row.code] = (row, values)


def _cell(row: TableRow, key: str) -> str:
    """Where a row's cell is, as the receipt names it: 附件3!H5."""
    return f"{row.sheet}!{row.cells[key].column}{row.row}"


def _check_contradictions(
    indicator: Indicator,
    layout: list[Column],
    first: tuple[TableRow, Values],
    second: tuple[TableRow, Values],
    verdict: Verdict,
) -> None:
    """One indicator in two plans' tables (附件3 and 附件4): different figures are an error naming both
    cells of each differing column; different 综合进度评价 a 提示 naming both cells."""
    (first_row, first_values), (row, values) = first, second
    differing = [c for c in layout if c.key in _differing_keys(values, first_values)]
    if differing:
        cells = ";".join(
            f"“{c.header}”{_cell(first_row, c.key)} 为 {_fmt(first_values[c.key] or 0.0)},"
            f"{_cell(row, c.key)} 为 {_fmt(values[c.key] or 0.0)}"
            for c in differing
        )
        verdict.errors.append(
            Issue(
                "inconsistent_indicator",
                f"指标“{indicator.name}”在“{first_row.sheet}”与“{row.sheet}”中填报的数值不一致({cells}),"
                "同一指标只能有一组数据",
                row.sheet,
                row.row,
                row.cells["name"].column,
            )
        )
    first_rating, rating = first_row.text("self_rating"), row.text("self_rating")
    if first_rating and rating and first_rating != rating:
        verdict.warnings.append(
            Issue(
                "contradictory_rating",
                f"指标“{indicator.name}”的综合进度评价在 {_cell(first_row, 'self_rating')} 为“{first_rating}”,"
                f"在 {_cell(row, 'self_rating')} 为“{rating}”,两表对同一指标的评价不一致,请核实并统一",
                row.sheet,
                row.row,
                row.cells["self_rating"].column,
            )
        )


def _note_computed(
    row: TableRow,
    indicator: Indicator,
    layout: list[Column],
    computed: dict[tuple[int, bool], DerivedCell],
    verdict: Verdict,
) -> None:
    """Years left blank that the form's 基础数据 computes: accepted, and the receipt says with which figures."""
    headers, figures = [], []
    for column in year_columns(layout):
        cell = row.cells.get(column.key)
        derived = computed.get((column.year, column.key == "forecast")) if column.year is not None else None
        if derived is not None and (cell is None or not cell_text(cell.raw)):
            arithmetic = f"(= {derived.derivation})" if derived.derivation != f"{derived.value:g}" else ""
            headers.append(f"“{column.header}”")
            figures.append(f"{column.header} {derived.value:g}{arithmetic}")
    if figures:
        verdict.warnings.append(
            Issue(
                "computed_from_figures",
                f"指标“{indicator.name}”未填写{''.join(headers)},已按本表基础数据计算:{';'.join(figures)}",
                row.sheet,
                row.row,
                row.cells["name"].column,
            )
        )


def _check_unknown_measures(submission: Submission, verdict: Verdict) -> None:
    """A 基础数据 row whose measure the catalog does not know (a renamed item)."""
    for row in submission.parsed.figure_rows:
        if row.code is None:
            verdict.errors.append(
                Issue(
                    "unknown_measure",
                    f"基础数据项“{row.label}”不在目录中,请勿修改下发表格中的数据项名称",
                    row.sheet,
                    row.row,
                    row.cells["name"].column,
                )
            )


def _read_values(row: TableRow, indicator: Indicator, layout: list[Column], verdict: Verdict) -> Values:
    """The row's year and period numbers; warnings for tidied numbers and for a negative decline."""
    values: Values = {}
    for column in [*year_columns(layout), *period_columns(layout)]:
        cell = row.cells.get(column.key)
        if cell is None:
            continue
        assert cell.number is not None, f"numeric cell {row.sheet}!{cell.column}{row.row} was not read"
        value, normalised, changed = cell.number.value, cell.number.text, cell.number.tidied
        values[column.key] = value
        if value is not None and changed:
            verdict.warnings.append(
                Issue(
                    "normalised_number",
                    f"“{column.header}”填写为“{cell_text(cell.raw)}”,已按数字 {normalised} 读取",
                    row.sheet,
                    row.row,
                    cell.column,
                )
            )
        if value is not None and indicator.kind == "decline" and value < 0:
            verdict.warnings.append(
                Issue(
                    "negative_decline",
                    f"“{indicator.name}”{column.header}为 {normalised},表示较{indicator.base_year}年上升,请核实",
                    row.sheet,
                    row.row,
                    cell.column,
                )
            )
    return values


def _differing_keys(values: Values, first_values: Values) -> set[str]:
    """The columns in which two readings of one indicator both have a number and disagree."""
    return {
        key
        for key, value in values.items()
        if value is not None and (first := first_values.get(key)) is not None and abs(value - first) > 1e-9
    }


# Rounding a department may do on a computed average or sum before it counts as a different figure.
PERIOD_TOLERANCE_ABS, PERIOD_TOLERANCE_REL = 0.05, 0.01


def _fmt(value: float) -> str:
    return f"{value:.2f}".rstrip("0").rstrip(".")


def _actuals(layout: list[Column], values: Values) -> list[float]:
    return [value for c in year_columns(layout) if c.key != "forecast" and (value := values.get(c.key)) is not None]


def _check_periods(row: TableRow, indicator: Indicator, layout: list[Column], values: Values, verdict: Verdict) -> None:
    """前N年 / 五年 年均·累计 must agree with the yearly figures (docs/assessment.md: 年均 vs 累计)."""
    years = [c for c in year_columns(layout) if c.key != "forecast"]
    actuals = _actuals(layout, values)
    if len(actuals) != len(years):
        return  # a missing year is reported by its own rule
    how = {"average": "各年平均", "cumulative": "各年合计"}[indicator.aggregation]
    if indicator.kind == "decline":
        how = "最后一年较基期的降幅"
    span = f"{years[0].year}—{years[-1].year}年"
    checks = [("to_date", actuals, span)]
    forecast, last_year = values.get("forecast"), years[-1].year
    if forecast is not None and last_year is not None:
        checks.append(("full_period", [*actuals, forecast], f"{years[0].year}—{last_year + 1}年"))
    for key, series, label in checks:
        reported = values.get(key)
        cell = row.cells.get(key)
        expected = period_figure(indicator, series)
        if reported is None or cell is None or expected is None:
            continue
        if abs(reported - expected) > max(PERIOD_TOLERANCE_ABS, PERIOD_TOLERANCE_REL * abs(expected)):
            header = next(c.header for c in layout if c.key == key)
            verdict.warnings.append(  # 警告 settled without 上报说明: the computed figure is used (severity.py)
                Issue(
                    "inconsistent_period",
                    f"指标“{indicator.name}”的“{header}”填写为 {_fmt(reported)},"
                    f"按{label}各年数值({how})应为 {_fmt(expected)},汇总采用计算值 {_fmt(expected)}",
                    row.sheet,
                    row.row,
                    cell.column,
                )
            )


def _check_outliers(
    row: TableRow, indicator: Indicator, layout: list[Column], values: Values, verdict: Verdict
) -> None:
    """DHIS2-style min-max check against the unit's other years: a 警告, accepted with the row's 上报说明.

    Bounds are the other years' range widened by that range (or by half the largest value when the years
    are equal), so steady trends pass and a slipped decimal point or an extra zero is flagged. Only the
    actual years are compared: the forecast is the unit's estimate of the plan's last year, which for a
    decline or a target still to reach lies beyond the years so far by design.
    """
    if any(
        cell_text(row.cells[c.key].raw) and values.get(c.key) is None
        for c in year_columns(layout)
        if c.key in row.cells
    ):
        return  # a year that is not a number rejects the row already; the band would stand on partial figures
    actual = [c for c in year_columns(layout) if c.key != "forecast"]
    filled = [(c, value) for c in actual if (value := values.get(c.key)) is not None]
    for column, value in filled:
        others = [other for c, other in filled if c is not column]
        bounds = plausible_range(others)
        if len(others) < 2 or bounds is None:
            return
        low, high = min(others), max(others)
        if bounds[0] != bounds[1] and not (bounds[0] <= value <= bounds[1]):
            verdict.warnings.append(
                Issue(
                    "outlier",
                    f"指标“{indicator.name}”“{column.header}”为 {_fmt(value)},明显偏离其他年份"
                    f"({_fmt(low)}~{_fmt(high)}),请核实是否填写有误",
                    row.sheet,
                    row.row,
                    row.cells[column.key].column,
                )
            )


def _check_changes(
    row: TableRow,
    indicator: Indicator,
    layout: list[Column],
    values: Values,
    previous: dict[tuple[str, int], tuple[float, int]],
    verdict: Verdict,
) -> None:
    """A figure that differs from the unit's currently accepted version: a 提示 to confirm the change."""
    for column in year_columns(layout):
        value = values.get(column.key)
        before = previous.get((indicator.code, column.year)) if column.year is not None else None
        if value is None or before is None or abs(before[0] - value) <= 1e-9:
            continue
        verdict.warnings.append(
            Issue(
                "changed_value",
                f"指标“{indicator.name}”“{column.header}”为 {_fmt(value)},"
                f"与已受理的第{before[1]}版({_fmt(before[0])})不同,请确认为更正",
                row.sheet,
                row.row,
                row.cells[column.key].column,
            )
        )
