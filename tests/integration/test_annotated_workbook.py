"""The unit's workbook back, annotated: real files through a collection pass, the copy read back with openpyxl."""

from __future__ import annotations

import csv
import json
import shutil
from pathlib import Path

import pytest
from helpers import filled_form, header_column
from openpyxl import load_workbook

from planeval.intake import annotate
from planeval.intake.annotate import COMMENT_AUTHOR, FILL, FINDINGS_HEADERS, FINDINGS_SHEET
from planeval.stages import collect, setup
from planeval.ui.demo import fill_form, load_demo_spec


@pytest.fixture
def inboxes(home):
    setup.init_units()
    return home / "drop"


def drop(inboxes: Path, unit: str, source: Path, name: str) -> None:
    shutil.copyfile(source, inboxes / unit / "inbox" / name)


def receipts(inboxes: Path, unit: str) -> Path:
    return inboxes / unit / "receipts"


def receipt(inboxes: Path, unit: str, name: str) -> dict:
    return json.loads((receipts(inboxes, unit) / f"{name}.json").read_text(encoding="utf-8"))


def findings(path: Path) -> list[tuple]:
    sheet = load_workbook(path)[FINDINGS_SHEET]
    return [tuple(row) for row in sheet.iter_rows(min_row=2, values_only=True)]


def spoiled(catalog, campaign, unit_code: str, folder: Path) -> Path:
    """The unit's form as the demo's rejected first upload types it (text in a number cell, an unknown rating)."""
    unit = catalog.unit(unit_code)
    blank = filled_form(catalog, campaign, unit_code, folder, name="blank.xlsx")
    return fill_form(catalog, campaign, unit, blank, folder / "spoiled.xlsx", load_demo_spec(catalog), spoil=True)


def test_rejected_workbook_comes_back_annotated_beside_its_receipt(inboxes, home, catalog, campaign, tmp_path):
    source = spoiled(catalog, campaign, "housing", tmp_path)
    drop(inboxes, "housing", source, "住建局报表.xlsx")
    [outcome] = collect.run_collect()
    assert outcome["status"] == "rejected"

    data = receipt(inboxes, "housing", "住建局报表.xlsx")
    assert data["annotated"] == "住建局报表.xlsx-批注.xlsx" and data["annotation_failure"] is None
    annotated = receipts(inboxes, "housing") / data["annotated"]
    text = (receipts(inboxes, "housing") / "住建局报表.xlsx.txt").read_text(encoding="utf-8")
    assert "批注文件:住建局报表.xlsx-批注.xlsx" in text

    original = load_workbook(next((home / "archive" / "housing").iterdir()))
    copy = load_workbook(annotated)
    assert copy.sheetnames == [FINDINGS_SHEET, *original.sheetnames]
    assert copy.active is not None and copy.active.title == FINDINGS_SHEET
    for name in original.sheetnames:  # the unit's values, formulas and layout untouched
        assert [[c.value for c in row] for row in copy[name].iter_rows()] == [
            [c.value for c in row] for row in original[name].iter_rows()
        ]
        assert copy[name].merged_cells.ranges == original[name].merged_cells.ranges

    sheet = original["附件3"]
    row = next(
        r
        for r in range(3, sheet.max_row + 1)
        if sheet.cell(row=r, column=header_column(sheet, "2024年")).value == "约两成"
    )
    year_cell = sheet.cell(row=row, column=header_column(sheet, "2024年")).coordinate
    rating_cell = sheet.cell(row=row, column=header_column(sheet, "综合进度评价")).coordinate
    marked = copy["附件3"][year_cell]
    assert marked.value == "约两成"
    assert marked.fill.fgColor.rgb == FILL["error"]
    assert marked.comment.author == COMMENT_AUTHOR
    assert marked.comment.text == "【错误】“2024年”应填写数字,实际填写为“约两成”"
    assert copy["附件3"][rating_cell].fill.fgColor.rgb == FILL["error"]
    assert (
        copy["附件3"].cell(row=row, column=1).fill.fgColor.rgb
        == original["附件3"].cell(row=row, column=1).fill.fgColor.rgb
    )

    listed = findings(annotated)
    expected = ["错误"] * len(data["errors"]) + ["警告"] * len(data["warnings"]) + ["提示"] * len(data["notices"])
    assert [level for level, *_ in listed] == expected
    assert [message for *_, message in listed] == [issue["message"] for issue in data["errors"] + data["warnings"]]
    assert ("错误", "附件3", year_cell, "“2024年”应填写数字,实际填写为“约两成”") in listed
    summary = copy[FINDINGS_SHEET]
    assert [c.value for c in summary[1]] == list(FINDINGS_HEADERS)
    link_row = next(r for r in range(2, summary.max_row + 1) if summary.cell(row=r, column=3).value == year_cell)
    assert summary.cell(row=link_row, column=3).hyperlink.location == f"'附件3'!{year_cell}"

    [history_json] = (receipts(inboxes, "housing") / "history").glob("*.json")
    history = json.loads(history_json.read_text(encoding="utf-8"))
    assert (history_json.parent / history["annotated"]).is_file()
    assert history["annotated"] == history_json.name.removesuffix(".json") + "-批注.xlsx"


def test_corrected_annotated_copy_is_accepted_and_its_old_marks_are_not_carried(
    inboxes, home, catalog, campaign, tmp_path
):
    """The unit edits the annotated copy itself and sends it back: the 审核结果 sheet does not stand in the way,
    and a later annotation lists only the new findings."""
    drop(inboxes, "housing", spoiled(catalog, campaign, "housing", tmp_path), "住建局报表.xlsx")
    collect.run_collect()
    annotated = receipts(inboxes, "housing") / "住建局报表.xlsx-批注.xlsx"
    fixed = load_workbook(annotated)
    spec = load_demo_spec(catalog)
    for name in ("附件3", "附件4"):
        sheet = fixed[name]
        year, rating = header_column(sheet, "2024年"), header_column(sheet, "综合进度评价")
        for row in range(3, sheet.max_row + 1):
            if sheet.cell(row=row, column=rating).value == "基本完成":
                indicator = next(i for i in catalog.indicators if i.name == sheet.cell(row=row, column=2).value)
                entry = spec["indicators"][indicator.code]
                sheet.cell(row=row, column=year).value = entry["values"][3]
                sheet.cell(row=row, column=rating).value = entry["self_rating"]
    fixed["附件3"].cell(row=3, column=header_column(fixed["附件3"], "2023年")).value = "１３.１"  # full-width
    fixed.save(tmp_path / "改正.xlsx")
    drop(inboxes, "housing", tmp_path / "改正.xlsx", "住建局报表.xlsx")
    [outcome] = collect.run_collect()
    assert (outcome["status"], outcome["errors"], outcome["warnings"]) == ("accepted", 0, 1)
    again = load_workbook(annotated)
    assert again.sheetnames.count(FINDINGS_SHEET) == 1
    assert findings(annotated) == [("提示", "附件3", "G3", "“2023年”填写为“１３.１”,已按数字 13.1 读取")]
    comments = [c for row in again["附件3"].iter_rows() for c in row if c.comment is not None]
    assert [c.coordinate for c in comments] == ["G3"]


def test_noted_but_accepted_workbook_is_annotated_yellow(inboxes, catalog, campaign, tmp_path):
    def full_width(workbook):
        sheet = workbook["附件3"]
        sheet.cell(row=3, column=header_column(sheet, "2024年")).value = "１６.６"

    drop(inboxes, "housing", filled_form(catalog, campaign, "housing", tmp_path, edit=full_width), "住建局.xlsx")
    [outcome] = collect.run_collect()
    assert outcome["status"] == "accepted" and outcome["warnings"] == 1
    data = receipt(inboxes, "housing", "住建局.xlsx")
    copy = load_workbook(receipts(inboxes, "housing") / data["annotated"])
    assert copy["附件3"]["H3"].value == "１６.６"
    assert copy["附件3"]["H3"].fill.fgColor.rgb == FILL["notice"]  # a tidied number: 提示
    assert copy["附件3"]["H3"].comment.text.startswith("【提示】")
    assert findings(receipts(inboxes, "housing") / data["annotated"]) == [
        ("提示", "附件3", "H3", "“2024年”填写为“１６.６”,已按数字 16.6 读取")
    ]


def test_clean_accepted_and_duplicate_uploads_get_no_annotated_copy(inboxes, catalog, campaign, tmp_path):
    drop(inboxes, "housing", spoiled(catalog, campaign, "housing", tmp_path), "住建局.xlsx")
    collect.run_collect()
    source = filled_form(catalog, campaign, "housing", tmp_path)
    drop(inboxes, "housing", source, "住建局.xlsx")
    collect.run_collect()
    drop(inboxes, "housing", source, "住建局-再次.xlsx")
    collect.run_collect()
    assert receipt(inboxes, "housing", "住建局.xlsx")["annotated"] is None
    assert receipt(inboxes, "housing", "住建局-再次.xlsx")["status"] == "duplicate"
    assert "批注文件" not in (receipts(inboxes, "housing") / "住建局.xlsx.txt").read_text(encoding="utf-8")
    # the rejected first version keeps its copy in history; the latest name no longer offers it
    [kept] = receipts(inboxes, "housing").rglob("*-批注.xlsx")
    assert kept.parent.name == "history"
    its_receipt = kept.with_name(kept.name.removesuffix("-批注.xlsx") + ".json")
    assert json.loads(its_receipt.read_text(encoding="utf-8"))["status"] == "rejected"


def test_csv_submission_gets_an_xlsx_copy_of_its_rows_with_formula_text_kept_as_text(
    inboxes, catalog, campaign, tmp_path
):
    form = load_workbook(filled_form(catalog, campaign, "housing", tmp_path))["附件3"]
    rows = [["" if v is None else v for v in row] for row in form.iter_rows(values_only=True)]
    year, analysis = header_column(form, "2024年") - 1, header_column(form, "分析说明") - 1
    rows[2][year] = "约两成"
    rows[3][analysis] = '=HYPERLINK("http://example.com","点击")'
    path = tmp_path / "附件3.csv"
    with path.open("w", encoding="utf-8-sig", newline="") as handle:
        csv.writer(handle).writerows(rows)
    drop(inboxes, "housing", path, "附件3.csv")
    [outcome] = collect.run_collect()
    assert outcome["status"] == "rejected"
    data = receipt(inboxes, "housing", "附件3.csv")
    assert data["annotated"] == "附件3.csv-批注.xlsx"
    copy = load_workbook(receipts(inboxes, "housing") / data["annotated"])
    assert copy.sheetnames == [FINDINGS_SHEET, "附件3"]
    sheet = copy["附件3"]
    letter = sheet.cell(row=3, column=year + 1).column_letter
    assert sheet.cell(row=3, column=year + 1).value == "约两成"
    assert sheet.cell(row=3, column=year + 1).fill.fgColor.rgb == FILL["error"]
    assert sheet.cell(row=4, column=analysis + 1).value == "'" + rows[3][analysis]  # text, not a live formula
    assert sheet.cell(row=4, column=analysis + 1).data_type == "s"
    assert sheet.cell(row=2, column=2).value == rows[1][1]
    summary = copy[FINDINGS_SHEET]
    [link] = [c for c in summary["C"] if c.value == f"{letter}3"]
    assert link.hyperlink.location == f"'附件3'!{letter}3"


def test_workbook_openpyxl_cannot_open_is_receipted_without_a_copy(inboxes, catalog, campaign, tmp_path, monkeypatch):
    def cannot_open(*_args, **_kwargs):
        raise KeyError("There is no item named 'xl/workbook.xml' in the archive")

    monkeypatch.setattr(annotate, "load_workbook", cannot_open)
    drop(inboxes, "housing", spoiled(catalog, campaign, "housing", tmp_path), "住建局.xlsx")
    [outcome] = collect.run_collect()
    assert outcome["status"] == "rejected"
    data = receipt(inboxes, "housing", "住建局.xlsx")
    assert data["annotated"] is None and "未能生成标注副本" in data["annotation_failure"]
    text = (receipts(inboxes, "housing") / "住建局.xlsx.txt").read_text(encoding="utf-8")
    assert "未能生成批注文件:文件无法作为 Excel 工作簿打开" in text
    assert not list(receipts(inboxes, "housing").rglob("*-批注.xlsx"))


def test_file_refused_unread_is_never_opened_for_annotation(inboxes, tmp_path, monkeypatch):
    def must_not_open(*_args, **_kwargs):
        raise AssertionError("a refused file reached openpyxl")

    monkeypatch.setattr(annotate, "load_workbook", must_not_open)
    (tmp_path / "空.xlsx").write_bytes(b"")
    drop(inboxes, "housing", tmp_path / "空.xlsx", "空.xlsx")
    [outcome] = collect.run_collect()
    data = receipt(inboxes, "housing", "空.xlsx")
    assert outcome["status"] == "rejected" and data["annotated"] is None
    assert data["annotation_failure"] == "文件未经读取即被退回(见上述错误),无法在原表上标注"
