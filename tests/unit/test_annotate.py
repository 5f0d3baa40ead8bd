"""Where each finding is marked in the annotated copy, and what the copy's own texts are made of."""

from __future__ import annotations

from pathlib import Path

from planeval.intake.annotate import Mark, _sheet_title, annotate_submission, cell_location, place_findings
from planeval.intake.cells import ParsedWorkbook, SheetColumns
from planeval.intake.receipts import Annotation
from planeval.records import Issue, Received, Verdict
from planeval.settings import Settings


def parsed_with_table() -> ParsedWorkbook:
    table = SheetColumns("附件3", "safety", "indicator", {"name": "B", "y2024": "H"}, ["分析说明"], header_row=2)
    return ParsedWorkbook(sheets=[table], opened=True)


def test_each_finding_marks_its_cell_else_the_rows_name_else_the_tables_header():
    verdict = Verdict(
        "s",
        errors=[
            Issue("not_a_number", "应填写数字", "附件3", 5, "H"),
            Issue("refused_row", "整行无法读取", "附件3", 7),
            Issue("missing_column", "缺少必填列“分析说明”", "附件3"),
            Issue("unrecognised_table", "未识别", "说明"),
            Issue("no_table", "未找到下发的表格"),
        ],
        warnings=[Issue("normalised_number", "已按数字读取", "附件3", 5, "H")],
    )
    titles = {"附件3": "附件3", "说明": "说明"}
    assert place_findings(verdict, parsed_with_table(), titles) == [
        Mark("error", "附件3", "H5", "应填写数字"),
        Mark("error", "附件3", "B7", "整行无法读取"),
        Mark("error", "附件3", "B2", "缺少必填列“分析说明”"),
        Mark("error", "说明", "A1", "未识别"),
        Mark("error", None, None, "未找到下发的表格"),
        Mark("warning", "附件3", "H5", "已按数字读取"),
    ]


def test_copy_sheet_titles_are_valid_unique_and_never_the_findings_sheet():
    assert _sheet_title("2026_ab_附件3:[草稿]*?", set()) == "2026_ab_附件3__草稿___"
    assert _sheet_title("审核结果", set()) == "审核结果_2"
    assert _sheet_title("附件3\x1b[2J", set()) == "附件3_x1b_2J"
    long = "一" * 40
    assert _sheet_title(long, {long[:31]}) == "一" * 29 + "_2"
    assert cell_location("张三's 表", "C5") == "'张三''s 表'!C5"


def test_an_upload_with_nothing_to_mark_or_no_spreadsheet_gets_no_copy(tmp_path: Path):
    settings = Settings(home=tmp_path, catalog_dir=tmp_path, db_url="sqlite://")
    received = Received("u-1", "u", "summary_report", "总结.docx", str(tmp_path / "a"), "0" * 64, 1, "", "")
    rejected = Verdict("u-1", errors=[Issue("unreadable_file", "无法打开")])
    assert annotate_submission(settings, received, rejected, None) is None
    workbook = Received("u-1", "u", "indicator_table", "表.xlsx", str(tmp_path / "a"), "0" * 64, 1, "", "")
    assert annotate_submission(settings, workbook, Verdict("u-1"), parsed_with_table()) is None


def test_a_file_openpyxl_cannot_open_gets_a_reason_not_an_exception(tmp_path: Path):
    settings = Settings(home=tmp_path, catalog_dir=tmp_path, db_url="sqlite://")
    archived = tmp_path / "archive.xlsx"
    archived.write_bytes(b"PK\x03\x04 not really a workbook")
    received = Received("u-1", "u", "indicator_table", "表.xlsx", str(archived), "0" * 64, 1, "", "")
    verdict = Verdict("u-1", errors=[Issue("not_a_number", "应填写数字", "附件3", 5, "H")])
    annotation = annotate_submission(settings, received, verdict, parsed_with_table())
    assert annotation is not None and not annotation.written
    assert annotation.failure.startswith("文件无法作为 Excel 工作簿打开")
    assert not list(tmp_path.rglob("*-批注.xlsx"))


def test_a_workbook_too_large_to_copy_is_told_so_without_being_opened(tmp_path: Path):
    settings = Settings(home=tmp_path, catalog_dir=tmp_path, db_url="sqlite://")
    received = Received("u-1", "u", "indicator_table", "表.xlsx", str(tmp_path / "absent.xlsx"), "0" * 64, 1, "", "")
    verdict = Verdict("u-1", warnings=[Issue("normalised_number", "已按数字读取", "附件3", 5, "H")])
    huge = ParsedWorkbook(opened=True, grid_cells=50_000 * 200)
    annotation = annotate_submission(settings, received, verdict, huge)
    assert annotation == Annotation(False, "表格范围过大(约 10,000,000 个单元格),未生成标注副本,请按上述说明逐条修改")
