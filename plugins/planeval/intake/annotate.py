"""The unit's own workbook back, annotated (批注文件): a copy of the archived file, its sheets, layout and values
untouched, with every cell a finding names filled (errors red, warnings amber, notices light yellow), the
finding as the cell's comment, and a first sheet 审核结果 listing every finding with a link to its cell. An
.xls or .csv upload gets an xlsx copy of its rows (values only) with the same marks. Written beside the receipts
(``receipts.receipt_bases``) by the collection pass, before the file leaves the inbox.

Only a file the reader opened is copied (``ParsedWorkbook.opened``): a file the guards refused is never handed
to openpyxl. A workbook openpyxl cannot open gets no copy and its receipt says so; it never fails the pass.
Every text planeval writes into the copy (messages, sheet names, CSV/xls values) goes through
``safetext.cell_text``.

May import: planeval.records, planeval.settings, planeval.files, planeval.safetext and the modules of
planeval.intake below it (cells, readers, receipts)."""

from __future__ import annotations

import io
import logging
import re
import warnings
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from openpyxl import Workbook, load_workbook
from openpyxl.cell.cell import Cell, MergedCell
from openpyxl.comments import Comment
from openpyxl.styles import Font, PatternFill
from openpyxl.worksheet.hyperlink import Hyperlink
from openpyxl.worksheet.worksheet import Worksheet

from planeval.files import replace_atomically
from planeval.intake.cells import ParsedWorkbook
from planeval.intake.readers import read_sheets
from planeval.intake.receipts import Annotation, annotated_copy, receipt_bases
from planeval.records import Issue, Received, Verdict
from planeval.safetext import cell_text, printable
from planeval.settings import Settings

log = logging.getLogger(__name__)

Level = Literal["error", "warning", "notice"]
FINDINGS_SHEET = "审核结果"
FINDINGS_HEADERS = ("级别", "工作表", "单元格", "说明")
LEVEL_LABEL: dict[Level, str] = {"error": "错误", "warning": "警告", "notice": "提示"}
FILL: dict[Level, str] = {"error": "FFFF9999", "warning": "FFFFC000", "notice": "FFFFFF99"}  # red, amber, yellow
RANK: dict[Level, int] = {"error": 2, "warning": 1, "notice": 0}  # a cell keeps the fill of its gravest finding
COMMENT_AUTHOR = "planeval 审核"  # a re-sent annotated copy: comments of this author are planeval's, replaced
SPREADSHEET_SUFFIXES = (".xlsx", ".xlsm", ".xls", ".csv")
# A form holds a few thousand cells; openpyxl needs about a kilobyte per cell, so a workbook past this (the
# guards let through up to 50,000 rows × 200 columns) gets no copy rather than gigabytes of memory.
MAX_ANNOTATED_CELLS = 500_000
_ZIPPED = (".xlsx", ".xlsm")
_TITLE_UNSAFE = re.compile(r"[\[\]:*?/\\]")


@dataclass(frozen=True)
class Mark:
    """One finding placed in the copy: its level, the sheet (as titled in the copy) and cell it marks (None
    when it names no place in a sheet), and the message."""

    level: Level
    sheet: str | None
    cell: str | None
    message: str


def annotate_submission(
    settings: Settings, received: Received, verdict: Verdict, parsed: ParsedWorkbook | None, dry_run: bool = False
) -> Annotation | None:
    """Write the annotated copy of one upload beside its receipts (a 预审 file's, ``dry_run``, beside its
    预审回执). None when there is nothing to annotate: an upload accepted without a warning, a duplicate, or a
    file that is no spreadsheet (a Word report's findings are on its receipt alone)."""
    if verdict.duplicate_of or not (verdict.errors or verdict.warnings or verdict.notices):
        return None
    if Path(received.original_name).suffix.lower() not in SPREADSHEET_SUFFIXES:
        return None
    if parsed is None or not parsed.opened:
        return Annotation(False, "文件未经读取即被退回(见上述错误),无法在原表上标注")
    if parsed.grid_cells > MAX_ANNOTATED_CELLS:
        return Annotation(False, f"表格范围过大(约 {parsed.grid_cells:,} 个单元格),未生成标注副本,请按上述说明逐条修改")
    try:
        content = annotated_workbook(Path(received.archive_path), received.original_name, verdict, parsed)
    except Exception as exc:  # the unit's file, not our crash: the receipt says no copy could be made
        log.warning("annotating %s failed: %s", printable(received.archive_path), printable(repr(exc)))
        return Annotation(False, "文件无法作为 Excel 工作簿打开,未能生成标注副本,请按上述说明逐条修改")
    for base in receipt_bases(settings, received, dry_run):
        replace_atomically(annotated_copy(base), lambda temporary: temporary.write_bytes(content))
    return Annotation(True)


def annotated_workbook(path: Path, original_name: str, verdict: Verdict, parsed: ParsedWorkbook) -> bytes:
    """The annotated copy of the archived file at ``path`` as xlsx bytes (raises when it cannot be read)."""
    if path.suffix.lower() in _ZIPPED or Path(original_name).suffix.lower() in _ZIPPED:
        workbook, titles = _own_workbook(path)
    else:
        workbook, titles = _rows_copy(path, original_name)
    marks = place_findings(verdict, parsed, titles)
    for mark in marks:
        if mark.sheet is not None and mark.cell is not None:
            _mark_cell(workbook[mark.sheet], mark)
    _findings_sheet(workbook, marks)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def place_findings(verdict: Verdict, parsed: ParsedWorkbook, titles: dict[str, str]) -> list[Mark]:
    """Every finding, errors first, with the cell it marks: its own cell when it names one; the row's name
    cell when it names a row only; the table's header when it names a sheet only (a missing column), else
    that sheet's A1; no cell when it names no sheet of the copy (``titles``: sheet as read → title in the
    copy)."""
    findings: Iterable[tuple[Level, Issue]] = [
        *(("error", issue) for issue in verdict.errors),
        *(("warning", issue) for issue in verdict.warnings),
        *(("notice", issue) for issue in verdict.notices),
    ]
    tables = {sheet.sheet: sheet for sheet in parsed.sheets}
    marks = []
    for level, issue in findings:
        title = titles.get(issue.sheet or "")
        if title is None:
            marks.append(Mark(level, None, None, issue.message))
            continue
        table = tables.get(issue.sheet or "")
        name_column = table.present.get("name", "A") if table else "A"
        if issue.row and issue.column:
            cell = f"{issue.column}{issue.row}"
        elif issue.row:
            cell = f"{name_column}{issue.row}"
        elif table is not None and table.header_row:
            cell = f"{name_column}{table.header_row}"
        else:
            cell = "A1"
        marks.append(Mark(level, title, cell, issue.message))
    return marks


def _own_workbook(path: Path) -> tuple[Workbook, dict[str, str]]:
    """The unit's xlsx as it sent it (formulas, styles, layout kept), without the 审核结果 sheet and comments a
    re-sent annotated copy still carries."""
    with warnings.catch_warnings():  # unsupported extensions (slicers, data validation lists) are dropped
        warnings.simplefilter("ignore")
        workbook = load_workbook(path, keep_vba=False, keep_links=False)
    workbook.template = False  # the copy is an ordinary .xlsx, whatever the upload's content type said
    if FINDINGS_SHEET in workbook.sheetnames:
        workbook.remove(workbook[FINDINGS_SHEET])
    for sheet in workbook.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                if cell.comment is not None and cell.comment.author == COMMENT_AUTHOR:
                    cell.comment = None
    return workbook, {name: name for name in workbook.sheetnames}


def _rows_copy(path: Path, original_name: str) -> tuple[Workbook, dict[str, str]]:
    """An xlsx copy of an .xls or .csv upload: each sheet's values (as read, formula-like text kept as text),
    a CSV's one sheet titled after the file."""
    workbook = Workbook()
    workbook.remove(workbook.worksheets[0])
    titles: dict[str, str] = {}
    csv_title = Path(original_name).stem
    for name, sheet in read_sheets(path).items():
        title = _sheet_title(csv_title if path.suffix.lower() == ".csv" else name, set(titles.values()))
        titles[name] = title
        target = workbook.create_sheet(title)
        for row in sheet.rows:
            target.append([cell_text(None if value == "" else value) for value in row])
    return workbook, titles


def _sheet_title(name: str, taken: set[str]) -> str:
    """A valid, unique sheet title for ``name`` (Excel: at most 31 characters, none of []:*?/\\, no control
    character: those shown as ``printable`` escapes)."""
    base = _TITLE_UNSAFE.sub("_", printable(name)).strip("'") or "Sheet"
    base = base[:31]
    title, number = base, 1
    while title in taken or title == FINDINGS_SHEET:
        number += 1
        title = f"{base[: 31 - len(str(number)) - 1]}_{number}"
    return title


def _target_cell(sheet: Worksheet, coordinate: str) -> Cell:
    """The cell that shows ``coordinate``: the top-left cell of a merged range it lies in."""
    cell = sheet[coordinate]
    if isinstance(cell, MergedCell):
        for merged in sheet.merged_cells.ranges:
            if coordinate in merged:
                top_left = sheet.cell(row=merged.min_row, column=merged.min_col)
                assert isinstance(top_left, Cell)
                return top_left
    assert isinstance(cell, Cell)
    return cell


def _mark_cell(sheet: Worksheet, mark: Mark) -> None:
    """Fill the cell (an error's red is never turned amber by a warning on the same cell) and add the finding
    to its comment; the value is not touched."""
    assert mark.cell is not None
    cell = _target_cell(sheet, mark.cell)
    ours = cell.comment is not None and cell.comment.author == COMMENT_AUTHOR
    marked = next((level for level, rgb in FILL.items() if rgb == cell.fill.fgColor.rgb), None) if ours else None
    if marked is None or RANK[mark.level] >= RANK[marked]:
        cell.fill = PatternFill(fill_type="solid", fgColor=FILL[mark.level])
    line = str(cell_text(f"【{LEVEL_LABEL[mark.level]}】{mark.message}"))
    previous = cell.comment.text if cell.comment is not None else ""
    text = f"{previous}\n{line}" if ours else (f"{line}\n\n原批注:{previous}" if previous else line)
    comment = Comment(text, COMMENT_AUTHOR)
    comment.width, comment.height = 320, 120
    cell.comment = comment


def _findings_sheet(workbook: Workbook, marks: list[Mark]) -> None:
    """The first sheet, shown on opening: every finding (级别, 工作表, 单元格, 说明), its cell address a link
    into the copy."""
    sheet = workbook.create_sheet(FINDINGS_SHEET, 0)
    sheet.append(list(FINDINGS_HEADERS))
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for mark in marks:
        sheet.append(
            [LEVEL_LABEL[mark.level], cell_text(mark.sheet or "(整个文件)"), mark.cell or "—", cell_text(mark.message)]
        )
        if mark.sheet is not None and mark.cell is not None:
            link = sheet.cell(row=sheet.max_row, column=3)
            link.hyperlink = Hyperlink(ref=link.coordinate, location=cell_location(mark.sheet, mark.cell))
            link.style = "Hyperlink"
        sheet.cell(row=sheet.max_row, column=1).fill = PatternFill(fill_type="solid", fgColor=FILL[mark.level])
    for letter, width in zip("ABCD", (8, 20, 10, 90), strict=True):
        sheet.column_dimensions[letter].width = width
    sheet.freeze_panes = "A2"
    for other in workbook.worksheets:
        other.sheet_view.tabSelected = other is sheet
    workbook.active = 0


def cell_location(sheet: str, cell: str) -> str:
    """An internal link's target: ``'附件3'!H5`` (a quote in the sheet name doubled)."""
    return "'{}'!{}".format(sheet.replace("'", "''"), cell)
