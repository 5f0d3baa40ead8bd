"""Severity per rule (错误 / 警告 / 提示) and the 上报说明 that lets a 警告 through (validation/severity.py)."""

from __future__ import annotations

import pytest

from planeval.intake.cells import Cell, ParsedWorkbook, TableRow
from planeval.records import Issue, SubmissionStatus, Verdict
from planeval.settings import EXPECTATIONS_DIR
from planeval.validation.severity import (
    RULE_SEVERITY,
    SUBSTITUTED,
    row_explanations,
    rule_severity,
    settle_severities,
    suite_severity,
)
from planeval.validation.suites import SUITES, load_suite_file

OUTLIER = Issue(
    "outlier", "指标“新增专职消防人员”“2023年”为 900,明显偏离其他年份(70~90),请核实是否填写有误", "附件4", 7, "G"
)


def _row(explanation: str | None, *, with_column: bool = True) -> ParsedWorkbook:
    cells = {"name": Cell("B", "新增专职消防人员")}
    if with_column:
        cells["explanation"] = Cell("N", explanation)
    parsed = ParsedWorkbook()
    row = TableRow("附件4", 7, "emergency", "新增专职消防人员", "new_fulltime_firefighters", cells)
    parsed.indicator_rows.append(row)
    return parsed


def _settled(parsed: ParsedWorkbook, *issues: Issue) -> Verdict:
    verdict = Verdict("s1", warnings=list(issues))
    settle_severities(verdict, row_explanations(parsed))
    return verdict


def test_a_notice_is_noted_and_never_rejects():
    tidied = Issue("normalised_number", "“2023年”填写为“９６%”,已按数字 96 读取", "附件4", 3, "G")
    verdict = _settled(_row(None), tidied)
    assert (verdict.notices, verdict.warnings, verdict.errors) == ([tidied], [], [])
    assert verdict.status == SubmissionStatus.ACCEPTED


def test_a_warning_with_its_explanation_is_accepted_and_carries_it():
    verdict = _settled(_row("2023年新建两个专职消防站,集中招录"), OUTLIER)
    (kept,) = verdict.warnings
    assert (kept.code, kept.where(), kept.explanation) == ("outlier", "附件4!G7", "2023年新建两个专职消防站,集中招录")
    assert verdict.status == SubmissionStatus.ACCEPTED


def test_a_warning_without_explanation_rejects_naming_the_cell_to_explain():
    verdict = _settled(_row("  "), OUTLIER)  # blank counts as none
    (error,) = verdict.errors
    assert (error.code, error.where()) == ("unexplained_warning", "附件4!G7")
    assert error.message == (
        f"{OUTLIER.message}。此为警告:如数值无误,请在 附件4!N7(本行“上报说明”列)写明 附件4!G7 数值的原因后重新报送;"
        "如填写有误,请更正 附件4!G7"
    )
    assert verdict.status == SubmissionStatus.REJECTED


def test_a_table_without_the_explanation_column_is_told_to_add_it():
    (error,) = _settled(_row(None, with_column=False), OUTLIER).errors
    assert "请在表格末尾增加“上报说明”列,并在第7行写明 附件4!G7 数值的原因后重新报送" in error.message


def test_a_derived_period_cell_is_a_warning_accepted_without_explanation():
    period = Issue("inconsistent_period", "…应为 16.6,汇总采用计算值 16.6", "附件3", 5, "J")
    verdict = _settled(_row(None), period)
    assert (verdict.warnings, verdict.errors) == ([period], [])
    assert SUBSTITUTED <= {code for code, severity in RULE_SEVERITY.items() if severity == "warning"}


@pytest.mark.parametrize(
    ("code", "severity"),
    [
        ("normalised_number", "notice"),
        ("computed_from_figures", "notice"),
        ("changed_value", "notice"),
        ("outlier", "warning"),
        ("negative_decline", "warning"),
        ("inconsistent_period", "warning"),
        ("some_new_note", "notice"),  # undeclared: never rejects by surprise
    ],
)
def test_rule_severities(code, severity):
    assert rule_severity(code) == severity


def test_suite_severity_defaults_to_error_and_refuses_a_typo():
    assert [suite_severity(None), suite_severity("error"), suite_severity("warning"), suite_severity("notice")] == [
        "error",
        "error",
        "warning",
        "notice",
    ]
    with pytest.raises(ValueError, match="warnig"):
        suite_severity("warnig")


def test_every_rule_severity_is_declared_once():
    """A suite rule's severity lives in its expectation's meta, a Python rule's in RULE_SEVERITY: never both."""
    suite_codes = set()
    for name in SUITES:
        for expectation in load_suite_file(name, EXPECTATIONS_DIR)["expectations"]:
            meta = expectation["meta"]
            suite_severity(meta.get("severity"))  # valid
            suite_codes.add(meta["code"])
    assert not suite_codes & set(RULE_SEVERITY)


def test_a_warning_on_a_cell_an_error_refuses_is_only_noted():
    refused = Issue("above_range", "“2023年”填写的 120 超出允许的最大值 100(比率、降幅不超过100)", "附件4", 7, "G")
    verdict = Verdict("s1", errors=[refused], warnings=[OUTLIER])
    settle_severities(verdict, row_explanations(_row(None)))
    assert (verdict.errors, verdict.warnings, verdict.notices) == ([refused], [], [OUTLIER])
