"""Build the bad-input corpus: files a department could really send, each with the receipt it must get.

Run ``.venv/bin/python tests/data/corpus/build_corpus.py`` to rewrite ``files/`` and ``expected.yaml``
(deterministic content). Two inputs are too big to commit and are built at test time by
``build_generated(folder)``: a sheet of 1,000,000 rows and a zip bomb.

Each entry: unit (whose inbox it goes into), status, errors (exact set of codes; with sheet/row/column where
the cell is named), warnings (codes that must be among the findings that do not reject: 警告 and 提示), why.
"""

from __future__ import annotations

import csv
import io
import os
import shutil
import sys
import tempfile
import zipfile
from pathlib import Path

import yaml

os.environ.setdefault("GX_ANALYTICS_ENABLED", "false")
sys.path.insert(0, str(Path(__file__).resolve().parents[2]))  # tests/ for helpers

from docx import Document
from helpers import filled_form, header_column, row_of
from openpyxl import Workbook, load_workbook

from planeval.catalog import load_catalog
from planeval.settings import DEFAULT_CATALOG
from planeval.ui.demo import fill_contacts, write_summary_docx

HERE = Path(__file__).resolve().parent
FILES = HERE / "files"
CATALOG = load_catalog(DEFAULT_CATALOG)
CAMPAIGN = CATALOG.campaign(year=2025)

SAFETY = [  # 附件3 as seed 004 prints it: 序号, 指标, target, 属性, 责任单位
    (1, "生产安全事故起数下降(%)", ">15", "约束性", "市应急管理局"),
    (2, "生产安全事故死亡人数下降(%)", ">15", "约束性", "市应急管理局"),
    (3, "单位国内生产总值生产安全事故死亡率下降(%)", ">33", "约束性", "市应急管理局"),
    (4, "工矿商贸就业人员十万人生产安全事故死亡率下降(%)", ">20", "约束性", "市应急管理局"),
    (5, "道路运输生产安全事故死亡人数下降(%)", ">15", "预期性", "市公安局、市交通运输局"),
    (6, "建筑施工生产安全事故死亡人数累计下降(%)", ">15", "预期性", "市住建局、市建管局"),
    (7, "渔业船舶生产安全事故死亡人数累计下降(%)", ">15", "预期性", "市农业农村局"),
    (8, "工业企业较大以上安全风险报告率(%)", "100", "预期性", "市应急管理局"),
    (9, "安全生产责任保险覆盖率(%)", "≥95", "预期性", "市应急管理局"),
]
GOOD_ROWS = {
    1: [5.2, 9.8, 13.1, 16.6, 18.0, 16.6, 18.0, "提前实现"],
    2: [3.0, 6.5, 9.0, 12.5, 15.5, 12.5, 15.5, "符合预期"],
}


def official_annex3(rows: dict[int, list], *, to_date: str = "前四年年均/累计", two_rows: bool = True) -> bytes:
    """附件3 as a clerk fills the official table: title rows, (two-row) header, unlabelled target column."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "附件3"
    sheet.append(["附件3"])
    sheet.append(["海安市“十四五”安全生产规划主要指标完成情况统计表"])
    tail = ["2025年\n预测值", to_date, "五年年均/累计", "综合进度评价", "责任单位"]
    if two_rows:
        sheet.append(["序号", "规划指标\n内容", None, "规划\n属性", "年度完成情况", None, None, None, *tail])
        sheet.append([None, None, None, None, "2021年", "2022年", "2023年", "2024年"])
        for merged in ("A3:A4", "B3:B4", "C3:C4", "D3:D4", "E3:H3", "I3:I4", "J3:J4", "K3:K4", "L3:L4", "M3:M4"):
            sheet.merge_cells(merged)
    else:
        sheet.append(["序号", "规划指标内容", None, "规划属性", "2021年", "2022年", "2023年", "2024年", *tail])
    for seq, name, target, attribute, responsible in SAFETY:
        sheet.append([seq, name, target, attribute, *rows.get(seq, [None] * 8), responsible])
    sheet.append([])
    sheet.append(["填表说明:综合进度评价分为提前实现、符合预期、滞后预期,未达序时进度的指标请另附详细的分析说明。"])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def own_form(unit: str, edit=None) -> bytes:
    with tempfile.TemporaryDirectory() as folder:
        return filled_form(CATALOG, CAMPAIGN, unit, Path(folder), edit=edit).read_bytes()


def set_cell(sheet_name: str, label: str, header: str, value):
    def edit(workbook) -> None:
        sheet = workbook[sheet_name]
        sheet.cell(row=row_of(sheet, label), column=header_column(sheet, header)).value = value

    return edit


def both(*edits):
    def edit(workbook) -> None:
        for one in edits:
            one(workbook)

    return edit


def docx_bytes(*paragraphs: str) -> bytes:
    document = Document()
    for paragraph in paragraphs:
        document.add_paragraph(paragraph)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def zip_bytes(members: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def with_macro(workbook_bytes: bytes) -> bytes:
    """The same workbook as .xlsm carrying a VBA project."""
    source = zipfile.ZipFile(io.BytesIO(workbook_bytes))
    members = {name: source.read(name) for name in source.namelist()}
    members["xl/vbaProject.bin"] = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b'Attribute VB_Name = "Module1"' * 20
    return zip_bytes(members)


def encrypted() -> bytes:
    """What Excel writes for a workbook with an open password: an OLE file with an EncryptedPackage stream."""
    header = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(504)
    return (
        header + "EncryptedInfo".encode("utf-16-le") + bytes(64) + "EncryptedPackage".encode("utf-16-le") + bytes(2048)
    )


def csv_bytes(encoding: str, bom: bool = False, note: str = "") -> bytes:
    """The official 附件3 as CSV (the table only), two rows filled by 市应急管理局."""
    text = io.StringIO()
    writer = csv.writer(text)
    years = ["2021年", "2022年", "2023年", "2024年"]
    tail = ["2025年预测值", "前四年年均/累计", "五年年均/累计", "综合进度评价", "责任单位"]
    writer.writerow(["序号", "规划指标内容", "规划目标", "规划属性", *years, *tail])
    for seq, name, target, attribute, responsible in SAFETY:
        writer.writerow([seq, name, target, attribute, *GOOD_ROWS.get(seq, [""] * 8), responsible])
    if note:
        writer.writerow([note])
    data = text.getvalue().encode(encoding)
    return (b"\xef\xbb\xbf" if bom else b"") + data


def legacy_xls() -> bytes:
    """The official 附件3 saved in the Excel 97-2003 format."""
    import xlwt

    book = xlwt.Workbook(encoding="utf-8")
    sheet = book.add_sheet("附件3")
    header = ["序号", "规划指标内容", "规划目标", "规划属性", "2021年", "2022年", "2023年", "2024年"]
    header += ["2025年预测值", "前四年年均/累计", "五年年均/累计", "综合进度评价", "责任单位"]
    for column, value in enumerate(header):
        sheet.write(0, column, value)
    for row, (seq, name, target, attribute, responsible) in enumerate(SAFETY, start=1):
        values = [seq, name, target, attribute, *GOOD_ROWS.get(seq, [""] * 8), responsible]
        for column, value in enumerate(values):
            sheet.write(row, column, value)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def no_table() -> bytes:
    workbook = Workbook()
    workbook.active.append(["本单位2024年安全生产工作总结", "见附件"])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def contacts(edit=None) -> bytes:
    with tempfile.TemporaryDirectory() as folder:
        unit = CATALOG.unit("water")
        path = fill_contacts(CATALOG, CAMPAIGN, unit, Path(folder) / "c.xlsx")
        if edit:
            workbook = load_workbook(path)
            edit(workbook.active)
            workbook.save(path)
        return path.read_bytes()


def summary_docx(unit: str) -> bytes:
    with tempfile.TemporaryDirectory() as folder:
        return write_summary_docx(CATALOG, CAMPAIGN, CATALOG.unit(unit), Path(folder) / "r.docx").read_bytes()


def _duplicate_row(workbook) -> None:
    sheet = workbook["附件3"]
    source = row_of(sheet, "生产安全事故起数下降(%)")
    target = sheet.max_row + 1
    for column in range(1, sheet.max_column + 1):
        sheet.cell(row=target, column=column).value = sheet.cell(row=source, column=column).value


def _drop_rating_column(workbook) -> None:
    for sheet in (workbook["附件3"], workbook["附件4"]):
        sheet.cell(row=2, column=header_column(sheet, "综合进度评价")).value = "备用"


E, F = "emergency", "fire_rescue"
A3, A4 = "附件3", "附件4"
FIRE = "新增专职消防人员"
ACCIDENTS = "生产安全事故起数下降(%)"
ROAD_ANALYSIS = "道路运输生产安全事故死亡人数下降幅度低于预期,原因是货运车辆增长较快,部分企业主体责任落实不到位。"


def corpus() -> list[dict]:
    """Every committed corpus file: name, unit, bytes, and what its receipt must say."""
    good = own_form(E)
    entries = [
        # --- files refused before reading
        ("empty.xlsx", E, b"", "rejected", ["empty_file"], [], "0 bytes"),
        ("corrupt.xlsx", E, bytes(range(256)) * 8, "rejected", ["unreadable_file"], [], "random bytes"),
        ("truncated.xlsx", E, good[:3000], "rejected", ["unreadable_file"], [], "a zip cut short"),
        ("word_renamed.xlsx", E, docx_bytes("这是一份 Word 文档"), "rejected", ["wrong_format"], [], "docx as xlsx"),
        ("pdf_renamed.xlsx", E, b"%PDF-1.4\n% scanned table\n", "rejected", ["wrong_format"], [], "pdf as xlsx"),
        ("plain.zip.xlsx", E, zip_bytes({"readme.txt": b"hello"}), "rejected", ["wrong_format"], [], "a zip"),
        ("macro.xlsm", E, with_macro(good), "rejected", ["macro_workbook"], [], "VBA project inside"),
        ("encrypted.xlsx", E, encrypted(), "rejected", ["encrypted_file"], [], "password-protected"),
        ("scan.pdf", "water", b"%PDF-1.4 scanned", "rejected", ["unsupported_type"], [], "not a form"),
        ("photo.jpg", "water", b"\xff\xd8\xff\xe0" + bytes(100), "rejected", ["unsupported_type"], [], "image"),
        ("no_table.xlsx", "water", no_table(), "rejected", ["no_table"], [], "no 附件 table"),
        ("mojibake.csv", "water", bytes(range(128, 256)) * 20, "rejected", ["unreadable_file"], [], "no text"),
        ("empty_report.docx", "finance", docx_bytes(), "rejected", ["empty_document"], [], "no text"),
        ("text.docx", "finance", "纯文本".encode(), "rejected", ["unreadable_document"], [], "not a docx"),
        # --- layouts that must be accepted
        ("own_form.xlsx", E, good, "accepted", [], [], "our generated form"),
        ("own_form_again.xlsx", E, good, "duplicate", [], [], "same bytes again"),
        ("official_two_row_header.xlsx", E, official_annex3(GOOD_ROWS), "accepted", [], [], "merged headers"),
        ("official_one_row_header.xlsx", E, official_annex3(GOOD_ROWS, two_rows=False), "accepted", [], [], "flat"),
        (
            "official_4_years.xlsx",
            E,
            official_annex3(GOOD_ROWS, to_date="前4年\n年均/累计"),
            "accepted",
            [],
            [],
            "前4年 with an arabic digit",
        ),
        ("official_gbk.csv", E, csv_bytes("gbk"), "accepted", [], [], "GBK CSV"),
        ("official_gb18030.csv", E, csv_bytes("gb18030", note="注:本表由𠀋区填报"), "accepted", [], [], "GB18030 CSV"),
        ("official_utf8_bom.csv", E, csv_bytes("utf-8", bom=True), "accepted", [], [], "UTF-8 with BOM"),
        ("official_utf8.csv", E, csv_bytes("utf-8"), "accepted", [], [], "UTF-8"),
        ("official_legacy.xls", E, legacy_xls(), "accepted", [], [], "Excel 97-2003"),
        ("projects_and_indicators.xlsx", F, own_form(F), "accepted", [], [], "附件4 and 附件5"),
        ("contacts.xlsx", "water", contacts(), "accepted", [], [], "附件7"),
        ("summary.docx", "finance", summary_docx("finance"), "accepted", [], [], "narrative report"),
        # --- normalised with warnings
        (
            "percent_text.xlsx",
            "meteorology",
            own_form("meteorology", set_cell(A4, "气象灾害预警信息公众覆盖率(%)", "2024年", "97.5%")),
            "accepted",
            [],
            ["normalised_number"],
            "97.5%",
        ),
        (
            "fullwidth.xlsx",
            "education_sports",
            own_form("education_sports", set_cell(A4, "学校安全教育普及率(%)", "2023年", "１００")),
            "accepted",
            [],
            ["normalised_number"],
            "full-width digits",
        ),
        (
            "spaces.xlsx",
            F,
            own_form(F, set_cell(A4, FIRE, "2022年", " 85 ")),
            "accepted",
            [],
            ["normalised_number"],
            "stray spaces",
        ),
        (
            "outlier.xlsx",
            "agriculture",
            own_form(
                "agriculture",
                both(
                    set_cell(A3, "渔业船舶生产安全事故死亡人数累计下降(%)", "2022年", 0),
                    set_cell(A3, "渔业船舶生产安全事故死亡人数累计下降(%)", "2023年", 50),
                    set_cell(A3, "渔业船舶生产安全事故死亡人数累计下降(%)", "综合进度评价", "提前实现"),
                    set_cell(A3, "渔业船舶生产安全事故死亡人数累计下降(%)", "上报说明", None),
                ),
            ),
            "rejected",
            [{"code": "unexplained_warning", "sheet": A3, "row": 3, "column": "G"}],
            [],
            "50 among 0, 0, 10, 12: a 警告 without its 上报说明",
        ),
        # --- rejected at the cell
        (
            "not_a_number.xlsx",
            E,
            own_form(E, set_cell(A3, ACCIDENTS, "2024年", "约两成")),
            "rejected",
            [{"code": "not_a_number", "sheet": A3, "row": 3, "column": "H"}],
            [],
            "text in a number cell",
        ),
        (
            "above_range.xlsx",
            E,
            own_form(E, set_cell(A3, "工业企业较大以上安全风险报告率(%)", "2023年", 120)),
            "rejected",
            [{"code": "above_range", "sheet": A3, "row": 7, "column": "G"}],
            [],
            "a rate over 100",
        ),
        (
            "below_range.xlsx",
            "meteorology",
            own_form("meteorology", set_cell(A4, "气象灾害预警信息公众覆盖率(%)", "2021年", -3)),
            "rejected",
            [{"code": "below_range", "sheet": A4, "row": 3, "column": "E"}],
            [],
            "-3%",
        ),
        (
            "invalid_rating.xlsx",
            E,
            own_form(E, set_cell(A3, ACCIDENTS, "综合进度评价", "基本完成")),
            "rejected",
            [{"code": "invalid_rating", "sheet": A3, "row": 3, "column": "L"}],
            [],
            "not a choice",
        ),
        (
            "missing_rating.xlsx",
            F,
            own_form(F, set_cell(A4, FIRE, "综合进度评价", None)),
            "rejected",
            [{"code": "missing_rating", "sheet": A4, "row": 4, "column": "L"}],
            [],
            "no rating",
        ),
        (
            "duplicate_row.xlsx",
            E,
            own_form(E, _duplicate_row),
            "rejected",
            [{"code": "duplicate_indicator", "sheet": A3, "row": 3}, {"code": "duplicate_indicator", "sheet": A3}],
            [],
            "the same indicator twice",
        ),
        (
            "not_responsible.xlsx",
            E,
            official_annex3(GOOD_ROWS | {5: [5, 10, 14, 18, 21, 18, 21, "符合预期"]}),
            "rejected",
            [{"code": "not_responsible", "sheet": A3, "row": 9, "column": "B"}],
            [],
            "道路运输 by 应急局",
        ),
        (
            "unknown_indicator.xlsx",
            E,
            own_form(E, lambda wb: setattr(wb[A3].cell(row=3, column=2), "value", "生产安全事故总量下降")),
            "rejected",
            [{"code": "unknown_indicator", "sheet": A3, "row": 3, "column": "B"}],
            [],
            "renamed indicator",
        ),
        (
            "missing_data_year.xlsx",
            "education_sports",
            own_form("education_sports", set_cell(A4, "学校安全教育普及率(%)", "2024年", None)),
            "rejected",
            [{"code": "missing_data_year", "sheet": A4, "row": 3, "column": "H"}],
            [],
            "no 2024 value",
        ),
        (
            "missing_column.xlsx",
            E,
            own_form(E, _drop_rating_column),
            "rejected",
            [{"code": "missing_column", "sheet": A3}, {"code": "missing_column", "sheet": A4}],
            [],
            "no 综合进度评价",
        ),
        (
            "inconsistent_annexes.xlsx",
            E,
            own_form(E, set_cell(A4, ACCIDENTS, "2024年", 17.0)),
            "rejected",
            [{"code": "inconsistent_indicator", "sheet": A4}],
            [],
            "附件3 vs 附件4",
        ),
        (
            "missing_forecast.xlsx",
            E,
            official_annex3({1: [5.2, 9.8, 13.1, 16.6, None, 16.6, None, "提前实现"]}),
            "rejected",
            [{"code": "missing_forecast", "sheet": A3, "row": 5, "column": "I"}],
            [],
            "no 2025 forecast",
        ),
        (
            "inconsistent_period.xlsx",
            E,
            official_annex3({1: [5.2, 9.8, 13.1, 16.6, 18.0, 44.7, 18.0, "提前实现"]}),
            "accepted",
            [],
            ["inconsistent_period"],
            "sum, not decline: a 警告, the computed figure is used",
        ),
        (
            "missing_analysis.xlsx",
            E,
            official_annex3({3: [8, 15, 21, 26, 30, 26, 30, "滞后预期"]}),
            "rejected",
            [{"code": "missing_analysis", "sheet": A3, "row": 7, "column": "L"}],
            [],
            "滞后预期 with no analysis",
        ),
        (
            "lagging_with_document.xlsx",
            "public_security",
            own_form(
                "public_security", set_cell(A3, "道路运输生产安全事故死亡人数下降(%)", "综合进度评价", "滞后预期")
            ),
            "accepted",
            [],
            [],
            "its analysis comes as a Word document in the same pass",
        ),
        (
            "道路运输分析说明.docx",
            "public_security",
            docx_bytes(
                "道路运输生产安全事故死亡人数下降幅度低于预期,原因分析如下:"
                "货运车辆增长较快,部分企业主体责任落实不到位。"
            ),
            "accepted",
            [],
            [],
            "the analysis",
        ),
        (
            "contacts_bad.xlsx",
            "water",
            contacts(lambda s: (s.__setitem__("D3", "8888"), s.__setitem__("B4", None))),
            "rejected",
            [{"code": "invalid_phone", "row": 3, "column": "D"}, {"code": "missing_person", "row": 4, "column": "B"}],
            [],
            "bad phone, no name",
        ),
    ]
    return [
        {"file": f, "unit": u, "bytes": b, "status": s, "errors": e, "warnings": w, "why": why}
        for f, u, b, s, e, w, why in entries
    ]


GENERATED = [
    {
        "file": "million_rows.xlsx",
        "unit": "housing",
        "status": "rejected",
        "errors": ["too_many_rows"],
        "warnings": [],
        "why": "1,000,000 rows",
        "generated": True,
    },
    {
        "file": "zip_bomb.xlsx",
        "unit": "housing",
        "status": "rejected",
        "errors": ["too_large"],
        "warnings": [],
        "why": "a sheet that unpacks to 1 GB",
        "generated": True,
    },
]


def build_generated(folder: Path) -> None:
    """The two inputs too big to commit, written with little memory."""
    from openpyxl import Workbook as StreamingWorkbook

    workbook = StreamingWorkbook(write_only=True)
    sheet = workbook.create_sheet("附件3")
    for number in range(1_000_000):
        sheet.append([number])
    workbook.save(folder / "million_rows.xlsx")

    with zipfile.ZipFile(folder / "zip_bomb.xlsx", "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        archive.writestr("[Content_Types].xml", b"<Types/>")
        archive.writestr("xl/workbook.xml", b"<workbook/>")
        with archive.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as member:
            block = b"<c>0</c>" * 131072  # 1 MiB
            for _ in range(1024):
                member.write(block)


def main() -> None:
    shutil.rmtree(FILES, ignore_errors=True)
    FILES.mkdir(parents=True)
    expected = []
    for entry in corpus():
        (FILES / entry["file"]).write_bytes(entry.pop("bytes"))
        expected.append(entry)
    expected += GENERATED
    (HERE / "expected.yaml").write_text(
        "# Written by build_corpus.py: what each corpus file's receipt must say.\n"
        + yaml.safe_dump(expected, allow_unicode=True, sort_keys=False, width=200),
        encoding="utf-8",
    )
    print(f"{len(expected)} corpus entries ({len(GENERATED)} generated at test time) in {FILES}")


if __name__ == "__main__":
    main()
