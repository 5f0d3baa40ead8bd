"""Guards against files no clerk meant to send (empty, disguised, macro-carrying, encrypted, decompression
bombs, absurd sizes): they are refused before any parser touches them.

May import: planeval.records."""

from __future__ import annotations

from pathlib import Path

from planeval.records import EntryKind, Issue, Received

# Guards against files no clerk meant to send: they are rejected before any parser touches them.
MAX_ROWS = 50_000  # an indicator table has dozens of rows; a sheet with more is not a submission


MAX_UNCOMPRESSED_BYTES = 200 * 1024 * 1024


MAX_COMPRESSION_RATIO = 200


_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


_ENCRYPTED_STREAM = "EncryptedPackage".encode("utf-16-le")


class RejectedFile(ValueError):
    """A file refused before parsing; ``issue`` says why in the department's words."""

    def __init__(self, issue: Issue) -> None:
        super().__init__(issue.message)
        self.issue = issue


def sniff_workbook(path: Path) -> None:
    """Refuse empty, disguised, macro-carrying, encrypted and decompression-bomb files (RejectedFile)."""
    size = path.stat().st_size
    if size == 0:
        raise RejectedFile(Issue("empty_file", "文件为空(0 字节),请重新报送"))
    with path.open("rb") as handle:
        head = handle.read(8)
    if head.startswith(b"%PDF"):
        raise RejectedFile(Issue("wrong_format", f"文件实际为 PDF 文档(扩展名为 {path.suffix}),请报送 Excel 表格"))
    if head == _OLE_MAGIC:
        if _ENCRYPTED_STREAM in path.read_bytes():
            raise RejectedFile(Issue("encrypted_file", "文件设置了打开密码(已加密),请取消密码后重新报送"))
        return  # a legacy .xls
    if not head.startswith(b"PK"):
        return  # CSV or an unreadable file: the reader says which
    import zipfile

    try:
        with zipfile.ZipFile(path) as archive:
            members = archive.infolist()
    except zipfile.BadZipFile as exc:
        raise RejectedFile(Issue("unreadable_file", f"文件已损坏,无法打开:{exc}")) from exc
    names = {member.filename for member in members}
    if "word/document.xml" in names:
        raise RejectedFile(Issue("wrong_format", f"文件实际为 Word 文档(扩展名为 {path.suffix}),请报送 Excel 表格"))
    if "xl/vbaProject.bin" in names:
        raise RejectedFile(
            Issue("macro_workbook", "文件含有宏(VBA 代码),为安全起见不予受理,请另存为不含宏的 .xlsx 后重新报送")
        )
    unpacked = sum(member.file_size for member in members)
    if unpacked > MAX_UNCOMPRESSED_BYTES or unpacked > MAX_COMPRESSION_RATIO * max(size, 1):
        raise RejectedFile(
            Issue(
                "too_large",
                f"文件解压后达 {unpacked / 1024 / 1024:.0f} MB(压缩文件 {size / 1024:.0f} KB),"
                "大小异常,疑似损坏或恶意文件,不予读取",
            )
        )
    if "xl/workbook.xml" not in names:
        raise RejectedFile(Issue("wrong_format", "文件不是 Excel 工作簿,请报送 Excel 表格(.xlsx/.xls)或 CSV"))


def check_height(name: str, height: int) -> None:
    if height > MAX_ROWS:
        raise RejectedFile(
            Issue(
                "too_many_rows",
                f"工作表“{name}”有 {height} 行,超过 {MAX_ROWS} 行的上限,请只报送下发的表格",
                name,
            )
        )


_ENTRY_REFUSALS = {
    EntryKind.SYMLINK: "文件是符号链接(快捷方式),不是文件本身;为安全起见不予读取,请直接上传表格文件",
    EntryKind.HARDLINK: "文件是硬链接(另一处文件的第二个名称);为安全起见不予读取,请上传文件的副本",
    EntryKind.FIFO: "不是普通文件(命名管道),不予读取,请上传表格文件",
    EntryKind.DEVICE: "不是普通文件(设备文件),不予读取,请上传表格文件",
    EntryKind.SOCKET: "不是普通文件(套接字),不予读取,请上传表格文件",
    EntryKind.UNREADABLE: "文件没有读取权限,无法读取;请修改文件权限后重新上传(原文件保留在收件箱中)",
}


def refusal(received: Received, max_bytes: int) -> Issue | None:
    """Why an archived entry is refused before any reader opens it (not a plain file; larger than the
    limit), or None."""
    kind = EntryKind(received.entry_kind)
    if kind != EntryKind.FILE:
        return Issue(f"not_a_file_{kind.value}", _ENTRY_REFUSALS[kind])
    if received.size_bytes > max_bytes:
        return Issue(
            "too_large",
            f"文件大小 {received.size_bytes / 1024 / 1024:.1f} MB,超过 {max_bytes / 1024 / 1024:.0f} MB 的上限,"
            "不予读取;请只报送下发的表格",
        )
    return None


# The widest form a catalog sends has a few dozen columns (the full official 附件 table with every year);
# a sheet wider than this, or longer than MAX_ROWS, is not a filled-in form. Checked before a reader
# builds the sheet's grid (python-calamine allocates rows × columns cells: one value at XFD1048576 asks
# for ~24 GiB and aborts the process).
MAX_COLUMNS = 200


SHEET_XML_CHUNK = 1 << 20


def extent_refusal(name: str, columns: int, rows: int, declared: str | None = None) -> RejectedFile:
    """The refusal of a sheet whose data area is ``columns`` × ``rows`` (``declared``: the ``<dimension>``
    the file states, when that is what is absurd): ``too_many_rows`` when only its length is, else
    ``sheet_too_large``."""
    where = f"声明的数据区域({declared})" if declared else "的数据区域"
    return RejectedFile(
        Issue(
            "too_many_rows" if columns <= MAX_COLUMNS else "sheet_too_large",
            f"工作表“{name}”{where}达 {columns} 列 × {rows} 行,超出下发表格的范围"
            f"(不超过 {MAX_COLUMNS} 列 × {MAX_ROWS} 行),疑似异常文件,不予读取",
            name,
        )
    )


def check_extent(name: str, columns: int, rows: int) -> None:
    """Refuse a sheet wider than MAX_COLUMNS or longer than MAX_ROWS (RejectedFile)."""
    if columns > MAX_COLUMNS or rows > MAX_ROWS:
        raise extent_refusal(name, columns, rows)


def cell_position(reference: str) -> tuple[int, int]:
    """An A1 reference (``XFD1048576``, ``$B$3``) as 1-based (row, column); (0, 0) when it is not one."""
    letters = digits = ""
    for char in reference.replace("$", "").upper():
        if "A" <= char <= "Z" and not digits:
            letters += char
        elif char.isdigit():
            digits += char
        else:
            return 0, 0
    column = 0
    for char in letters:
        column = column * 26 + ord(char) - 64
    return (int(digits) if digits else 0), column


class _SheetScan:
    """Streams one worksheet part with expat (no tree is built): refuses an absurd ``<dimension>`` before the
    cells and stops at the first value beyond the caps; notes the cells holding an Excel error (t="e"),
    which python-calamine reads as empty."""

    def __init__(self, name: str) -> None:
        self.name = name
        self.row = self.column = 0
        self.errors: dict[tuple[int, int], str] = {}  # 0-based (row, column) → "#DIV/0!"
        self._cell_type: str | None = None
        self._in_value = False
        self._text = ""

    def start(self, tag: str, attributes: dict[str, str]) -> None:
        local = tag.rpartition(":")[2]
        if local == "dimension":
            self._dimension(attributes.get("ref", ""))
        elif local == "row":
            self.row = int(attributes["r"]) if attributes.get("r", "").isdigit() else self.row + 1
            self.column = 0
        elif local == "c":
            row, column = cell_position(attributes.get("r", ""))
            self.row, self.column = (row, column) if row else (self.row, self.column + 1)
            self._cell_type, self._text = attributes.get("t"), ""
        elif local in ("v", "is"):
            check_extent(self.name, self.column, self.row)  # a cell with a value: the grid reaches it
            self._in_value = local == "v"

    def end(self, tag: str) -> None:
        local = tag.rpartition(":")[2]
        if local == "v":
            self._in_value = False
        elif local == "c" and self._cell_type == "e" and len(self.errors) < MAX_ROWS:
            self.errors[(self.row - 1, self.column - 1)] = self._text.strip()

    def text(self, data: str) -> None:
        if self._in_value and len(self._text) < 64:
            self._text += data

    def _dimension(self, reference: str) -> None:
        rows, columns = cell_position(reference.rpartition(":")[2])
        if columns > MAX_COLUMNS or rows > MAX_ROWS:
            raise extent_refusal(self.name, columns, rows, reference)


def _refuse_doctype(*_: object) -> None:
    raise RejectedFile(Issue("unreadable_file", "工作表内容含有文档类型声明(DTD),疑似异常文件,不予读取"))


def scan_sheet_xml(name: str, path: Path, part: str) -> dict[tuple[int, int], str]:
    """Refuse a worksheet part of the .xlsx at ``path`` whose declared or real data area is absurd
    (RejectedFile), streaming it in chunks; return its Excel error cells by 0-based (row, column)."""
    import zipfile
    from xml.parsers import expat

    scan = _SheetScan(name)
    parser = expat.ParserCreate()
    parser.StartElementHandler = scan.start
    parser.EndElementHandler = scan.end
    parser.CharacterDataHandler = scan.text
    parser.StartDoctypeDeclHandler = _refuse_doctype
    with zipfile.ZipFile(path) as archive, archive.open(part) as stream:
        while chunk := stream.read(SHEET_XML_CHUNK):
            parser.Parse(chunk, False)
    parser.Parse(b"", True)
    return scan.errors


def scan_xlsx(path: Path) -> dict[str, dict[tuple[int, int], str]]:
    """Every worksheet of an .xlsx checked for an absurd data area before any reader builds it (RejectedFile);
    per sheet name, its Excel error cells."""
    return {name: scan_sheet_xml(name, path, part) for name, part in worksheet_parts(path).items()}


def worksheet_parts(path: Path) -> dict[str, str]:
    """Sheet name → its part in the zip (``xl/worksheets/sheet1.xml``), from workbook.xml and its rels; a
    worksheet part no sheet names is checked too, under its part name."""
    import posixpath
    import zipfile
    from xml.etree import ElementTree

    with zipfile.ZipFile(path) as archive:
        present = set(archive.NameToInfo)
        relations = "xl/_rels/workbook.xml.rels"
        targets: dict[str, str] = {}
        if relations in present:
            for node in ElementTree.fromstring(archive.read(relations)):
                target = node.get("Target", "")
                part = target.lstrip("/") if target.startswith("/") else posixpath.normpath(f"xl/{target}")
                targets[node.get("Id", "")] = part
        workbook = ElementTree.fromstring(archive.read("xl/workbook.xml"))
    sheets: dict[str, str] = {}
    for node in workbook.iter():
        if node.tag.rpartition("}")[2] == "sheet":
            relation = next((value for key, value in node.attrib.items() if key.rpartition("}")[2] == "id"), "")
            if targets.get(relation) in present:
                sheets[node.get("name", "")] = targets[relation]
    named = set(sheets.values())
    worksheets = sorted(n for n in present if n.startswith("xl/worksheets/") and n.endswith(".xml"))
    return sheets | {part: part for part in worksheets if part not in named}


def scan_xls(path: Path) -> dict[str, dict[tuple[int, int], str]]:
    """The same check for a legacy .xls (read with xlrd, which keeps only the cells present); per sheet
    name, its Excel error cells. A file xlrd cannot read is left to the reader to report."""
    import xlrd

    try:
        book = xlrd.open_workbook(str(path), on_demand=True, ragged_rows=True)
    except Exception:  # the reader reports an unreadable file in its own words
        return {}
    found: dict[str, dict[tuple[int, int], str]] = {}
    try:
        for index in range(book.nsheets):
            sheet = book.sheet_by_index(index)
            check_extent(sheet.name, sheet.ncols, sheet.nrows)
            found[sheet.name] = {
                (row, column): xlrd.error_text_from_code.get(sheet.cell_value(row, column), "#N/A")
                for row in range(sheet.nrows)
                if xlrd.XL_CELL_ERROR in (types := sheet.row_types(row))
                for column, kind in enumerate(types)
                if kind == xlrd.XL_CELL_ERROR
            }
            book.unload_sheet(index)
    finally:
        book.release_resources()
    return found
