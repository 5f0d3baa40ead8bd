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
