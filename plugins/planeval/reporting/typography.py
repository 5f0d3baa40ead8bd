"""Chinese punctuation in the rendered documents (GB/T 15834: full-width marks in Chinese text).

The catalog, the seeds and what departments type often carry ASCII punctuation (“下降16.6%,已提前实现”,
“责任单位:市应急管理局”, “生产安全事故起数下降(%)”). A document the office signs uses the full-width
marks, so every rendered document gets one pass: a mark next to Chinese text becomes full-width, while
numbers, times and Latin text keep theirs (“1,000”, “15:30”, “alert(1)”, “[附件4!H12]”).
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from docx.document import Document
    from docx.opc.rel import _Relationship

_FULL_WIDTH = {",": "，", ":": "：", ";": "；", "!": "！", "?": "？", "(": "（", ")": "）"}
# CJK ideographs, CJK and full-width punctuation, Chinese quotes and book-title marks
_CHINESE = re.compile(r"[\u2e80-\u2fff\u3000-\u303f\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uff00-\uffef“”‘’《》]")


def _is_chinese(char: str) -> bool:
    return bool(char) and _CHINESE.match(char) is not None


def chinese_punctuation(text: str) -> str:
    """``text`` with each ASCII , : ; ! ? beside a Chinese character, and each bracket pair opened or closed
    beside one, in its full-width form."""
    if not any(mark in text for mark in _FULL_WIDTH):
        return text
    out = list(text)
    opened: list[bool] = []  # whether each "(" not yet closed was converted
    for index, char in enumerate(text):
        if char not in _FULL_WIDTH:
            continue
        before = out[index - 1] if index else ""
        after = text[index + 1] if index + 1 < len(text) else ""
        beside_chinese = _is_chinese(before) or _is_chinese(after)
        if char == "(":
            opened.append(beside_chinese)
            convert = beside_chinese
        elif char == ")":
            convert = opened.pop() if opened else beside_chinese  # a pair keeps one width: “alert(1)”
        else:
            convert = beside_chinese
        if convert:
            out[index] = _FULL_WIDTH[char]
    return "".join(out)


def apply_chinese_punctuation(document: Document) -> None:
    """Apply :func:`chinese_punctuation` to every text run of a python-docx ``Document``: body, tables,
    headers and footers (field codes are ``w:instrText`` and are left alone)."""
    from docx.oxml.ns import qn

    parts = [document.part, *(rel.target_part for rel in document.part.rels.values() if _is_header_or_footer(rel))]
    tag = qn("w:t")
    for part in parts:
        for element in part.element.iter(tag):
            if element.text:
                element.text = chinese_punctuation(element.text)


def _is_header_or_footer(relationship: _Relationship) -> bool:
    return relationship.reltype.endswith(("/header", "/footer"))
