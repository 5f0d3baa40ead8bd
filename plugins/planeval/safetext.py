"""Text from outside (file names, cells a department typed) made safe to show and to write back: nothing a
unit sends can forge a line in a receipt or a log, move the terminal, or become a live formula in a workbook
planeval writes.

Imports nothing of planeval.
"""

from __future__ import annotations

import os
import re
import unicodedata
from typing import TypeVar

# C0 and C1 controls, DEL, line/paragraph separators and the bidirectional overrides that reorder what is shown
_UNSAFE = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069\ufeff]")
_SURROGATE = re.compile(r"[\ud800-\udfff]")  # bytes that were not UTF-8, as os.fsdecode keeps them
_FORMULA_START = ("=", "@", "\t", "\r", "\n")
# “-cmd|…”, “+HYPERLINK(…)”, “+1+1”, “-2*3”; not “-5”, “-”, “+86 513 8888 0000”, “-5%”
_SIGNED_FORMULA = re.compile(r"^[+-].*[A-Za-z(=@!|+\-*/^&<>]", re.DOTALL)
# what an xlsx cell cannot hold at all (XML 1.0: controls other than tab and line breaks) and lone surrogates
_CELL_UNSAFE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff]")
_Value = TypeVar("_Value")
NAME_LIMIT_BYTES = 150  # receipts add “.json” and a version stamp; file systems allow 255 bytes


def printable(text: str) -> str:
    """``text`` with every control character, separator and bidi override shown as a visible escape (``\\n``,
    ``\\x1b``, ``\\u202e``) and every byte that was not UTF-8 as ``\\xNN``: one line, as typed."""
    text = _SURROGATE.sub(lambda m: f"\\x{ord(m.group()) - 0xDC00:02x}", text)
    return _UNSAFE.sub(_escape, text)


def _escape(match: re.Match[str]) -> str:
    char = match.group()
    named = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}
    return named.get(char) or (f"\\x{ord(char):02x}" if ord(char) < 0x100 else f"\\u{ord(char):04x}")


def safe_file_name(name: str, limit_bytes: int = NAME_LIMIT_BYTES) -> str:
    """The name a file is shown and stored under: printable (see ``printable``), no path separators, NFC, at
    most ``limit_bytes`` of UTF-8 with its extension kept. The original bytes are kept elsewhere
    (``name_bytes_hex``)."""
    shown = printable(unicodedata.normalize("NFC", name))
    shown = shown.replace("/", "_").replace("\\x", "%").replace("\\", "_").strip(" .") or "未命名文件"
    stem, dot, suffix = shown.rpartition(".")
    if not dot or len(suffix) > 10:
        stem, suffix = shown, ""
    ending = f".{suffix}" if suffix else ""
    budget = limit_bytes - len(ending.encode("utf-8"))
    encoded = stem.encode("utf-8")
    if len(encoded) > budget:
        stem = encoded[: max(budget - 3, 1)].decode("utf-8", errors="ignore") + "…"
    return stem + ending


def name_bytes_hex(name: str) -> str:
    """The exact bytes of a name as the file system has it (hex): names that are not UTF-8 kept as sent."""
    return os.fsencode(name).hex()


def cell_text(value: _Value) -> _Value | str:
    """A value to put into a cell of a workbook or CSV planeval writes: text that a spreadsheet would run as a
    formula (``=…``, ``@…``, ``+HYPERLINK(…)``, ``-cmd|…``, ``+1+1``, a leading tab or line break) gets a
    leading apostrophe and so stays text; control characters a cell cannot hold (ESC, NUL, …) and bytes
    that were not UTF-8 become visible escapes as in ``printable`` (tabs and line breaks inside the text
    stay); numbers, dates and ordinary text are unchanged."""
    if not isinstance(value, str) or not value:
        return value
    text = _CELL_UNSAFE.sub(_escape_cell, value)
    if text.startswith(_FORMULA_START) or _SIGNED_FORMULA.match(text):
        return "'" + text
    return text


def _escape_cell(match: re.Match[str]) -> str:
    char = match.group()
    return f"\\x{ord(char) - 0xDC00:02x}" if "\ud800" <= char <= "\udfff" else _escape(match)
