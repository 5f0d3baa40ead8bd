"""Submissions flattened into the long frames the suites validate: required columns, indicator rows, value
cells, key-project rows, work-point rows and contacts. All submissions of a pass share the frames, keyed by
``submission_id``; every row carries its sheet, Excel row and column letter, so a failing row becomes a
cell-precise message.

May import: planeval.catalog, planeval.assessment.arithmetic, planeval.intake.cells, planeval.records."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field

import pandas as pd

from planeval.assessment.arithmetic import DerivedCell, derive_cells
from planeval.catalog import Campaign, Catalog, Indicator, Plan, normalise_text
from planeval.catalog.layouts import figures_layout, indicator_layout, period_columns, year_columns
from planeval.intake.cells import Cell, Number, ParsedWorkbook, TableRow, cell_text
from planeval.records import Received


@dataclass
class Submission:
    """What validation needs of one received file."""

    received: Received
    parsed: ParsedWorkbook
    # Text of the Word documents the unit sent with it (this pass and earlier accepted ones): an analysis of
    # a lagging indicator may come as a separate document (“另附详细的分析说明”).
    documents: str = ""
    # The unit's currently accepted figures: (indicator code, year) → (value, version), to flag changes.
    previous: dict[tuple[str, int], tuple[float, int]] = field(default_factory=dict)


def _none_if_blank(text: str) -> str | None:
    return text or None


Record = dict[str, object]  # one frame row: column name → value
Measures = dict[str, dict[tuple[int, bool], float]]  # raw figures: measure → (year, is_forecast) → value


def build_frames(catalog: Catalog, campaign: Campaign, submissions: Iterable[Submission]) -> dict[str, pd.DataFrame]:
    columns: list[Record] = []
    rows: list[Record] = []
    cells: list[Record] = []
    projects: list[Record] = []
    tasks: list[Record] = []
    contacts: list[Record] = []
    for submission in submissions:
        received, parsed = submission.received, submission.parsed
        sid, unit = received.submission_id, received.unit_code
        columns += _column_records(sid, parsed)
        tasks += _task_records(catalog, sid, unit, parsed)
        contacts += _contact_records(sid, parsed)
        documents = normalise_text(submission.documents)
        measures = form_measures(catalog, campaign, parsed)
        for row in parsed.indicator_rows:
            computed = computed_cells(catalog, row, measures)
            rows.append(_indicator_row_record(catalog, campaign, sid, unit, row, documents, computed))
            cells += _indicator_cell_records(catalog, campaign, sid, row)
        cells += _figure_cells(catalog, campaign, sid, parsed)
        projects += _project_records(sid, unit, parsed)
    return {
        "tables.columns": pd.DataFrame(columns),
        "indicator_table.rows": pd.DataFrame(rows),
        "indicator_table.cells": _cells_frame(cells),
        "project_table.rows": pd.DataFrame(projects),
        "task_table.rows": pd.DataFrame(tasks),
        "contacts.rows": pd.DataFrame(contacts),
    }


_FLOAT_CELL_COLUMNS = ["value", "min_allowed", "max_allowed"]
_CELL_COLUMNS = [
    "submission_id",
    "sheet",
    "row",
    "column",
    "header",
    "indicator_code",
    "year",
    "raw_text",
    "number_text",
    *_FLOAT_CELL_COLUMNS,
    "scale_ok",
    "scale_text",
]


def _cells_frame(cells: list[Record]) -> pd.DataFrame:
    """The value cells, with fixed columns (an empty pass still has them) and float bounds and values."""
    frame = pd.DataFrame(cells, columns=_CELL_COLUMNS)
    frame[_FLOAT_CELL_COLUMNS] = frame[_FLOAT_CELL_COLUMNS].astype("float64")
    return frame


def _column_records(sid: str, parsed: ParsedWorkbook) -> list[Record]:
    """One row per required column of every table found: whether the sheet has it."""
    return [
        {
            "submission_id": sid,
            "sheet": sheet.sheet,
            "row": None,
            "column": None,
            "header": header,
            "present": key in sheet.present,
        }
        for sheet in parsed.sheets
        for key, header in sheet.required
    ]


def _row_plan(catalog: Catalog, row: TableRow) -> Plan:
    """The plan of an indicator row (the reader sets it on every indicator row)."""
    assert row.plan_code is not None, f"indicator row {row.sheet}!{row.row} without a plan"
    return catalog.plan(row.plan_code)


def _row_number(row: TableRow, cell: Cell) -> Number:
    """The number the reader read from a numeric cell (it reads every year and period cell)."""
    assert cell.number is not None, f"numeric cell {row.sheet}!{cell.column}{row.row} was not read"
    return cell.number


def form_measures(catalog: Catalog, campaign: Campaign, parsed: ParsedWorkbook) -> Measures:
    """The raw figures of the form's own 基础数据 sheet: measure → (year, is_forecast) → value, the first row
    of each measure (as staged)."""
    if not parsed.figure_rows:
        return {}
    measures: Measures = {}
    years = year_columns(figures_layout(catalog, campaign))
    for row in parsed.figure_rows:
        if row.code is None or row.code in measures:
            continue
        measures[row.code] = {
            (column.year, column.key == "forecast"): cell.number.value
            for column in years
            if column.year is not None
            and (cell := row.cells.get(column.key)) is not None
            and cell.number is not None
            and cell.number.value is not None
        }
    return measures


def computed_cells(catalog: Catalog, row: TableRow, measures: Measures) -> dict[tuple[int, bool], DerivedCell]:
    """The yearly cells (and forecast) of an indicator row that the form's own raw figures give, by
    (year, is_forecast): ``arithmetic.derive_cells``, the arithmetic aggregation uses for the city."""
    if not measures or row.code is None:
        return {}
    indicator = catalog.indicator(row.code)
    return derive_cells(indicator, indicator.base_year or _row_plan(catalog, row).base_year, measures)


def _indicator_row_record(
    catalog: Catalog,
    campaign: Campaign,
    sid: str,
    unit: str,
    row: TableRow,
    documents: str,
    computed: dict[tuple[int, bool], DerivedCell],
) -> Record:
    """The indicator row as the rows suite sees it: rating, analysis, the data-year and forecast texts (a
    blank cell the form's 基础数据 computes counts as filled: the computed figure stands in its text)."""
    plan = _row_plan(catalog, row)
    data_year = min(campaign.data_year, plan.period[1])
    data_year_key = f"y{data_year}"
    indicator = catalog.indicator(row.code) if row.code else None
    rating = _none_if_blank(row.text("self_rating"))
    analysed = bool(row.text("analysis")) or (indicator is not None and _mentions(documents, indicator))
    qualitative = indicator is not None and indicator.kind == "qualitative"
    return {
        "submission_id": sid,
        "sheet": row.sheet,
        "row": row.row,
        "label": row.label,
        "indicator_code": row.code,
        "unit_indicator": f"{unit}|{row.code}" if row.code else None,
        "self_rating": rating,
        "analysis_ok": rating != LAGGING or analysed,
        # a qualitative rating stands on its evidence: the 分析说明 must say what was built/done
        "evidence_ok": bool(row.text("analysis")) if qualitative else None,
        "analysis_column": _column_of(row, "analysis") or row.cells["name"].column,
        "data_year_text": _none_if_blank(row.text(data_year_key)) or _computed_text(computed, (data_year, False)),
        "forecast_text": _none_if_blank(row.text("forecast")) or _computed_text(computed, (plan.period[1], True)),
        "forecast_column": _column_of(row, "forecast"),
        "forecast_year": plan.period[1],
        "name_column": row.cells["name"].column,
        "rating_column": row.cells["self_rating"].column if "self_rating" in row.cells else None,
        "data_year_column": row.cells[data_year_key].column if data_year_key in row.cells else None,
        "data_year": campaign.data_year,
        "data_cutoff": campaign.data_cutoff.isoformat(),
    }


def _indicator_cell_records(catalog: Catalog, campaign: Campaign, sid: str, row: TableRow) -> list[Record]:
    """The filled year and period cells of an indicator row, with the indicator's valid range or scale."""
    layout = indicator_layout(catalog, _row_plan(catalog, row), campaign)
    indicator = catalog.indicator(row.code) if row.code else None
    qualitative = indicator is not None and indicator.kind == "qualitative"
    low, high = indicator.valid_range() if indicator else (None, None)
    records: list[Record] = []
    for column in [*year_columns(layout), *period_columns(layout)]:
        cell = row.cells.get(column.key)
        if cell is None or not cell_text(cell.raw):
            continue
        on_scale = qualitative  # period cells of a scale hold a scale word too
        number = _row_number(row, cell)
        value, number_text = number.value, number.text
        records.append(
            {
                "submission_id": sid,
                "sheet": row.sheet,
                "row": row.row,
                "column": cell.column,
                "header": column.header,
                "indicator_code": row.code,
                "year": column.year,
                "raw_text": cell_text(cell.raw),
                "number_text": number_text or None if on_scale else number_text,
                "value": value,
                "min_allowed": low,
                "max_allowed": high,
                "scale_ok": value is not None if on_scale else None,
                "scale_text": "、".join(indicator.scale) if on_scale and indicator else None,
            }
        )
    return records


def _computed_text(computed: dict[tuple[int, bool], DerivedCell], key: tuple[int, bool]) -> str | None:
    """A computed cell as the row's text for it (“按基础数据计算为 95.24”), None when the figures do not give it."""
    cell = computed.get(key)
    return f"按基础数据计算为 {cell.value:g}" if cell is not None else None


def _project_records(sid: str, unit: str, parsed: ParsedWorkbook) -> list[Record]:
    return [
        {
            "submission_id": sid,
            "sheet": row.sheet,
            "row": row.row,
            "label": row.label,
            "project_code": row.code,
            "unit_project": f"{unit}|{row.code}" if row.code else None,
            "progress": _none_if_blank(row.text("progress")),
            "name_column": row.cells["name"].column,
            "progress_column": row.cells["progress"].column if "progress" in row.cells else None,
        }
        for row in parsed.project_rows
    ]


LAGGING = "滞后预期"  # the self-rating that needs an analysis (附件3/4 填表说明)


def _figure_cells(catalog: Catalog, campaign: Campaign, sid: str, parsed: ParsedWorkbook) -> list[Record]:
    """The 基础数据 cells, checked by the same cell suite: numbers, never negative (counts, amounts)."""
    if not parsed.figure_rows:
        return []
    layout = figures_layout(catalog, campaign)
    records: list[Record] = []
    for row in parsed.figure_rows:
        for column in year_columns(layout):
            cell = row.cells.get(column.key)
            if cell is None or not cell_text(cell.raw):
                continue
            number = _row_number(row, cell)
            value, number_text = number.value, number.text
            records.append(
                {
                    "submission_id": sid,
                    "sheet": row.sheet,
                    "row": row.row,
                    "column": cell.column,
                    "header": f"{row.label}”“{column.header}",
                    "indicator_code": None,
                    "year": column.year,
                    "raw_text": cell_text(cell.raw),
                    "number_text": number_text,
                    "value": value,
                    "min_allowed": 0.0,
                    "max_allowed": None,
                    "scale_ok": None,
                    "scale_text": None,
                }
            )
    return records


def _mentions(documents: str, indicator: Indicator) -> bool:
    """Whether the unit's documents discuss the indicator (its name or an alias, normalised)."""
    if not documents:
        return False
    names = {normalise_text(n).replace("(%)", "") for n in (indicator.name, *indicator.aliases)}
    return any(name and name in documents for name in names)


def _column_of(row: TableRow, key: str) -> str | None:
    return row.cells[key].column if key in row.cells else None


# The 完成情况 choice that needs its 存在问题 explained: the last of the form's choices (e.g. 滞后).
def _lagging_status(catalog: Catalog) -> str | None:
    form = catalog.forms.task_table
    return form.ratings[-1] if form and form.ratings else None


def _task_records(catalog: Catalog, sid: str, unit: str, parsed: ParsedWorkbook) -> list[Record]:
    lagging = _lagging_status(catalog)
    records: list[Record] = []
    for row in parsed.task_rows:
        status = _none_if_blank(row.text("status"))
        problems = _none_if_blank(row.text("problems"))
        records.append(
            {
                "submission_id": sid,
                "sheet": row.sheet,
                "row": row.row,
                "label": row.label,
                "task_code": row.code,
                "unit_task": f"{unit}|{row.code}" if row.code else None,
                "status": status,
                "progress": _none_if_blank(row.text("progress")),
                "lag_explained": status != lagging or problems is not None,
                "name_column": _column_of(row, "name"),
                "status_column": _column_of(row, "status"),
                "progress_column": _column_of(row, "progress"),
                "problems_column": _column_of(row, "problems") or _column_of(row, "name"),
            }
        )
    return records


def _contact_records(sid: str, parsed: ParsedWorkbook) -> list[Record]:
    records: list[Record] = []
    for row in parsed.contact_rows:
        phone = normalise_phone(row.text("phone"))
        records.append(
            {
                "submission_id": sid,
                "sheet": row.sheet,
                "row": row.row,
                "label": row.label,
                "person": _none_if_blank(row.text("person")),
                "phone": phone or None,
                "person_column": _column_of(row, "person"),
                "phone_column": _column_of(row, "phone"),
            }
        )
    return records


def normalise_phone(text: str) -> str:
    """Full-width digits folded, spaces dropped, Chinese separators unified: “139 1234 5678，0513-1234567”."""
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", text))
