"""Severity per rule: 错误 (the file is rejected), 警告 (the value is accepted only with the unit's 上报说明 in its
row), 提示 (noted on the receipt). A rule's severity is declared once: in its expectation's ``meta.severity`` for
a suite rule (expectations/*.json, default 错误), in ``RULE_SEVERITY`` below for a rule coded in Python (the
reader's findings and ``validation/rules.py``). ``settle_severities`` then sorts a verdict's findings: 提示 to
``notices``; a 警告 with its 上报说明 stays a warning (the explanation attached), one without becomes an error
that names the cell to explain.

May import: planeval.catalog, planeval.intake.cells, planeval.records."""

from __future__ import annotations

from dataclasses import replace
from typing import Literal

from planeval.intake.cells import ParsedWorkbook
from planeval.records import Issue, Verdict

Severity = Literal["error", "warning", "notice"]
SEVERITY_LABEL: dict[Severity, str] = {"error": "错误", "warning": "警告", "notice": "提示"}

# The layout key of the 上报说明 column (forms.yaml indicator_table) and its header when a table lacks it.
EXPLANATION_KEY, EXPLANATION_HEADER = "explanation", "上报说明"

# Rules coded in Python whose finding is not an error: what they are (docs/validation.md, “Severities”).
# A code absent here and reported as a finding that does not reject is a 提示.
RULE_SEVERITY: dict[str, Severity] = {
    # tidying and reading notes: the value is what the unit meant, said so
    "normalised_number": "notice",
    "assumed_reading": "notice",
    "computed_from_figures": "notice",
    "unrecognised_sheet": "notice",
    "unknown_sheet": "notice",
    # a correction of an accepted figure, and two ratings of one indicator: the unit is asked to check
    "changed_value": "notice",
    "contradictory_rating": "notice",
    # the unit's own figures look wrong: accepted only when the unit explains them
    "outlier": "warning",
    "negative_decline": "warning",
    # a derived column (年均/累计) that disagrees: planeval uses its own figure, so there is nothing to explain
    "inconsistent_period": "warning",
}

# 警告 on a derived cell planeval replaces by the figure it computes: shown as 警告, accepted without 上报说明.
SUBSTITUTED = frozenset({"inconsistent_period"})


def rule_severity(code: str) -> Severity:
    """The severity of a finding that does not reject by itself (a Python-coded rule's or the reader's)."""
    return RULE_SEVERITY.get(code, "notice")


def suite_severity(meta_severity: object) -> Severity:
    """The severity an expectation's ``meta.severity`` declares (absent: 错误)."""
    if meta_severity in ("warning", "notice"):
        return "warning" if meta_severity == "warning" else "notice"
    if meta_severity in (None, "error"):
        return "error"
    raise ValueError(f"unknown severity {meta_severity!r} in an expectation's meta (error, warning or notice)")


# (sheet, Excel row) of an indicator row → (its 上报说明, the letter of that column; None: the table has none)
Explanations = dict[tuple[str, int], tuple[str, str | None]]


def row_explanations(parsed: ParsedWorkbook) -> Explanations:
    """Every indicator row's 上报说明 as typed (empty when blank) and where its cell is."""
    found: Explanations = {}
    for row in parsed.indicator_rows:
        cell = row.cells.get(EXPLANATION_KEY)
        found[(row.sheet, row.row)] = (row.text(EXPLANATION_KEY), cell.column if cell else None)
    return found


def settle_severities(verdict: Verdict, explanations: Explanations) -> None:
    """Sort the verdict's non-error findings by severity: 提示 into ``notices``; a 警告 explained in its row kept
    as a warning with the explanation; an unexplained 警告 turned into an ``unexplained_warning`` error."""
    findings, verdict.warnings = verdict.warnings, []
    for issue in findings:
        if rule_severity(issue.code) == "notice":
            verdict.notices.append(issue)
        else:
            settle_warning(verdict, issue, explanations)


def _refused(verdict: Verdict, issue: Issue) -> bool:
    """Whether an error already refuses the cell a 警告 is about (a rate of 120 is also far from the other years)."""
    return any((e.sheet, e.row, e.column) == (issue.sheet, issue.row, issue.column) for e in verdict.errors)


def settle_warning(verdict: Verdict, issue: Issue, explanations: Explanations) -> None:
    """One 警告: accepted with the row's 上报说明 (or when planeval substitutes its own figure), else an error. On
    a cell an error already refuses, it is only noted (提示): the value must change anyway."""
    text, column = explanations.get((issue.sheet or "", issue.row or 0), ("", None))
    if _refused(verdict, issue):
        verdict.notices.append(issue)
    elif issue.code in SUBSTITUTED:
        verdict.warnings.append(issue)
    elif text:
        verdict.warnings.append(replace(issue, explanation=text))
    else:
        verdict.errors.append(replace(issue, code="unexplained_warning", message=unexplained_message(issue, column)))


def unexplained_message(issue: Issue, explanation_column: str | None) -> str:
    """What the unit must do about a 警告 it did not explain: which cell to explain, in which cell."""
    warned = issue.where()
    if explanation_column and issue.sheet and issue.row:
        where = f"在 {issue.sheet}!{explanation_column}{issue.row}(本行“{EXPLANATION_HEADER}”列)"
    else:
        where = f"在表格末尾增加“{EXPLANATION_HEADER}”列,并在第{issue.row}行" if issue.row else "在“上报说明”列"
    return (
        f"{issue.message}。此为警告:如数值无误,请{where}写明 {warned} 数值的原因后重新报送;如填写有误,请更正 {warned}"
    )
