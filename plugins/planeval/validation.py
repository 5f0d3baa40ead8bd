"""Validation of a batch of submissions with Great Expectations, mapped back to sheet, row and column.

Each submitted workbook is flattened into three long frames (required columns, indicator rows, value
cells) plus one for key-project rows. All submissions of a pass go into the same frames, keyed by
``submission_id``, so one GX context and one run per suite validates the whole batch. Every failing
row of a frame carries its sheet, Excel row and column letter, and the suite's ``meta.message`` (Chinese)
is filled from it. Rules that depend on the catalog (ranges, who answers for what, the ratings) enter
the frames or the suite parameters from the catalog, so each rule has one source.
"""

from __future__ import annotations

import json
import math
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from planeval.assessment import period_figure
from planeval.catalog import Campaign, Catalog, Indicator, normalise_text
from planeval.forms import Column, figures_layout, indicator_layout, year_columns
from planeval.intake import Issue, Received, Verdict
from planeval.readers import ParsedWorkbook, TableRow, cell_text, indicator_number, normalise_number
from planeval.settings import EXPECTATIONS_DIR, disable_gx_analytics

SUITES = (
    "tables.columns",
    "indicator_table.rows",
    "indicator_table.cells",
    "project_table.rows",
    "task_table.rows",
    "contacts.rows",
)


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


def load_suite_file(name: str, folder: Path = EXPECTATIONS_DIR) -> dict:
    with (folder / f"{name}.json").open(encoding="utf-8") as handle:
        return json.load(handle)


class GxRunner:
    """One ephemeral GX context for a whole batch: suites are read from ``expectations/`` once.

    With ``data_docs_dir``, every run goes through a Checkpoint whose UpdateDataDocsAction writes GX Data
    Docs there (the suites and this pass's validation results, for admins); without it (benchmarks, unit
    tests) the validation definitions run directly.
    """

    DATA_DOCS_SITE = "planeval"

    def __init__(self, suites_folder: Path = EXPECTATIONS_DIR, data_docs_dir: Path | None = None) -> None:
        disable_gx_analytics()
        import great_expectations as gx

        self._gx = gx
        self.context = gx.get_context(mode="ephemeral")
        self.context.variables.progress_bars = {"globally": False}
        self.data_docs_dir = data_docs_dir
        if data_docs_dir is not None:
            self.context.add_data_docs_site(
                site_name=self.DATA_DOCS_SITE,
                site_config={
                    "class_name": "SiteBuilder",
                    "site_index_builder": {"class_name": "DefaultSiteIndexBuilder"},
                    "store_backend": {
                        "class_name": "TupleFilesystemStoreBackend",
                        "base_directory": str(data_docs_dir),
                    },
                },
            )
        datasource = self.context.data_sources.add_pandas("submissions")
        self._definitions = {}
        self._checkpoints = {}
        for name in SUITES:
            suite = self.context.suites.add(gx.ExpectationSuite(**load_suite_file(name, suites_folder)))
            batch = datasource.add_dataframe_asset(name).add_batch_definition_whole_dataframe(name)
            definition = self.context.validation_definitions.add(
                gx.ValidationDefinition(name=name, data=batch, suite=suite)
            )
            self._definitions[name] = definition
            if data_docs_dir is not None:
                from great_expectations.checkpoint import UpdateDataDocsAction

                self._checkpoints[name] = self.context.checkpoints.add(
                    gx.Checkpoint(
                        name=name,
                        validation_definitions=[definition],
                        actions=[UpdateDataDocsAction(name="data_docs", site_names=[self.DATA_DOCS_SITE])],
                        result_format="COMPLETE",
                    )
                )

    def _run(self, suite: str, frame: pd.DataFrame, parameters: dict):
        if suite in self._checkpoints:
            result = self._checkpoints[suite].run(
                batch_parameters={"dataframe": frame}, expectation_parameters=parameters
            )
            return next(iter(result.run_results.values()))
        return self._definitions[suite].run(
            batch_parameters={"dataframe": frame}, expectation_parameters=parameters, result_format="COMPLETE"
        )

    def failures(self, suite: str, frame: pd.DataFrame, parameters: dict) -> list[tuple[int, dict]]:
        """(row index, expectation meta) for every failing row of ``frame``."""
        if frame.empty:
            return []
        result = self._run(suite, frame, parameters)
        failed: list[tuple[int, dict]] = []
        for item in result.results:
            if item.exception_info and item.exception_info.get("raised_exception"):
                raise RuntimeError(f"GX expectation failed to run in {suite}: {item.exception_info}")
            if item.success:
                continue
            meta = dict(item.expectation_config.meta or {})
            failed += [(int(index), meta) for index in item.result.get("unexpected_index_list") or []]
        return failed


def suite_parameter_names(suite: dict) -> set[str]:
    """The ``$PARAMETER`` names a suite file refers to."""
    found: set[str] = set()

    def walk(node: object) -> None:
        if isinstance(node, dict):
            if "$PARAMETER" in node:
                found.add(node["$PARAMETER"])
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(suite.get("expectations", []))
    return found


# --- frames ---------------------------------------------------------------------------------------


def _none_if_blank(text: str) -> str | None:
    return text or None


def build_frames(catalog: Catalog, campaign: Campaign, submissions: Iterable[Submission]) -> dict[str, pd.DataFrame]:
    columns, rows, cells, projects, tasks, contacts = [], [], [], [], [], []
    for submission in submissions:
        received, parsed = submission.received, submission.parsed
        sid, unit = received.submission_id, received.unit_code
        for sheet in parsed.sheets:
            for key, header in sheet.required:
                columns.append(
                    {
                        "submission_id": sid,
                        "sheet": sheet.sheet,
                        "row": None,
                        "column": None,
                        "header": header,
                        "present": key in sheet.present,
                    }
                )
        tasks += _task_records(catalog, sid, unit, parsed)
        contacts += _contact_records(sid, parsed)
        documents = normalise_text(submission.documents)
        for row in parsed.indicator_rows:
            plan = catalog.plan(row.plan_code)
            layout = indicator_layout(catalog, plan, campaign)
            data_year_key = f"y{min(campaign.data_year, plan.period[1])}"
            indicator = catalog.indicator(row.code) if row.code else None
            rating = _none_if_blank(row.text("self_rating"))
            analysed = bool(row.text("analysis")) or (indicator is not None and _mentions(documents, indicator))
            qualitative = indicator is not None and indicator.kind == "qualitative"
            rows.append(
                {
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
                    "data_year_text": _none_if_blank(row.text(data_year_key)),
                    "forecast_text": _none_if_blank(row.text("forecast")),
                    "forecast_column": _column_of(row, "forecast"),
                    "forecast_year": plan.period[1],
                    "name_column": row.cells["name"].column,
                    "rating_column": row.cells["self_rating"].column if "self_rating" in row.cells else None,
                    "data_year_column": row.cells[data_year_key].column if data_year_key in row.cells else None,
                    "data_year": campaign.data_year,
                    "data_cutoff": campaign.data_cutoff.isoformat(),
                }
            )
            low, high = indicator.valid_range() if indicator else (None, None)
            for column in [*year_columns(layout), *period_columns(layout)]:
                cell = row.cells.get(column.key)
                if cell is None or not cell_text(cell.raw):
                    continue
                on_scale = qualitative  # period cells of a scale hold a scale word too
                value, number_text, _ = indicator_number(indicator if on_scale else None, cell.raw)
                cells.append(
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
                        "scale_text": "、".join(indicator.scale) if on_scale else None,
                    }
                )
        cells += _figure_cells(catalog, campaign, sid, parsed)
        for row in parsed.project_rows:
            projects.append(
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
            )
    float_columns = ["value", "min_allowed", "max_allowed"]
    cells_frame = pd.DataFrame(
        cells,
        columns=[
            "submission_id",
            "sheet",
            "row",
            "column",
            "header",
            "indicator_code",
            "year",
            "raw_text",
            "number_text",
            *float_columns,
            "scale_ok",
            "scale_text",
        ],
    )
    cells_frame[float_columns] = cells_frame[float_columns].astype("float64")
    return {
        "tables.columns": pd.DataFrame(columns),
        "indicator_table.rows": pd.DataFrame(rows),
        "indicator_table.cells": cells_frame,
        "project_table.rows": pd.DataFrame(projects),
        "task_table.rows": pd.DataFrame(tasks),
        "contacts.rows": pd.DataFrame(contacts),
    }


LAGGING = "滞后预期"  # the self-rating that needs an analysis (附件3/4 填表说明)


def _figure_cells(catalog: Catalog, campaign: Campaign, sid: str, parsed: ParsedWorkbook) -> list[dict]:
    """The 基础数据 cells, checked by the same cell suite: numbers, never negative (counts, amounts)."""
    if not parsed.figure_rows:
        return []
    layout = figures_layout(catalog, campaign)
    records = []
    for row in parsed.figure_rows:
        for column in year_columns(layout):
            cell = row.cells.get(column.key)
            if cell is None or not cell_text(cell.raw):
                continue
            value, number_text, _ = normalise_number(cell.raw)
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


def period_columns(layout: list[Column]) -> list[Column]:
    """The 前N年 / 五年 年均·累计 columns: numbers too, checked against the yearly values."""
    return [c for c in layout if c.key in ("to_date", "full_period")]


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


def _task_records(catalog: Catalog, sid: str, unit: str, parsed: ParsedWorkbook) -> list[dict]:
    lagging = _lagging_status(catalog)
    records = []
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


def _contact_records(sid: str, parsed: ParsedWorkbook) -> list[dict]:
    records = []
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


def suite_parameters(catalog: Catalog) -> dict:
    """Catalog facts the suites refer to as ``$PARAMETER``."""
    return {
        "allowed_unit_indicators": sorted(
            f"{unit}|{indicator.code}" for indicator in catalog.indicators for unit in indicator.responsible
        ),
        "allowed_unit_projects": sorted(
            f"{unit}|{project.code}" for project in catalog.projects for unit in project.responsible
        ),
        "ratings": list(catalog.forms.indicator_table.ratings) if catalog.forms.indicator_table else [],
        "allowed_unit_tasks": sorted(
            f"{unit}|{task.code}" for task in catalog.tasks for unit in (*task.lead, *task.cooperating)
        ),
        "task_statuses": list(catalog.forms.task_table.ratings) if catalog.forms.task_table else [],
    }


def _plain(record: dict) -> dict:
    """A frame row with pandas' missing markers (NaN, NA) turned into None."""
    return {
        key: None if value is None or (isinstance(value, float) and math.isnan(value)) or value is pd.NA else value
        for key, value in record.items()
    }


def _format(template: str, record: dict) -> str:
    """Fill a suite message from the failing row (and catalog facts such as {ratings_text})."""
    clean = {key: "" if value is None else value for key, value in record.items()}
    try:
        return template.format(**clean)
    except (KeyError, ValueError, IndexError):
        return template


def validate_batch(
    catalog: Catalog, campaign: Campaign, submissions: list[Submission], runner: GxRunner | None = None
) -> dict[str, Verdict]:
    """Validate all submissions of one pass together; return a Verdict per submission id."""
    verdicts = {s.received.submission_id: Verdict(s.received.submission_id) for s in submissions}
    for submission in submissions:
        verdict = verdicts[submission.received.submission_id]
        verdict.errors += submission.parsed.errors
        verdict.warnings += submission.parsed.warnings
    tables = [s for s in submissions if s.parsed.sheets]
    if tables:
        runner = runner or GxRunner()
        frames = build_frames(catalog, campaign, tables)
        parameters = suite_parameters(catalog)
        texts = {
            f"{name}_text": "".join(f"“{value}”" for value in values)
            for name, values in parameters.items()
            if name in ("ratings", "task_statuses")
        }
        for suite, frame in frames.items():
            for index, meta in runner.failures(suite, frame, parameters):
                record = _plain(frame.iloc[index].to_dict())
                cell_column = meta.get("cell_column")
                if cell_column and record.get(cell_column) is None:
                    continue  # the column itself is missing: reported once by the columns suite
                issue = Issue(
                    code=meta.get("code", suite),
                    message=_format(meta.get("message", suite), texts | record),
                    sheet=record.get("sheet"),
                    row=int(record["row"]) if record.get("row") is not None else None,
                    column=record.get(cell_column) if cell_column else None,
                )
                target = verdicts[record["submission_id"]]
                (target.warnings if meta.get("severity") == "warning" else target.errors).append(issue)
        for submission in tables:
            _python_checks(catalog, campaign, submission, verdicts[submission.received.submission_id])
    for verdict in verdicts.values():
        verdict.errors.sort(key=_issue_order)
        verdict.warnings.sort(key=_issue_order)
    return verdicts


def _issue_order(issue: Issue) -> tuple:
    return (issue.sheet or "", issue.row or 0, len(issue.column or ""), issue.column or "", issue.code)


def _python_checks(catalog: Catalog, campaign: Campaign, submission: Submission, verdict: Verdict) -> None:
    """Checks across rows that a single-frame expectation cannot state; warnings for tidied input."""
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
    seen: dict[str, tuple[str, dict[str, float | None]]] = {}
    for row in submission.parsed.indicator_rows:
        if not row.code:
            continue
        indicator = catalog.indicator(row.code)
        layout = indicator_layout(catalog, catalog.plan(row.plan_code), campaign)
        values: dict[str, float | None] = {}
        for column in [*year_columns(layout), *period_columns(layout)]:
            cell = row.cells.get(column.key)
            if cell is None:
                continue
            on_scale = indicator.kind == "qualitative"
            value, normalised, changed = indicator_number(indicator if on_scale else None, cell.raw)
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
        if indicator.kind != "qualitative":  # ranks on a scale have no average, trend or outlier
            _check_periods(catalog, campaign, row, indicator, layout, values, verdict)
            _check_outliers(row, indicator, layout, values, verdict)
        _check_changes(row, indicator, layout, values, submission.previous, verdict)
        if row.code in seen:
            first_sheet, first_values = seen[row.code]
            common = [k for k in values if k in first_values and values[k] is not None and first_values[k] is not None]
            if any(abs(values[k] - first_values[k]) > 1e-9 for k in common):
                verdict.errors.append(
                    Issue(
                        "inconsistent_indicator",
                        f"指标“{indicator.name}”在“{first_sheet}”与“{row.sheet}”中填报的数值不一致,同一指标只能有一组数据",
                        row.sheet,
                        row.row,
                        row.cells["name"].column,
                    )
                )
        else:
            seen[row.code] = (row.sheet, values)


# Rounding a department may do on a computed average or sum before it counts as a different figure.
PERIOD_TOLERANCE_ABS, PERIOD_TOLERANCE_REL = 0.05, 0.01


def _fmt(value: float) -> str:
    return f"{value:.2f}".rstrip("0").rstrip(".")


def _actuals(layout: list[Column], values: dict[str, float | None]) -> list[float]:
    return [values[c.key] for c in year_columns(layout) if c.key != "forecast" and values.get(c.key) is not None]


def _check_periods(catalog, campaign, row: TableRow, indicator: Indicator, layout, values, verdict: Verdict) -> None:
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
    if values.get("forecast") is not None:
        checks.append(("full_period", [*actuals, values["forecast"]], f"{years[0].year}—{years[-1].year + 1}年"))
    for key, series, label in checks:
        reported = values.get(key)
        cell = row.cells.get(key)
        if reported is None or cell is None:
            continue
        expected = period_figure(indicator, series)
        if abs(reported - expected) > max(PERIOD_TOLERANCE_ABS, PERIOD_TOLERANCE_REL * abs(expected)):
            header = next(c.header for c in layout if c.key == key)
            verdict.errors.append(
                Issue(
                    "inconsistent_period",
                    f"指标“{indicator.name}”的“{header}”填写为 {_fmt(reported)},"
                    f"按{label}各年数值({how})应为 {_fmt(expected)}",
                    row.sheet,
                    row.row,
                    cell.column,
                )
            )


def _check_outliers(row: TableRow, indicator: Indicator, layout, values, verdict: Verdict) -> None:
    """DHIS2-style min-max check against the unit's other years: a warning, never a rejection.

    Bounds are the other years' range widened by that range (or by half the largest value when the years
    are equal), so steady trends pass and a slipped decimal point or an extra zero is flagged.
    """
    columns = [c for c in year_columns(layout) if values.get(c.key) is not None]
    for column in columns:
        others = [values[c.key] for c in columns if c is not column]
        if len(others) < 2:
            return
        low, high = min(others), max(others)
        spread = (high - low) or 0.5 * max(abs(high), abs(low))
        value = values[column.key]
        if spread and not (low - spread <= value <= high + spread):
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


def _check_changes(row: TableRow, indicator: Indicator, layout, values, previous, verdict: Verdict) -> None:
    """A figure that differs from the unit's currently accepted version: a warning to confirm the change."""
    for column in year_columns(layout):
        value = values.get(column.key)
        before = previous.get((indicator.code, column.year))
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
