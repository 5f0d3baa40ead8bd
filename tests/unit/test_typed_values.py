"""Values as departments type them (intake/cells.py): spellings read as numbers, and a cell that can mean two
things (0.95 or 95%) settled by the row's other cells — a warning naming the reading taken — or refused."""

from __future__ import annotations

import pytest

from planeval.catalog import Indicator
from planeval.intake.cells import ambiguity_issue, normalise_number, plausible_range, read_typed, settle_row
from planeval.intake.formats import is_percent_format, percent_cells

RATE = "major_risk_report_rate"  # 工业企业较大以上安全风险报告率(%), target 100
DECLINE = "accident_count_decline"  # 生产安全事故起数下降(%), target >15
SMALL_RATE = "disaster_loss_gdp_ratio"  # 自然灾害直接经济损失占GDP比重(%), target <0.5
FIRE = "fire_death_rate"  # 人/十万人


@pytest.mark.parametrize(
    ("raw", "unit", "value", "tidied"),
    [
        ("95", "%", 95.0, False),
        ("95%", "%", 95.0, True),
        ("９５％", "%", 95.0, True),
        (" 95 % ", "%", 95.0, True),
        ("1,234", "", 1234.0, True),
        ("1，234", "", 1234.0, True),
        ("１，２３４．５", "", 1234.5, True),
        ("－3.5", "%", -3.5, True),
        ("\u22123.5", "%", -3.5, True),
        ("0.15人/十万人", "人/十万人", 0.15, True),
        ("0.15 人/十万人", "人/十万人", 0.15, True),
        ("12\u00a0", "", 12.0, True),
        (96.5, "%", 96.5, False),
        (7, "", 7.0, False),
    ],
)
def test_spellings_departments_type_are_read(raw, unit, value, tidied):
    assert normalise_number(raw, unit)[0] == value
    assert normalise_number(raw, unit)[2] is tidied


@pytest.mark.parametrize("raw", ["", None, True, "约95", "0.15人", "nan", "inf", float("nan")])
def test_what_is_no_number_has_no_value(raw):
    assert normalise_number(raw, "人/十万人")[0] is None


def test_a_typed_percent_sign_and_a_percent_format_are_told_apart():
    assert read_typed("95%").percent == "sign"
    assert read_typed(0.95, percent_format=True).percent == "format"
    assert read_typed(0.95, percent_format=True).shown == "95%"
    assert read_typed("0.95", percent_format=True).percent == ""  # a format changes numbers only


def _row(**cells: object) -> dict[str, tuple[object, bool]]:
    """Column key → (cell, percent-formatted); a value given as ("pct", x) is a percent-formatted number."""
    return {key: (value[1], True) if isinstance(value, tuple) else (value, False) for key, value in cells.items()}


def test_percent_formatted_cells_of_a_percent_indicator_are_their_shown_percentage(catalog):
    numbers, ambiguities = settle_row(
        catalog.indicator(RATE), _row(y2021=("pct", 0.8), y2022=("pct", 0.95), y2024=("pct", 1.0), forecast=100)
    )
    assert [numbers[k].value for k in ("y2021", "y2022", "y2024", "forecast")] == [80.0, 95.0, 100.0, 100.0]
    assert not any(n.tidied for n in numbers.values()) and ambiguities == []


def test_a_fraction_among_percentages_is_converted_with_a_warning(catalog):
    indicator = catalog.indicator(RATE)
    numbers, (ambiguity,) = settle_row(indicator, _row(y2021=80, y2022=88, y2023=96, y2024=0.95, forecast=100))
    assert numbers["y2024"].value == 95.0 and ambiguity.severity == "warning"
    issue = ambiguity_issue(ambiguity, indicator, "2024年", "附件3", 5, "H")
    assert (issue.code, issue.sheet, issue.row, issue.column) == ("assumed_reading", "附件3", 5, "H")
    assert issue.message == (
        "附件3!H5:指标“工业企业较大以上安全风险报告率(%)”的“2024年”填写为“0.95”,同行其他数值为 80~100,"
        "已按百分数读取为 95%(即 0.95 × 100);如确为 0.95%,请填写“0.95%”"
    )


def test_a_plain_one_is_not_one_percent(catalog):
    numbers, (ambiguity,) = settle_row(catalog.indicator(RATE), _row(y2023=98, y2024=1, forecast=100))
    assert numbers["y2024"].value == 100.0 and ambiguity.severity == "warning"


def test_a_row_of_fractions_cannot_be_settled_and_is_refused(catalog):
    indicator = catalog.indicator(RATE)
    numbers, ambiguities = settle_row(indicator, _row(y2023=0.9, y2024=0.95))
    assert [a.severity for a in ambiguities] == ["error", "error"]
    assert numbers["y2024"].value is None and numbers["y2024"].text == "0.95"
    issue = ambiguity_issue(ambiguities[1], indicator, "2024年", "附件3", 5, "H")
    assert issue.code == "ambiguous_number"
    assert issue.message == (
        "附件3!H5:指标“工业企业较大以上安全风险报告率(%)”的“2024年”填写为“0.95”,同行没有可参照的其他数值,"
        "无法判断是 0.95% 还是 95%;请按百分数填写(如 95 或 95%;确为 0.95% 时填写“0.95%”)"
    )


def test_a_fraction_neither_reading_of_which_fits_is_refused(catalog):
    _, (ambiguity,) = settle_row(catalog.indicator(DECLINE), _row(y2022=12, y2023=14, y2024=0.8))
    assert ambiguity.severity == "error" and ambiguity.chosen is None  # 0.8 and 80 both far from 12–14


def test_a_small_decline_typed_as_such_is_read_as_typed(catalog):
    numbers, ambiguities = settle_row(catalog.indicator(DECLINE), _row(y2021=0.5, y2022=2, y2023=4, y2024=6))
    assert numbers["y2021"].value == 0.5 and ambiguities == []


def test_a_target_below_one_percent_expects_small_figures(catalog):
    numbers, ambiguities = settle_row(catalog.indicator(SMALL_RATE), _row(y2023=0.3, y2024=0.25))
    assert (numbers["y2023"].value, numbers["y2024"].value, ambiguities) == (0.3, 0.25, [])


def test_a_percent_format_on_a_rate_per_100k_is_settled_by_the_row(catalog):
    indicator = catalog.indicator(FIRE)
    numbers, (ambiguity,) = settle_row(indicator, _row(y2022=0.12, y2023=0.18, y2024=("pct", 0.15)))
    assert numbers["y2024"].value == 0.15 and ambiguity.severity == "warning"
    issue = ambiguity_issue(ambiguity, indicator, "2024年", "附件4", 7, "H")
    assert issue.message == (
        "附件4!H7:指标“年均每十万人火灾死亡率”的“2024年”单元格格式为百分比,显示为“15%”(存储值 0.15),"
        "同行其他数值为 0.12~0.18,已按 0.15人/十万人 读取;请将单元格改为常规或数值格式,填写以“人/十万人”计的数值"
    )


def test_a_percent_format_on_a_rate_per_100k_alone_is_refused(catalog):
    numbers, (ambiguity,) = settle_row(catalog.indicator(FIRE), _row(y2024=("pct", 0.15)))
    assert ambiguity.severity == "error" and numbers["y2024"].value is None


def test_a_percent_sign_on_a_rate_per_100k_is_settled_by_the_row(catalog):
    indicator = catalog.indicator(FIRE)
    numbers, (ambiguity,) = settle_row(indicator, _row(y2022=12, y2023=18, y2024="15%"))
    assert numbers["y2024"].value == 15.0 and ambiguity.severity == "warning"
    assert ambiguity_issue(ambiguity, indicator, "2024年", "附件4", 7, "H").message.endswith(
        "已按 15人/十万人 读取;请填写以“人/十万人”计、不带“%”的数值"
    )


def test_a_percentage_typed_before_the_percent_format_shows_hundredfold_and_is_settled(catalog):
    indicator = catalog.indicator(RATE)
    numbers, (ambiguity,) = settle_row(indicator, _row(y2022=88, y2023=96, y2024=("pct", 95)))
    assert numbers["y2024"].value == 95.0 and ambiguity.severity == "warning"  # shows 9500%: 95 stands
    issue = ambiguity_issue(ambiguity, indicator, "2024年", "附件3", 5, "H")
    assert issue.message == (
        "附件3!H5:指标“工业企业较大以上安全风险报告率(%)”的“2024年”单元格格式为百分比,显示为“9500%”(存储值 95),"
        "同行其他数值为 88~96,已按 95% 读取;请将单元格改为常规或数值格式,填写以“%”计的数值"
    )


def test_a_qualitative_cell_is_its_rank_on_the_scale():
    indicator = Indicator(
        code="system_built",
        name="应急指挥体系建设",
        kind="qualitative",
        target="基本建成",
        scale=("推进中", "基本建成", "全面建成"),
        attribute="预期性",
        unit="",
        direction="increase",
        aggregation="cumulative",
        responsible=("emergency",),
    )
    numbers, ambiguities = settle_row(indicator, _row(y2024=indicator.scale[1], forecast="不在量表"))
    assert numbers["y2024"].value == 1.0 and numbers["forecast"].value is None and ambiguities == []


def test_plausible_range_widens_the_others_range():
    assert plausible_range([80, 100]) == (35, 145)  # by half their mean size, which is more than their range
    assert plausible_range([0, 5, 10]) == (-10, 20)  # by their range
    low, high = plausible_range([70, 72, 74])
    assert low < 65 and 7.2 < low and high < 900  # a steady trend passes; a slipped decimal or a zero more not
    assert plausible_range([96]) == (48, 144)
    assert plausible_range([]) is None


@pytest.mark.parametrize(
    ("code", "percent"),
    [("0%", True), ("0.00%", True), ("#,##0.0%;[Red]-0.0%", True), ('0"%"', False), ("0\\%", False), ("0.00", False)],
)
def test_percent_formats_are_those_that_multiply(code, percent):
    assert is_percent_format(code) is percent


def test_only_the_asked_cells_with_a_percent_style_are_reported(tmp_path):
    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "附件3"
    sheet["C3"], sheet["D3"], sheet["E3"], sheet["F3"] = 0.95, 0.96, 97, 0.5
    sheet["C3"].number_format, sheet["D3"].number_format, sheet["F3"].number_format = "0%", "0.0%", '0"%"'
    sheet["C40"] = 1.0
    sheet["C40"].number_format = "0%"
    path = tmp_path / "form.xlsx"
    workbook.save(path)
    asked = {(2, 2), (2, 3), (2, 4), (2, 5)}
    assert percent_cells(path, "附件3", asked) == {(2, 2), (2, 3)}
    assert percent_cells(path, "附件3", {(39, 2)}) == {(39, 2)}
    assert percent_cells(path, "附件3", set()) == set()
    assert percent_cells(path, "no such sheet", asked) == set()


def test_a_workbook_without_percent_styles_answers_without_reading_its_sheets(tmp_path, monkeypatch):
    from openpyxl import Workbook

    from planeval.intake import formats

    workbook = Workbook()
    workbook.active["C3"] = 0.95
    path = tmp_path / "plain.xlsx"
    workbook.save(path)
    monkeypatch.setattr(formats, "worksheet_parts", lambda _: pytest.fail("the sheet was read"))
    assert percent_cells(path, "Sheet", {(2, 2)}) == set()
