"""Bad input never crashes a run: an absurd sheet is refused before it is read, a cell that holds no value
(NaN, inf, an Excel error, pages of text) is refused with its sheet, row and column and never reaches the
warehouse, and the original file is kept."""

from __future__ import annotations

import json
import math
import re
import shutil
import zipfile
from pathlib import Path

import pytest
from helpers import filled_form, header_column, row_of
from sqlalchemy import create_engine, text

from planeval.intake.cells import cell_refusal, normalise_number
from planeval.intake.guards import MAX_COLUMNS, RejectedFile, scan_xlsx
from planeval.intake.readers import parse_workbook, read_sheets
from planeval.stages import collect

MAIN_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
RELS_NS = "http://schemas.openxmlformats.org/package/2006/relationships"
OFFICE_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"


def handwritten_xlsx(path: Path, sheet_data: str, dimension: str | None = None, sheet: str = "附件3") -> Path:
    """A minimal workbook whose one sheet XML is written by hand (what no spreadsheet program would write)."""
    types = (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
        '<Default Extension="xml" ContentType="application/xml"/>'
        '<Override PartName="/xl/workbook.xml" '
        'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
        '<Override PartName="/xl/worksheets/sheet1.xml" '
        'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>'
    )
    package_rels = (
        f'<Relationships xmlns="{RELS_NS}"><Relationship Id="rId1" Type="{OFFICE_REL}/officeDocument" '
        'Target="xl/workbook.xml"/></Relationships>'
    )
    workbook = (
        f'<workbook xmlns="{MAIN_NS}" xmlns:r="{OFFICE_REL}"><sheets>'
        f'<sheet name="{sheet}" sheetId="1" r:id="rId1"/></sheets></workbook>'
    )
    workbook_rels = (
        f'<Relationships xmlns="{RELS_NS}"><Relationship Id="rId1" Type="{OFFICE_REL}/worksheet" '
        'Target="worksheets/sheet1.xml"/></Relationships>'
    )
    declared = f'<dimension ref="{dimension}"/>' if dimension else ""
    worksheet = f'<worksheet xmlns="{MAIN_NS}">{declared}<sheetData>{sheet_data}</sheetData></worksheet>'
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", types)
        archive.writestr("_rels/.rels", package_rels)
        archive.writestr("xl/workbook.xml", workbook)
        archive.writestr("xl/_rels/workbook.xml.rels", workbook_rels)
        archive.writestr("xl/worksheets/sheet1.xml", worksheet)
    return path


HEADER_ROW = '<row r="1"><c r="A1" t="inlineStr"><is><t>规划指标内容</t></is></c></row>'
FAR_CELL = '<row r="1048576"><c r="XFD1048576"><v>1</v></c></row>'


@pytest.mark.parametrize(
    ("dimension", "expected"),
    [
        ("A1:XFD1048576", "工作表“附件3”声明的数据区域(A1:XFD1048576)达 16384 列 × 1048576 行"),
        (None, "工作表“附件3”的数据区域达 16384 列 × 1048576 行"),  # no <dimension>: the cell itself
        ("A1", "工作表“附件3”的数据区域达 16384 列 × 1048576 行"),  # a <dimension> that lies
    ],
)
def test_a_sparse_sheet_reaching_xfd1048576_is_refused_before_it_is_read(
    dimension, expected, catalog, campaign, tmp_path
):
    path = handwritten_xlsx(tmp_path / "far.xlsx", HEADER_ROW + FAR_CELL, dimension)
    parsed = parse_workbook(catalog, campaign, path)  # python-calamine would ask for ~24 GiB and abort
    (issue,) = parsed.errors
    assert issue.code == "sheet_too_large" and issue.sheet == "附件3"
    assert issue.message.startswith(expected) and "疑似异常文件,不予读取" in issue.message


def test_a_sheet_one_column_wider_than_any_form_is_refused_and_a_form_wide_one_is_read(tmp_path):
    def row(width: int) -> str:
        return "<row>" + "<c><v>1</v></c>" * width + "</row>"  # cells without references: counted in order

    with pytest.raises(RejectedFile) as refused:
        read_sheets(handwritten_xlsx(tmp_path / "wide.xlsx", row(MAX_COLUMNS + 1)))
    assert refused.value.issue.code == "sheet_too_large"
    assert f"{MAX_COLUMNS + 1} 列 × 1 行" in refused.value.issue.message
    sheets = read_sheets(handwritten_xlsx(tmp_path / "ok.xlsx", row(MAX_COLUMNS)))
    assert len(sheets["附件3"].rows[0]) == MAX_COLUMNS


def test_styled_empty_cells_far_away_do_not_count(tmp_path):
    """Formatting without a value (what Excel writes for a coloured cell) is not data: calamine skips it."""
    path = handwritten_xlsx(tmp_path / "styled.xlsx", HEADER_ROW + '<row r="1048576"><c r="XFD1048576" s="1"/></row>')
    assert read_sheets(path)["附件3"].rows == [["规划指标内容"]]


def test_a_long_csv_and_a_wide_csv_are_refused_with_the_sheet_named(tmp_path):
    wide = tmp_path / "宽表.csv"
    wide.write_text("规划指标内容" + ",1" * MAX_COLUMNS + "\n", encoding="utf-8")
    with pytest.raises(RejectedFile) as refused:
        read_sheets(wide)
    assert refused.value.issue.code == "sheet_too_large" and "工作表“宽表”" in refused.value.issue.message
    long = tmp_path / "长表.csv"
    long.write_text("规划指标内容,2024年\n" + "a,1\n" * 50_001, encoding="utf-8")
    with pytest.raises(RejectedFile) as refused:
        read_sheets(long)
    assert refused.value.issue.code == "too_many_rows" and "1 列" not in refused.value.issue.message
    assert "50002 行" in refused.value.issue.message


def test_a_csv_cell_beyond_the_field_limit_is_refused_in_chinese(tmp_path):
    path = tmp_path / "长单元格.csv"
    path.write_text("规划指标内容,分析说明\n指标," + "说" * 200_000 + "\n", encoding="utf-8")
    with pytest.raises(RejectedFile) as refused:
        read_sheets(path)
    assert refused.value.issue.code == "oversized_cell" and "第 2 行" in refused.value.issue.message


def test_a_legacy_xls_wider_than_any_form_is_refused(tmp_path):
    import xlwt

    book = xlwt.Workbook(encoding="utf-8")
    sheet = book.add_sheet("附件3")
    sheet.write(0, 0, "规划指标内容")
    sheet.write(3, 255, 1)
    path = tmp_path / "wide.xls"
    book.save(str(path))
    with pytest.raises(RejectedFile) as refused:
        read_sheets(path)
    assert refused.value.issue.code == "sheet_too_large" and "256 列 × 4 行" in refused.value.issue.message


def test_excel_error_cells_are_read_as_their_error_not_as_blank(tmp_path):
    cells = (
        '<row r="2"><c r="A2" t="inlineStr"><is><t>x</t></is></c>'
        '<c r="C2" t="e"><f>1/0</f><v>#DIV/0!</v></c><c r="D2"><v>NaN</v></c></row>'
    )
    path = handwritten_xlsx(tmp_path / "errors.xlsx", HEADER_ROW + cells)
    assert scan_xlsx(path) == {"附件3": {(1, 2): "#DIV/0!"}}
    row = read_sheets(path)["附件3"].rows[1]
    assert row[:3] == ["x", "", "#DIV/0!"] and math.isnan(row[3])


@pytest.mark.parametrize(
    ("raw", "limit", "code"),
    [
        ("NaN", 100, "not_finite"),
        ("nan", 100, "not_finite"),
        ("inf", 100, "not_finite"),
        ("-inf", 100, "not_finite"),
        ("Infinity", 100, "not_finite"),
        ("１e999", 100, "not_finite"),
        (float("nan"), 100, "not_finite"),
        (float("-inf"), 100, "not_finite"),
        ("#DIV/0!", 100, "excel_error"),
        ("#VALUE!", 100, "excel_error"),
        ("#REF!", 10_000, "excel_error"),
        ("#N/A", 100, "excel_error"),
        ("#NAME?", 100, "excel_error"),
        ("#NUM!", 100, "excel_error"),
        ("#NULL!", 100, "excel_error"),
        ("1" * 101, 100, "oversized_cell"),
        ("说" * 10_001, 10_000, "oversized_cell"),
    ],
)
def test_a_cell_holding_no_value_is_refused(raw, limit, code):
    refusal = cell_refusal(raw, "2024年", limit)
    assert refusal is not None and refusal[0] == code and refusal[1].startswith("“2024年”")


@pytest.mark.parametrize("raw", ["12.5", 12.5, "１５", "说" * 10_000, "基本建成", None, "", "Nancy 所述"])
def test_ordinary_cells_pass(raw):
    assert cell_refusal(raw, "分析说明", 10_000) is None


@pytest.mark.parametrize("raw", ["NaN", "inf", "-Infinity", float("nan"), float("inf")])
def test_a_number_that_is_none_is_never_a_value(raw):
    value, _, _ = normalise_number(raw)
    assert value is None


# --- collected end to end: the receipt names the cell, the original is kept, the warehouse holds no NaN ---


def _set(sheet: str, label: str, header: str, value):
    def edit(workbook):
        ws = workbook[sheet]
        ws.cell(row=row_of(ws, label), column=header_column(ws, header), value=value)

    return edit


def _replace_cell(path: Path, part: str, reference: str, cell_xml: str) -> None:
    """Rewrite one cell of a saved workbook's sheet XML (a value no spreadsheet program writes)."""
    with zipfile.ZipFile(path) as archive:
        members = {info.filename: archive.read(info) for info in archive.infolist()}
    sheet = members[part].decode("utf-8")
    sheet, count = re.subn(rf'<c r="{reference}"[^>]*?(/>|>.*?</c>)', cell_xml, sheet, count=1)
    assert count == 1, f"{reference} not found in {part}"
    members[part] = sheet.encode("utf-8")
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            archive.writestr(name, data)


ACCIDENTS = "生产安全事故起数下降(%)"
HOSTILE_CELLS = {
    "nan_text": (_set("附件3", ACCIDENTS, "2024年", "NaN"), "not_finite", "H"),
    "inf_text": (_set("附件3", ACCIDENTS, "2023年", "-inf"), "not_finite", "G"),
    "nan_float": (None, "not_finite", "H"),  # <v>NaN</v> written into the sheet XML: python-calamine reads nan
    "excel_error": (_set("附件3", ACCIDENTS, "2024年", "#DIV/0!"), "excel_error", "H"),  # openpyxl: t="e"
    "long_value": (_set("附件3", ACCIDENTS, "2024年", "1" * 500), "oversized_cell", "H"),
    "long_analysis": (_set("附件3", ACCIDENTS, "分析说明", "情况说明。" * 2_500), "oversized_cell", "N"),
}


@pytest.mark.parametrize("case", sorted(HOSTILE_CELLS))
def test_a_hostile_cell_is_rejected_by_cell_kept_and_never_staged(case, inboxes, home, catalog, campaign, tmp_path):
    edit, code, column = HOSTILE_CELLS[case]
    source = filled_form(catalog, campaign, "emergency", tmp_path, edit=edit)
    if edit is None:
        _replace_cell(source, "xl/worksheets/sheet1.xml", "H3", '<c r="H3"><v>NaN</v></c>')
    shutil.copyfile(source, inboxes / "emergency" / "inbox" / f"{case}.xlsx")
    summary = collect.run_collect()
    assert [s["status"] for s in summary] == ["rejected"]
    data = json.loads((inboxes / "emergency" / "receipts" / f"{case}.xlsx.json").read_text(encoding="utf-8"))
    assert [(e["code"], e["sheet"], e["row"], e["column"]) for e in data["errors"]] == [(code, "附件3", 3, column)]
    assert len(data["errors"][0]["message"]) < 200  # the content itself is not echoed
    (kept,) = (home / "archive" / "emergency").iterdir()
    assert kept.read_bytes() == source.read_bytes()
    engine = create_engine(f"sqlite:///{home / 'warehouse.db'}")
    with engine.connect() as connection:
        staged = connection.execute(
            text("SELECT count(*) FROM submission_indicator WHERE sheet = '附件3' AND row_number = 3")
        ).scalar()
        longest = connection.execute(text("SELECT max(length(analysis)) FROM submission_indicator")).scalar()
    engine.dispose()
    assert staged == 0 and (longest or 0) <= 10_000


def test_a_stray_sheet_sharing_one_header_with_a_form_is_set_aside_with_a_warning(catalog, campaign, tmp_path):
    """An indicator form with a notes sheet headed 类别: read as the indicator form, the notes sheet ignored
    (once it was taken for a contacts table lacking 姓名 and 联系方式, and the file rejected)."""

    def add_notes(workbook):
        notes = workbook.create_sheet("备忘")
        notes["A1"], notes["B1"], notes["A2"], notes["B2"] = "类别", "事项", "安全生产规划", "已核对"

    parsed = parse_workbook(catalog, campaign, filled_form(catalog, campaign, "emergency", tmp_path, edit=add_notes))
    assert parsed.errors == [] and "contacts" not in {s.table for s in parsed.sheets}
    (warning,) = [w for w in parsed.warnings if w.code == "unrecognised_sheet"]
    assert warning.sheet == "备忘" and "缺少列“姓名”“联系方式”" in warning.message
    assert "已忽略该工作表" in warning.message
