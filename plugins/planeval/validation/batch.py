"""Validating one pass: every submission's frames through the suites in one GX context, the failing rows mapped
back to sheet, row and column with the suite's Chinese message, then the cross-row rules; a Verdict per
submission.

May import: the other modules of planeval.validation, planeval.catalog, planeval.records."""

from __future__ import annotations

import math
from collections.abc import Hashable, Mapping
from typing import Any

import pandas as pd

from planeval.catalog import Campaign, Catalog
from planeval.records import Issue, Verdict
from planeval.validation.frames import Submission, build_frames
from planeval.validation.rules import cross_row_checks
from planeval.validation.severity import row_explanations, settle_severities, settle_warning, suite_severity
from planeval.validation.suites import GxRunner, suite_parameters

# A frame row as pandas hands it back: column name → cell (str, int, float, bool or a missing marker).
FrameRow = dict[str, Any]


def _plain(record: Mapping[Hashable, Any]) -> FrameRow:
    """A frame row with pandas' missing markers (NaN, NA) turned into None."""
    return {
        str(key): None if value is None or (isinstance(value, float) and math.isnan(value)) or value is pd.NA else value
        for key, value in record.items()
    }


def _format(template: str, record: Mapping[str, object]) -> str:
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
    suite_warnings: dict[str, list[Issue]] = {sid: [] for sid in verdicts}  # settled with the rules' below
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
                severity = suite_severity(meta.get("severity"))
                if severity == "warning":
                    suite_warnings[target.submission_id].append(issue)
                else:
                    (target.notices if severity == "notice" else target.errors).append(issue)
        for submission in tables:
            cross_row_checks(catalog, campaign, submission, verdicts[submission.received.submission_id])
    for submission in submissions:
        verdict = verdicts[submission.received.submission_id]
        explanations = row_explanations(submission.parsed)
        settle_severities(verdict, explanations)
        for issue in suite_warnings[verdict.submission_id]:
            settle_warning(verdict, issue, explanations)
    for verdict in verdicts.values():
        verdict.errors.sort(key=_issue_order)
        verdict.warnings.sort(key=_issue_order)
        verdict.notices.sort(key=_issue_order)
    return verdicts


def _issue_order(issue: Issue) -> tuple[str, int, int, str, str]:
    return (issue.sheet or "", issue.row or 0, len(issue.column or ""), issue.column or "", issue.code)
