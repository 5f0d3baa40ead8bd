"""Staging: one validated submission recorded as the unit's next version of its form, with its issues and
what it reported, row by row with the cell each value came from. Keyed so a re-run replaces.

May import: planeval.catalog, planeval.records, planeval.intake.cells, planeval.warehouse.db."""

from __future__ import annotations

from sqlalchemy import Connection

from planeval.catalog import Campaign, Catalog
from planeval.catalog.layouts import Column, figures_layout, indicator_layout, year_columns
from planeval.intake.cells import ParsedWorkbook, TableRow
from planeval.records import Received, Verdict
from planeval.warehouse.db import execute_many, sql

StagedRow = dict[str, object]  # the bound parameters of one INSERT


def stage_submission(
    connection: Connection,
    campaign: Campaign,
    catalog: Catalog,
    received: Received,
    verdict: Verdict,
    parsed: ParsedWorkbook | None,
) -> int:
    """Record one submission as the unit's next version of its form, with its issues and (for accepted or
    rejected tables) what it reported, in the open transaction. Returns the version number.

    A newly accepted version supersedes the unit's earlier accepted versions of the same form; a duplicate
    (same bytes as an earlier upload) is recorded for the audit trail only.
    """
    version = _record_submission(connection, campaign, received, verdict)
    _stage_issues(connection, received, verdict)
    if parsed is None:
        return version
    _stage_indicators(connection, catalog, campaign, received, parsed, explained_cells(verdict))
    _stage_projects(connection, received, parsed)
    _stage_tasks_and_contacts(connection, catalog, received, parsed)
    _stage_figures(connection, catalog, campaign, received, parsed)
    return version


def _record_submission(connection: Connection, campaign: Campaign, received: Received, verdict: Verdict) -> int:
    """Insert the submission as the unit's next version of its form (superseding its earlier accepted
    versions if this one is accepted); return the version number."""
    key = {"campaign_code": campaign.code, "unit_code": received.unit_code, "form": received.form}
    version: int = connection.execute(sql("select_next_version"), key).scalar_one()
    connection.execute(
        sql("insert_submission"),
        key
        | {
            "submission_id": received.submission_id,
            "original_name": received.original_name,
            "archive_path": received.archive_path,
            "sha256": received.sha256,
            "size_bytes": received.size_bytes,
            "uploaded_at": received.uploaded_at,
            "received_at": received.received_at,
            "status": verdict.status,
            "error_count": len(verdict.errors),
            "warning_count": len(verdict.warnings) + len(verdict.notices),  # what did not reject
            "version": version,
            "duplicate_of": verdict.duplicate_of["submission_id"] if verdict.duplicate_of else None,
        },
    )
    if verdict.status == "accepted":
        connection.execute(sql("update_superseded"), key | {"submission_id": received.submission_id})
    return version


def _stage_issues(connection: Connection, received: Received, verdict: Verdict) -> None:
    """The verdict's errors, warnings (警告) then notices (提示), numbered, with the sheet, row and column each
    points at."""
    issues = [
        *(("error", issue) for issue in verdict.errors),
        *(("warning", issue) for issue in verdict.warnings),
        *(("notice", issue) for issue in verdict.notices),
    ]
    execute_many(
        connection,
        "insert_submission_issue",
        (
            {
                "submission_id": received.submission_id,
                "seq": seq,
                "severity": severity,
                "code": issue.code,
                "message": issue.message,
                "sheet": issue.sheet,
                "row_number": issue.row,
                "column_letter": issue.column,
            }
            for seq, (severity, issue) in enumerate(issues, start=1)
        ),
    )


def explained_cells(verdict: Verdict) -> dict[str, str]:
    """The cells (附件3!H5) of the verdict's 警告 that the unit explained, with the 上报说明."""
    return {
        f"{issue.sheet}!{issue.column}{issue.row}": issue.explanation
        for issue in verdict.warnings
        if issue.explanation and issue.sheet and issue.column and issue.row
    }


def _stage_indicators(
    connection: Connection,
    catalog: Catalog,
    campaign: Campaign,
    received: Received,
    parsed: ParsedWorkbook,
    explained: dict[str, str],
) -> None:
    """Each recognised indicator row once per plan (its reported texts), and its filled year cells with the
    上报说明 of a warned one."""
    indicator_rows: list[StagedRow] = []
    value_rows: list[StagedRow] = []
    staged: set[tuple[str, str]] = set()
    for row in parsed.indicator_rows:
        if row.code is None or (row.plan_code, row.code) in staged:
            continue
        if row.plan_code is None:  # the reader gives every indicator row the plan of its sheet
            raise KeyError(f"indicator row {row.sheet}!{row.row} belongs to no plan")
        staged.add((row.plan_code, row.code))
        indicator_rows.append(
            {
                "submission_id": received.submission_id,
                "plan_code": row.plan_code,
                "indicator_code": row.code,
                "sheet": row.sheet,
                "row_number": row.row,
                "to_date_reported": row.text("to_date") or None,
                "full_period_reported": row.text("full_period") or None,
                "self_rating": row.text("self_rating") or None,
                "analysis": row.text("analysis") or None,
            }
        )
        layout = indicator_layout(catalog, catalog.plan(row.plan_code), campaign)
        key: StagedRow = {
            "submission_id": received.submission_id,
            "plan_code": row.plan_code,
            "indicator_code": row.code,
        }
        value_rows += [
            value | {"explanation": explained.get(str(value["cell"]))} for value in _yearly_values(row, layout, key)
        ]
    execute_many(connection, "insert_submission_indicator", indicator_rows)
    execute_many(connection, "insert_submission_value", value_rows)


def _stage_projects(connection: Connection, received: Received, parsed: ParsedWorkbook) -> None:
    """Each recognised key-project row once: its progress and results, with the cell of its name."""
    project_rows: list[StagedRow] = []
    seen_projects: set[str] = set()
    for row in parsed.project_rows:
        if row.code is None or row.code in seen_projects:
            continue
        seen_projects.add(row.code)
        project_rows.append(
            {
                "submission_id": received.submission_id,
                "project_code": row.code,
                "progress": row.text("progress") or None,
                "results": row.text("results") or None,
                "cell": f"{row.sheet}!{row.cells['name'].column}{row.row}",
            }
        )
    execute_many(connection, "insert_submission_project", project_rows)


def _stage_figures(
    connection: Connection, catalog: Catalog, campaign: Campaign, received: Received, parsed: ParsedWorkbook
) -> None:
    """Raw figures (基础数据), one row per measure × year, with the cell each came from."""
    if not parsed.figure_rows:
        return
    layout = figures_layout(catalog, campaign)
    rows: list[StagedRow] = []
    seen: set[str] = set()
    for row in parsed.figure_rows:
        if row.code is None or row.code in seen:
            continue
        seen.add(row.code)
        rows += _yearly_values(row, layout, {"submission_id": received.submission_id, "measure_code": row.code})
    execute_many(connection, "insert_submission_figure", rows)


def _yearly_values(row: TableRow, layout: list[Column], key: StagedRow) -> list[StagedRow]:
    """One row per filled year (and forecast) cell of a table row: ``key`` plus year, value and the cell."""
    values: list[StagedRow] = []
    for column in year_columns(layout):
        cell = row.cells.get(column.key)
        if cell is None or cell.number is None or cell.number.value is None:
            continue
        values.append(
            key
            | {
                "year": column.year,
                "is_forecast": int(column.key == "forecast"),
                "value": cell.number.value,
                "cell": f"{row.sheet}!{cell.column}{row.row}",
            }
        )
    return values


def _stage_tasks_and_contacts(
    connection: Connection, catalog: Catalog, received: Received, parsed: ParsedWorkbook
) -> None:
    """Work-point progress and contacts, row by row with the cell each came from."""
    tasks: dict[str, StagedRow] = {}
    for row in parsed.task_rows:
        if row.code and row.code not in tasks:
            task = next(t for t in catalog.tasks if t.code == row.code)
            tasks[row.code] = {
                "submission_id": received.submission_id,
                "task_code": row.code,
                "role": task.role_of(received.unit_code),
                "status": row.text("status") or None,
                "progress": row.text("progress") or None,
                "problems": row.text("problems") or None,
                "next_steps": row.text("next_steps") or None,
                "cell": f"{row.sheet}!{row.cells['name'].column}{row.row}",
            }
    execute_many(connection, "insert_submission_task", tasks.values())
    execute_many(
        connection,
        "insert_submission_contact",
        (
            {
                "submission_id": received.submission_id,
                "seq": seq,
                "category": row.label,
                "plan_code": row.code,
                "person": row.text("person") or None,
                "position": row.text("position") or None,
                "phone": row.text("phone") or None,
                "note": row.text("note") or None,
                "cell": f"{row.sheet}!{row.cells['name'].column}{row.row}",
            }
            for seq, row in enumerate(parsed.contact_rows, start=1)
        ),
    )
