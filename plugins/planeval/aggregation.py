"""Staging of validated submissions and the municipal tables built from the accepted ones.

Writes are keyed so that a re-run replaces rather than appends: a submission is staged once under its
id, and the campaign's result tables are deleted and rebuilt in one transaction.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from sqlalchemy import Engine

from planeval.assessment import Figures, assess
from planeval.catalog import Campaign, Catalog
from planeval.forms import indicator_layout, year_columns
from planeval.intake import Received, Verdict
from planeval.readers import ParsedWorkbook, normalise_number
from planeval.warehouse import execute_many, fetch_all, sql


def stage_submission(
    connection,
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
    key = {"campaign_code": campaign.code, "unit_code": received.unit_code, "form": received.form}
    version = connection.execute(sql("select_next_version"), key).scalar_one()
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
            "warning_count": len(verdict.warnings),
            "version": version,
            "duplicate_of": verdict.duplicate_of["submission_id"] if verdict.duplicate_of else None,
        },
    )
    if verdict.status == "accepted":
        connection.execute(sql("update_superseded"), key | {"submission_id": received.submission_id})
    issues = [("error", issue) for issue in verdict.errors] + [("warning", issue) for issue in verdict.warnings]
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
    if parsed is None:
        return version
    indicator_rows, value_rows, staged = [], [], set()
    for row in parsed.indicator_rows:
        if row.code is None or (row.plan_code, row.code) in staged:
            continue
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
        for column in year_columns(layout):
            cell = row.cells.get(column.key)
            value = normalise_number(cell.raw)[0] if cell else None
            if value is not None:
                value_rows.append(
                    {
                        "submission_id": received.submission_id,
                        "plan_code": row.plan_code,
                        "indicator_code": row.code,
                        "year": column.year,
                        "is_forecast": int(column.key == "forecast"),
                        "value": value,
                        "cell": f"{row.sheet}!{cell.column}{row.row}",
                    }
                )
    execute_many(connection, "insert_submission_indicator", indicator_rows)
    execute_many(connection, "insert_submission_value", value_rows)
    project_rows, seen_projects = [], set()
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
    _stage_rows(connection, catalog, received, parsed)
    return version


def _stage_rows(connection, catalog: Catalog, received: Received, parsed: ParsedWorkbook) -> None:
    """Work-point progress and contacts, row by row with the cell each came from."""
    tasks = {}
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


@dataclass
class _UnitReport:
    submission_id: str
    self_rating: str | None = None
    analysis: str | None = None
    values: dict[tuple[int, bool], tuple[float, str]] = field(default_factory=dict)  # (year, forecast) → (v, cell)


def _merge(catalog: Catalog, indicator_code: str, reports: dict[str, _UnitReport]):
    """Merge the responsible units' reports: the lead's value wins; disagreements are named."""
    indicator = catalog.indicator(indicator_code)
    order = [u for u in indicator.responsible if u in reports] + sorted(set(reports) - set(indicator.responsible))
    merged: dict[tuple[int, bool], tuple[float, str]] = {}
    first_reporter: dict[tuple[int, bool], str] = {}
    conflicts = []
    for unit in order:
        for key, (value, cell) in reports[unit].values.items():
            if key not in merged:
                merged[key] = (value, f"{reports[unit].submission_id}:{cell}")
                first_reporter[key] = unit
            elif abs(merged[key][0] - value) > 1e-9:
                year = f"{key[0]}年{'预测值' if key[1] else ''}"
                conflicts.append(
                    f"{year}:{catalog.unit(first_reporter[key]).name}填报 {merged[key][0]:g},"
                    f"{catalog.unit(unit).name}填报 {value:g}"
                )
    lead = reports[order[0]]
    return merged, lead, order, "；".join(conflicts) or None


def aggregate(engine: Engine, catalog: Catalog, campaign: Campaign) -> dict[str, int]:
    """Rebuild the campaign's 附件3/附件4 and key-project tables from the latest accepted submissions."""
    latest = fetch_all(engine, "select_latest_accepted", campaign_code=campaign.code, form="indicator_table")
    ids = [row["submission_id"] for row in latest]
    unit_of = {row["submission_id"]: row["unit_code"] for row in latest}
    reports: dict[str, dict[str, _UnitReport]] = defaultdict(dict)
    projects: dict[str, list[dict]] = defaultdict(list)
    if ids:
        for row in fetch_all(engine, "select_accepted_indicator_values", submission_ids=ids):
            unit = unit_of[row["submission_id"]]
            report = reports[row["indicator_code"]].setdefault(unit, _UnitReport(row["submission_id"]))
            report.self_rating = report.self_rating or row["self_rating"]
            report.analysis = report.analysis or row["analysis"]
            if row["year"] is not None:
                report.values[(int(row["year"]), bool(row["is_forecast"]))] = (float(row["value"]), row["cell"])
        for row in fetch_all(engine, "select_accepted_projects", submission_ids=ids):
            projects[row["project_code"]].append(row)

    result_rows, value_rows, written_values = [], [], set()
    for plan in catalog.campaign_plans(campaign):
        for seq, code in enumerate(plan.indicator_table.indicators, start=1):
            indicator = catalog.indicator(code)
            base = {"campaign_code": campaign.code, "plan_code": plan.code, "seq": seq, "indicator_code": code}
            if code not in reports:
                outcome = assess(indicator, plan, campaign.data_year, Figures({}))
                result_rows.append(
                    base
                    | _assessment_columns(outcome)
                    | {
                        "self_rating": None,
                        "analysis": None,
                        "source_units": None,
                        "source_submissions": None,
                        "conflict": None,
                    }
                )
                continue
            merged, lead, units, conflict = _merge(catalog, code, reports[code])
            actuals = {
                year: v for (year, forecast), (v, _) in merged.items() if not forecast and year <= campaign.data_year
            }
            forecast = next((v for (_, is_forecast), (v, _) in merged.items() if is_forecast), None)
            outcome = assess(indicator, plan, campaign.data_year, Figures(actuals, forecast))
            result_rows.append(
                base
                | _assessment_columns(outcome)
                | {
                    "self_rating": lead.self_rating,
                    "analysis": lead.analysis,
                    "source_units": ",".join(units),
                    "source_submissions": ",".join(reports[code][u].submission_id for u in units),
                    "conflict": conflict,
                }
            )
            if code not in written_values:
                written_values.add(code)
                value_rows += [
                    {
                        "campaign_code": campaign.code,
                        "indicator_code": code,
                        "year": year,
                        "is_forecast": int(is_forecast),
                        "value": value,
                        "source_cell": cell,
                    }
                    for (year, is_forecast), (value, cell) in sorted(merged.items())
                ]
    project_rows = []
    for project in catalog.projects:
        if project.plan not in campaign.plans:
            continue
        entries = projects.get(project.code, [])
        project_rows.append(
            {
                "campaign_code": campaign.code,
                "plan_code": project.plan,
                "project_code": project.code,
                "progress": _by_unit(catalog, entries, "progress"),
                "results": _by_unit(catalog, entries, "results"),
                "source_submission": ",".join(e["submission_id"] for e in entries) or None,
            }
        )
    with engine.begin() as connection:
        for name in ("delete_indicator_result", "delete_indicator_result_value", "delete_project_result"):
            connection.execute(sql(name), {"campaign_code": campaign.code})
        execute_many(connection, "insert_indicator_result", result_rows)
        execute_many(connection, "insert_indicator_result_value", value_rows)
        execute_many(connection, "insert_project_result", project_rows)
    return {
        "submissions_used": len(ids),
        "indicators_with_data": len(reports),
        "indicator_rows": len(result_rows),
        "lagging": sum(row["computed_rating"] == "滞后预期" for row in result_rows),
    }


def _by_unit(catalog: Catalog, entries: list[dict], key: str) -> str | None:
    """A project's text from its units: one unit's as written; several, each named (“区应急管理局:…”)."""
    texts = [(e["unit_code"], e[key].strip().rstrip("。;；")) for e in entries if e[key]]
    if len(texts) <= 1:
        return texts[0][1] if texts else None
    if len({text for _, text in texts}) == 1:
        return texts[0][1]
    return ";".join(f"{catalog.unit(unit).name}:{text}" for unit, text in texts)


def _assessment_columns(outcome) -> dict:
    return {
        "to_date_value": outcome.to_date,
        "full_period_value": outcome.full_period,
        "schedule_share": outcome.schedule_share,
        "schedule_expected": outcome.schedule_expected,
        "computed_rating": outcome.rating,
        "computed_reason": outcome.reason,
    }
