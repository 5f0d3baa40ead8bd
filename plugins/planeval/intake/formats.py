"""Number formats, read only where a value's meaning depends on them: a cell formatted as a percentage shows
“95%” and holds 0.95 (openpyxl and python-calamine read 0.95). Asked for the few cells that need it (the
numeric cells of indicator rows); a workbook without any percent style answers without reading its sheets.

May import: planeval.intake.guards."""

from __future__ import annotations

import re
import zipfile
from pathlib import Path
from xml.etree import ElementTree

from planeval.intake.guards import SHEET_XML_CHUNK, cell_position, worksheet_parts

Position = tuple[int, int]  # 0-based (row, column) from A1, as the reader's grid

# Excel's built-in number formats that are percentages: 0% and 0.00%.
BUILTIN_PERCENT_FORMATS = frozenset({9, 10})

_LITERALS = re.compile(r'"[^"]*"|\\.|\[[^\]]*\]')  # quoted text, escaped characters, [colour] and [conditions]


def is_percent_format(code: str) -> bool:
    """Whether a number format code shows a percentage: a ``%`` outside quoted text and escapes
    (``0.0%`` yes, ``0"%"`` and ``0\\%`` no: there the sign is printed, the value is not multiplied)."""
    return "%" in _LITERALS.sub("", code)


def percent_cells(path: Path, sheet: str, wanted: set[Position]) -> set[Position]:
    """Which of the ``wanted`` cells of ``sheet`` are formatted as a percentage (.xlsx and .xls; none for
    other files). Unreadable styles are no percent styles: the value is then read as stored."""
    if not wanted:
        return set()
    suffix = path.suffix.lower()
    try:
        if suffix in (".xlsx", ".xlsm"):
            return _xlsx_percent_cells(path, sheet, wanted)
        if suffix == ".xls":
            return _xls_percent_cells(path, sheet, wanted)
    except (OSError, KeyError, ValueError, zipfile.BadZipFile, ElementTree.ParseError):
        return set()
    return set()


def _xlsx_percent_styles(archive: zipfile.ZipFile) -> frozenset[str]:
    """The cell style indices (the ``s`` of a ``<c>``) whose number format is a percentage."""
    if "xl/styles.xml" not in archive.NameToInfo:
        return frozenset()
    root = ElementTree.fromstring(archive.read("xl/styles.xml"))
    custom = {
        int(node.get("numFmtId", "-1")): node.get("formatCode", "")
        for node in root.iter()
        if node.tag.rpartition("}")[2] == "numFmt"
    }
    percent_ids = BUILTIN_PERCENT_FORMATS | {key for key, code in custom.items() if is_percent_format(code)}
    cell_xfs = next((node for node in root if node.tag.rpartition("}")[2] == "cellXfs"), None)
    if cell_xfs is None:
        return frozenset()
    return frozenset(
        str(index)
        for index, xf in enumerate(node for node in cell_xfs if node.tag.rpartition("}")[2] == "xf")
        if int(xf.get("numFmtId", "0")) in percent_ids
    )


class _Stop(Exception):
    """The scan has passed the last wanted row."""


def _xlsx_percent_cells(path: Path, sheet: str, wanted: set[Position]) -> set[Position]:
    from xml.parsers import expat

    with zipfile.ZipFile(path) as archive:
        styles = _xlsx_percent_styles(archive)
        if not styles:
            return set()  # no percent style anywhere: the sheet is not read again
        part = worksheet_parts(path).get(sheet)
        if part is None:
            return set()
        last_row = max(row for row, _ in wanted)
        found: set[Position] = set()
        position = [0, 0]  # 1-based row, column of the current cell

        def start(tag: str, attributes: dict[str, str]) -> None:
            local = tag.rpartition(":")[2]
            if local == "row":
                position[0] = int(attributes["r"]) if attributes.get("r", "").isdigit() else position[0] + 1
                position[1] = 0
                if position[0] - 1 > last_row:
                    raise _Stop
            elif local == "c":
                row, column = cell_position(attributes.get("r", ""))
                position[:] = [row, column] if row else [position[0], position[1] + 1]
                if attributes.get("s") in styles and (position[0] - 1, position[1] - 1) in wanted:
                    found.add((position[0] - 1, position[1] - 1))

        parser = expat.ParserCreate()
        parser.StartElementHandler = start
        try:
            with archive.open(part) as stream:
                while chunk := stream.read(SHEET_XML_CHUNK):
                    parser.Parse(chunk, False)
            parser.Parse(b"", True)
        except _Stop:
            pass
    return found


def _xls_percent_cells(path: Path, sheet: str, wanted: set[Position]) -> set[Position]:
    import xlrd

    book = xlrd.open_workbook(str(path), formatting_info=True, on_demand=True)
    try:
        grid = book.sheet_by_name(sheet)
        found = set()
        for row, column in wanted:
            if row < grid.nrows and column < grid.ncols:
                key = book.xf_list[grid.cell_xf_index(row, column)].format_key
                fmt = book.format_map.get(key)
                if fmt is not None and is_percent_format(fmt.format_str):
                    found.add((row, column))
        return found
    finally:
        book.release_resources()
