"""Narrative reports (.docx): their text, and whether one opens and holds anything.

May import: planeval.records."""

from __future__ import annotations

from pathlib import Path

from planeval.records import Issue


def document_text(path: Path) -> str:
    """All text of a .docx (paragraphs and tables); raises if it is not a readable Word document."""
    from docx import Document

    document = Document(str(path))
    text = "\n".join(p.text for p in document.paragraphs)
    return text + "\n".join(cell.text for table in document.tables for row in table.rows for cell in row.cells)


def check_document(path: Path, min_characters: int = 20) -> list[Issue]:
    """A narrative report (.docx) must open and hold text; otherwise it is rejected with the reason."""
    try:
        text = document_text(path)
    except Exception as exc:  # not a Word file, corrupt, or encrypted
        return [Issue("unreadable_document", f"Word 文档无法打开,请确认是有效的 .docx 文件:{type(exc).__name__}")]
    if len("".join(text.split())) < min_characters:
        return [Issue("empty_document", "总结评估报告内容为空或过短,请报送完整的报告正文")]
    return []
