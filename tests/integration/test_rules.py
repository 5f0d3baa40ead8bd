"""Real layouts and the semantic rules of issue 4, on real files through the whole collection pass.

The official 附件3 as a clerk fills it (title row, two-row header with merged cells, unlabelled target
column, no 分析说明 column), 年均/累计 consistency with the expected figure, the analysis a 滞后预期 needs
(a column or a Word document sent with it), the 2025 forecast, outliers and changed figures as warnings.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from docx import Document
from helpers import filled_form, header_column, receipt_json, row_of
from openpyxl import Workbook, load_workbook
from openpyxl.utils import get_column_letter

from planeval.stages import collect, year_end

SAFETY_ROWS = {  # 附件3 as printed in seed 004: 序号, 指标, target, 属性, 责任单位
    1: ("生产安全事故起数下降(%)", ">15", "约束性", "市应急管理局"),
    2: ("生产安全事故死亡人数下降(%)", ">15", "约束性", "市应急管理局"),
    3: ("单位国内生产总值生产安全事故死亡率下降(%)", ">33", "约束性", "市应急管理局"),
}


def official_annex3(path: Path, rows: dict[int, list], *, to_date_header: str = "前四年年均/累计") -> Path:
    """附件3 the way the notice prints it: a title row, a two-row header (年度完成情况 merged over the
    years, 序号 … merged down), an unlabelled target column, no 分析说明 column, 填表说明 and blank rows."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Sheet1"
    sheet.append(["附件3"])
    sheet.append(["海安市“十四五”安全生产规划主要指标完成情况统计表"])
    years = ["年度完成情况", None, None, None]  # merged over 2021年…2024年 below
    sheet.append(
        ["序号", "规划指标\n内容", None, "规划\n属性", *years, "2025年\n预测值", to_date_header, "五年年均/累计"]
    )
    sheet.cell(row=3, column=12).value, sheet.cell(row=3, column=13).value = "综合进度评价", "责任单位"
    sheet.append([None, None, None, None, "2021年", "2022年", "2023年", "2024年"])
    for merged in ("A3:A4", "B3:B4", "C3:C4", "D3:D4", "E3:H3", "I3:I4", "J3:J4", "K3:K4", "L3:L4", "M3:M4"):
        sheet.merge_cells(merged)
    for seq in sorted(SAFETY_ROWS):
        name, target, attribute, responsible = SAFETY_ROWS[seq]
        values = rows.get(seq, [None] * 8)
        sheet.append([seq, name, target, attribute, *values, responsible])
    sheet.append([])
    sheet.append(["填表说明:综合进度评价分为提前实现、符合预期、滞后预期,未达序时进度的指标请另附详细的分析说明。"])
    workbook.save(path)
    return path


GOOD = {
    1: [5.2, 9.8, 13.1, 16.6, 18.0, 16.6, 18.0, "提前实现"],
    2: [3.0, 6.5, 9.0, 12.5, 15.5, 12.5, 15.5, "符合预期"],
    3: [8, 15, 21, 26, 33, 26, 33, "符合预期"],
}


def test_official_layout_with_two_row_merged_header_is_read_by_names(inboxes, home, tmp_path):
    source = official_annex3(tmp_path / "附件3(应急局).xlsx", GOOD, to_date_header="前4年\n年均/累计")
    shutil.copyfile(source, inboxes / "emergency" / "inbox" / source.name)
    (result,) = collect.run_collect()
    receipt = receipt_json(inboxes, "emergency", source.name)
    assert result["status"] == "accepted", receipt["errors"]
    year_end.refresh_results()
    from sqlalchemy import create_engine, text

    engine = create_engine(f"sqlite:///{home / 'warehouse.db'}")
    with engine.connect() as connection:
        cells = dict(
            connection.execute(
                text("SELECT year, cell FROM submission_value WHERE indicator_code = 'accident_count_decline'")
            ).all()
        )
    engine.dispose()
    assert cells == {2021: "Sheet1!E5", 2022: "Sheet1!F5", 2023: "Sheet1!G5", 2024: "Sheet1!H5", 2025: "Sheet1!I5"}


def test_a_period_cell_disagreeing_with_the_years_is_a_warning_and_the_computed_figure_is_used(inboxes, home, tmp_path):
    rows = {1: [5.2, 9.8, 13.1, 16.6, 18.0, 44.7, 18.0, "提前实现"]}  # 44.7: the sum, not the decline reached
    source = official_annex3(tmp_path / "附件3.xlsx", rows)
    shutil.copyfile(source, inboxes / "emergency" / "inbox" / source.name)
    (result,) = collect.run_collect()
    receipt = receipt_json(inboxes, "emergency", source.name)
    assert result["status"] == "accepted", receipt["errors"]  # no 上报说明 needed: the column is derived
    (warning,) = receipt["warnings"]
    assert (warning["code"], warning["row"], warning["column"]) == ("inconsistent_period", 5, "J")
    assert warning["message"] == (
        "指标“生产安全事故起数下降(%)”的“前四年年均/累计”填写为 44.7,"
        "按2021—2024年各年数值(最后一年较基期的降幅)应为 16.6,汇总采用计算值 16.6"
    )
    text = (inboxes / "emergency" / "receipts" / f"{source.name}.txt").read_text(encoding="utf-8")
    assert "警告 1 条(已按本单位上报说明或计算值受理):" in text and "汇总采用计算值 16.6" in text
    year_end.refresh_results()
    from sqlalchemy import create_engine
    from sqlalchemy import text as sql_text

    engine = create_engine(f"sqlite:///{home / 'warehouse.db'}")
    with engine.connect() as connection:
        current = connection.execute(
            sql_text(
                "SELECT to_date_value FROM indicator_result "
                "WHERE plan_code = 'safety' AND indicator_code = 'accident_count_decline'"
            )
        ).scalar_one()
    engine.dispose()
    assert current == pytest.approx(16.6)  # the decline reached, not the 44.7 typed


def test_fire_fighters_sum_is_checked_as_cumulative(inboxes, catalog, campaign, tmp_path):
    def edit(workbook):
        sheet = workbook["附件4"]
        row = row_of(sheet, "新增专职消防人员")
        sheet.cell(row=row, column=header_column(sheet, "前四年年均/累计")).value = 81.25  # the mean
        sheet.cell(row=row, column=header_column(sheet, "五年年均/累计")).value = 415

    source = filled_form(catalog, campaign, "fire_rescue", tmp_path, edit=edit)
    shutil.copyfile(source, inboxes / "fire_rescue" / "inbox" / source.name)
    (result,) = collect.run_collect()
    warnings = receipt_json(inboxes, "fire_rescue", source.name)["warnings"]
    assert result["status"] == "accepted"
    assert [(w["code"], w["column"]) for w in warnings] == [("inconsistent_period", "J")]
    assert "按2021—2024年各年数值(各年合计)应为 325,汇总采用计算值 325" in warnings[0]["message"]


def test_lagging_rating_needs_an_analysis_column_or_a_document(inboxes, tmp_path):
    lagging = {3: [8, 15, 21, 26, 30, 26, 30, "滞后预期"]}  # the official table has no 分析说明 column
    source = official_annex3(tmp_path / "附件3.xlsx", lagging)
    shutil.copyfile(source, inboxes / "emergency" / "inbox" / source.name)
    collect.run_collect()
    (error,) = receipt_json(inboxes, "emergency", source.name)["errors"]
    assert (error["code"], error["row"], error["column"]) == ("missing_analysis", 7, "L")

    analysis = tmp_path / "滞后指标分析说明.docx"
    document = Document()
    document.add_paragraph("单位国内生产总值生产安全事故死亡率下降幅度低于序时进度,原因是2023年发生两起较大事故。")
    document.save(str(analysis))
    # the same table again (byte for byte) with the analysis: a rejected file's twin is validated again
    for path in (source, analysis):
        shutil.copyfile(path, inboxes / "emergency" / "inbox" / path.name)
    results = {r["file"]: (r["status"], r["version"]) for r in collect.run_collect()}
    assert results == {source.name: ("accepted", 2), analysis.name: ("accepted", 1)}


def test_forecast_is_required_on_a_filled_row(inboxes, tmp_path):
    rows = {1: [5.2, 9.8, 13.1, 16.6, None, 16.6, None, "提前实现"]}
    source = official_annex3(tmp_path / "附件3.xlsx", rows)
    shutil.copyfile(source, inboxes / "emergency" / "inbox" / source.name)
    collect.run_collect()
    (error,) = receipt_json(inboxes, "emergency", source.name)["errors"]
    assert (error["code"], error["row"], error["column"]) == ("missing_forecast", 5, "I")
    assert error["message"] == "指标“生产安全事故起数下降(%)”缺少2025年预测值"


FIREFIGHTERS = "新增专职消防人员"
EXPLANATION = "2023年新建两个政府专职消防站,集中招录专职消防员,数据经人社部门核实。"


def _firefighters_2023(value: float, explanation: str | None = None):
    """Type ``value`` in 新增专职消防人员 “2023年” of 附件4, and ``explanation`` in its row's 上报说明."""

    def edit(workbook):
        sheet = workbook["附件4"]
        row = row_of(sheet, FIREFIGHTERS)
        sheet.cell(row=row, column=header_column(sheet, "2023年")).value = value
        if explanation is not None:
            sheet.cell(row=row, column=header_column(sheet, "上报说明")).value = explanation

    return edit


def test_an_unexplained_outlier_rejects_the_file_naming_the_cell_to_explain(inboxes, catalog, campaign, tmp_path):
    source = filled_form(catalog, campaign, "fire_rescue", tmp_path, edit=_firefighters_2023(900))
    shutil.copyfile(source, inboxes / "fire_rescue" / "inbox" / source.name)
    (result,) = collect.run_collect()
    assert result["status"] == "rejected"
    sheet = load_workbook(source)["附件4"]
    row, explanation_column = row_of(sheet, FIREFIGHTERS), get_column_letter(header_column(sheet, "上报说明"))
    (error,) = receipt_json(inboxes, "fire_rescue", source.name)["errors"]
    assert (error["code"], error["sheet"], error["row"], error["column"]) == ("unexplained_warning", "附件4", row, "G")
    assert error["message"] == (
        f"指标“新增专职消防人员”“2023年”为 900,明显偏离其他年份(70~85),请核实是否填写有误。"
        f"此为警告:如数值无误,请在 附件4!{explanation_column}{row}(本行“上报说明”列)写明 附件4!G{row} 数值的原因后"
        f"重新报送;如填写有误,请更正 附件4!G{row}"
    )


def test_an_explained_outlier_is_accepted_with_its_explanation_stored_and_listed(
    inboxes, home, catalog, campaign, tmp_path
):
    first = filled_form(catalog, campaign, "fire_rescue", tmp_path, name="v1.xlsx")
    shutil.copyfile(first, inboxes / "fire_rescue" / "inbox" / "消防.xlsx")
    collect.run_collect()
    second = filled_form(
        catalog, campaign, "fire_rescue", tmp_path, name="v2.xlsx", edit=_firefighters_2023(900, EXPLANATION)
    )
    shutil.copyfile(second, inboxes / "fire_rescue" / "inbox" / "消防(更正).xlsx")
    (result,) = collect.run_collect()
    assert result["status"] == "accepted"
    receipt = receipt_json(inboxes, "fire_rescue", "消防(更正).xlsx")
    (outlier,) = [w for w in receipt["warnings"] if FIREFIGHTERS in w["message"]]
    assert (outlier["code"], outlier["column"], outlier["explanation"]) == ("outlier", "G", EXPLANATION)
    changed = next(n for n in receipt["notices"] if n["code"] == "changed_value")  # a correction: 提示 only
    assert "为 900,与已受理的第1版(90)不同" in changed["message"]
    text = (inboxes / "fire_rescue" / "receipts" / "消防(更正).xlsx.txt").read_text(encoding="utf-8")
    assert f"(上报说明:{EXPLANATION})" in text

    from sqlalchemy import create_engine
    from sqlalchemy import text as sql_text

    from planeval.reporting.workbooks import EXPLAINED_SHEET, write_summary_xlsx
    from planeval.warehouse.queries import explained_anomalies

    engine = create_engine(f"sqlite:///{home / 'warehouse.db'}")
    with engine.connect() as connection:
        stored = connection.execute(
            sql_text(
                "SELECT v.year, v.value, v.explanation FROM submission_value AS v "
                "JOIN submission AS s ON s.submission_id = v.submission_id "
                "WHERE s.version = 2 AND v.indicator_code = 'new_fulltime_firefighters' ORDER BY v.year"
            )
        ).all()
    assert [tuple(r) for r in stored if r.explanation] == [(2023, 900.0, EXPLANATION)]
    assert all(r.explanation is None for r in stored if r.year != 2023)  # only the warned value carries it
    (listed,) = explained_anomalies(engine, campaign.code)
    assert (listed["unit_code"], listed["year"], listed["value"], listed["explanation"]) == (
        "fire_rescue",
        2023,
        900.0,
        EXPLANATION,
    )
    assert listed["rule_code"] == "outlier" and listed["warning"] == outlier["message"]
    day = campaign.data_cutoff
    path = write_summary_xlsx(tmp_path / "统计.xlsx", catalog, campaign, day, [], None, [], explained=[listed])
    engine.dispose()
    rows = list(load_workbook(path)[EXPLAINED_SHEET].iter_rows(values_only=True))
    assert rows[0] == ("规划", "指标", "报送单位", "年份", "数值", "单元格", "警告", "上报说明")
    assert rows[1][1:5] == ("新增专职消防人员", catalog.unit("fire_rescue").name, "2023年", "900人")
    assert rows[1][5].startswith("第2版 附件4!G") and rows[1][7] == EXPLANATION


def _annex_cells(*edits: tuple[str, str, object]):
    """Set ``header`` of the 生产安全事故起数下降 row in each named sheet (附件3 / 附件4)."""

    def edit(workbook):
        for sheet_name, header, value in edits:
            sheet = workbook[sheet_name]
            sheet.cell(row=row_of(sheet, "生产安全事故起数下降(%)"), column=header_column(sheet, header)).value = value

    return edit


def test_annex3_and_annex4_rating_one_indicator_differently_is_a_warning_naming_both_cells(
    inboxes, catalog, campaign, tmp_path
):
    edit = _annex_cells(("附件3", "综合进度评价", "提前实现"), ("附件4", "综合进度评价", "符合预期"))
    source = filled_form(catalog, campaign, "emergency", tmp_path, edit=edit)
    shutil.copyfile(source, inboxes / "emergency" / "inbox" / source.name)
    (result,) = collect.run_collect()
    assert result["status"] == "accepted"
    (warning,) = [  # a 提示: the unit is asked to check
        w for w in receipt_json(inboxes, "emergency", source.name)["notices"] if w["code"] == "contradictory_rating"
    ]
    assert (warning["sheet"], warning["row"], warning["column"]) == ("附件4", 3, "L")
    assert warning["message"] == (
        "指标“生产安全事故起数下降(%)”的综合进度评价在 附件3!L3 为“提前实现”,在 附件4!L3 为“符合预期”,"
        "两表对同一指标的评价不一致,请核实并统一"
    )


def test_annex3_and_annex4_with_different_figures_name_both_cells_of_each_year(inboxes, catalog, campaign, tmp_path):
    edit = _annex_cells(("附件4", "2024年", 14), ("附件4", "2023年", 12))
    source = filled_form(catalog, campaign, "emergency", tmp_path, edit=edit)
    shutil.copyfile(source, inboxes / "emergency" / "inbox" / source.name)
    (result,) = collect.run_collect()
    assert result["status"] == "rejected"
    errors = receipt_json(inboxes, "emergency", source.name)["errors"]
    (error,) = [e for e in errors if e["code"] == "inconsistent_indicator"]
    assert (error["sheet"], error["row"], error["column"]) == ("附件4", 3, "B")
    assert "“2023年”附件3!G3 为 13.1,附件4!G3 为 12;“2024年”附件3!H3 为 16.6,附件4!H3 为 14" in error["message"]
