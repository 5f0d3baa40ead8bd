"""Text from outside made safe: names shown and stored, lines that cannot be forged, cells that stay text."""

from __future__ import annotations

import os

import pytest

from planeval.safetext import cell_text, name_bytes_hex, printable, safe_file_name


@pytest.mark.parametrize(
    ("raw", "shown"),
    [
        ("a\nb", "a\\nb"),
        ("x\x1b[2Jy", "x\\x1b[2Jy"),
        ("\u202eexe.xlsx", "\\u202eexe.xlsx"),
        ("正常文本", "正常文本"),
        (os.fsdecode(b"\xff\xfe"), "\\xff\\xfe"),
    ],
)
def test_printable_keeps_one_visible_line(raw, shown):
    assert printable(raw) == shown
    assert "\n" not in printable(raw) and "\x1b" not in printable(raw)


def test_safe_file_name_is_short_valid_utf8_and_keeps_the_extension():
    raw = os.fsdecode(b"\xff\xfe\xe6\x8a\xa5\xe9\x80\x81\n\x1b[31m" + "表".encode() * 90 + b".xlsx")
    name = safe_file_name(raw)
    assert name.endswith(".xlsx")
    assert len(name.encode("utf-8")) <= 150
    assert name.encode("utf-8").decode("utf-8") == name
    assert not any(ch in name for ch in "\n\r\x1b/")
    assert bytes.fromhex(name_bytes_hex(raw)) == os.fsencode(raw)  # the original bytes are kept exactly


@pytest.mark.parametrize(
    "text",
    [
        '=HYPERLINK("http://x","点此")',
        "=cmd|' /C calc'!A0",
        "@SUM(A1)",
        "+A1",
        "-2+A1",
        "\t=1",
        "\r=1",
        "\n=1",
        "+1+1",
        "-1+A1",
        "-2*3",
        "+1/2",
        "-1&2",
    ],
)
def test_formula_like_text_stays_text(text):
    assert cell_text(text) == "'" + text


@pytest.mark.parametrize(
    "value", ["-5", "-", "-5%", "+86 513 8888 0000", "95%", "市应急管理局", "第一行\n第二行", 12.5, 3, None, ""]
)
def test_ordinary_values_are_unchanged(value):
    assert cell_text(value) == value


@pytest.mark.parametrize(
    ("raw", "written"),
    [
        ("张三\x1b[2J", "张三\\x1b[2J"),  # a cell cannot hold ESC (openpyxl refuses to write it): shown instead
        ("a\x00b\x7f", "a\\x00b\\x7f"),
        (os.fsdecode(b"\xff") + "表", "\\xff表"),  # not UTF-8: cannot be saved as it is
        ("=1\x1b", "'=1\\x1b"),
        ("进展\t良好\r\n下步", "进展\t良好\r\n下步"),  # tabs and line breaks inside text are ordinary
    ],
)
def test_cell_text_shows_what_a_cell_cannot_hold(raw, written):
    assert cell_text(raw) == written
