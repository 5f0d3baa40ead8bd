"""Chinese punctuation in the rendered documents (GB/T 15834: full-width marks in Chinese text).

The catalog, the seeds and what departments type often carry ASCII punctuation (“下降16.6%,已提前实现”,
“责任单位:市应急管理局”, “生产安全事故起数下降(%)”). A document the office signs uses the full-width
marks, so every rendered document gets one pass: a mark next to Chinese text becomes full-width, while
numbers, times and Latin text keep theirs (“1,000”, “15:30”, “alert(1)”, “[附件4!H12]”).

The same pass lays the document out as GB/T 9704 asks where a template cannot say it (apply_official_layout):
titles broken between words (title_lines), the signature block kept with the body, table headers repeated
and rows kept whole, figures that never wrap in a cell, no blank page.
"""

from __future__ import annotations

import re
from itertools import pairwise
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from docx.document import Document
    from docx.opc.rel import _Relationship
    from docx.oxml.xmlchemy import BaseOxmlElement
    from docx.table import Table

_FULL_WIDTH = {",": "，", ":": "：", ";": "；", "!": "！", "?": "？", "(": "（", ")": "）"}
# CJK ideographs, CJK and full-width punctuation, Chinese quotes and book-title marks, and the two private-use
# marks around drafted Chinese text (reporting/drafting.py), which are removed after this pass
_CHINESE = re.compile(
    r"[\u2e80-\u2fff\u3000-\u303f\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uff00-\uffef“”‘’《》\ue000\ue001]"
)


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


# --- GB/T 9704 layout -----------------------------------------------------------------------------------

# A title breaks after a pause mark, a closing quote or book-title mark, or the conjunction 和: never inside a
# name (“…体系和能\n力建设…”). 19 characters of 二号 fill the 156 mm text block with a margin to spare.
_TITLE_PIECE = re.compile(r".+?(?:[、，；：,;:”》](?=.)|和(?=.)|$)")
TITLE_CHARS = 19


def em_width(text: str) -> float:
    """Width of ``text`` in characters of its size: an ASCII letter or digit is about half a Chinese one."""
    return sum(0.5 if ord(char) < 128 else 1.0 for char in text)


def title_lines(*parts: str, max_chars: float = TITLE_CHARS) -> list[str]:
    """A title set on as few lines as fit ``max_chars``, then as even as possible (GB/T 9704 §7.3.3: 梯形或
    菱形), broken only between ``parts`` or after a pause mark, a closing quote or 和."""
    pieces = [piece for part in parts for piece in _TITLE_PIECE.findall(part) if piece]
    if not pieces:
        return []
    # best[end]: (lines, widest line, starts of the lines) of the best setting of pieces[:end]
    best: dict[int, tuple[int, float, list[int]]] = {0: (0, 0.0, [])}
    for end in range(1, len(pieces) + 1):
        options = []
        for start in range(end):
            width = em_width("".join(pieces[start:end]))
            if width <= max_chars or end - start == 1:  # a single piece longer than a line has to wrap
                lines, widest, starts = best[start]
                options.append((lines + 1, max(widest, width), [*starts, start]))
        best[end] = min(options)
    starts = [*best[len(pieces)][2], len(pieces)]
    return ["".join(pieces[a:b]) for a, b in pairwise(starts)]


def apply_official_layout(document: Document) -> None:
    """The layout GB/T 9704 asks of a rendered document that docxtpl cannot express in a template: page
    breaks that never leave a blank page, the signature block kept with the body, table rows that repeat
    their header and never split, figures that never wrap inside a cell."""
    body = document.element.body
    _page_breaks_as_paragraph_properties(body)
    _section_breaks_in_last_paragraph(body)
    _no_trailing_blank(body)
    _signature_blocks(document)
    for table in document.tables:
        _table_rows(table)
        _figures_kept_whole(table)


def _text(element: BaseOxmlElement) -> str:
    """The text of the ``w:t`` elements under ``element``."""
    return "".join(element.xpath(".//w:t/text()"))


def _is_blank(paragraph: BaseOxmlElement) -> bool:
    """An empty paragraph: no text, picture, break, field or section break."""
    from docx.oxml.ns import qn

    if paragraph.tag != qn("w:p") or _text(paragraph).strip():
        return False
    return not paragraph.xpath(".//w:drawing|.//w:pict|.//w:object|.//w:br|.//w:sectPr|.//w:fldChar")


def _is_page_break(paragraph: BaseOxmlElement) -> bool:
    from docx.oxml.ns import qn

    if paragraph.tag != qn("w:p") or _text(paragraph).strip():
        return False
    breaks = paragraph.xpath(".//w:br")
    return bool(breaks) and all(br.get(qn("w:type")) == "page" for br in breaks)


def _page_breaks_as_paragraph_properties(body: BaseOxmlElement) -> None:
    """A paragraph holding only a page break (docxtpl's ``\\f`` puts an empty paragraph on each side of it)
    becomes “page break before” on the next paragraph: an empty line after a full page no longer spills onto a
    page of its own."""
    from docx.oxml.ns import qn

    for paragraph in [p for p in body.iterchildren(qn("w:p")) if _is_page_break(p)]:
        while (after := paragraph.getnext()) is not None and _is_blank(after):
            body.remove(after)
        while (before := paragraph.getprevious()) is not None and _is_blank(before):
            body.remove(before)
        if after is None or after.tag != qn("w:p"):
            continue  # a table follows: the break stays
        after.get_or_add_pPr().get_or_add_pageBreakBefore()
        body.remove(paragraph)


def _section_breaks_in_last_paragraph(body: BaseOxmlElement) -> None:
    """A section break held by an empty paragraph moves into the paragraph before it: the empty line would
    otherwise open a page of its own when the section fills its last page."""
    from docx.oxml.ns import qn

    for paragraph in list(body.iterchildren(qn("w:p"))):
        properties = paragraph.pPr
        if properties is None or properties.sectPr is None or _text(paragraph).strip():
            continue
        if paragraph.xpath(".//w:drawing|.//w:pict|.//w:br"):
            continue
        previous = paragraph.getprevious()
        if previous is None or previous.tag != qn("w:p") or previous.xpath("./w:pPr/w:sectPr"):
            continue
        previous.get_or_add_pPr().append(properties.sectPr)
        body.remove(paragraph)


def _no_trailing_blank(body: BaseOxmlElement) -> None:
    """No empty paragraph ends the document; a document that ends with a table gets the paragraph Word needs
    after it as a 1 pt line, so it never makes a page of its own."""
    from docx.oxml import parse_xml
    from docx.oxml.ns import nsdecls, qn

    content = [child for child in body if child.tag != qn("w:sectPr")]
    while content and _is_blank(content[-1]):
        body.remove(content.pop())
    if content and content[-1].tag == qn("w:tbl"):
        content[-1].addnext(
            parse_xml(
                f'<w:p {nsdecls("w")}><w:pPr><w:spacing w:before="0" w:after="0" w:line="20"'
                ' w:lineRule="exact"/><w:rPr><w:sz w:val="2"/></w:rPr></w:pPr></w:p>'
            )
        )


SIGNATURE_STYLE = "Signature"  # 署名: the office's name under the body
DATE_STYLE = "Date"  # 成文日期, the line under it
ATTACHMENT_STYLE = "Attachment Note"  # 附件说明, between the body and the signature
_CHARACTER = 320  # twips: one character of 三号 (16 pt)


def _signature_blocks(document: Document) -> None:
    """署名 and 成文日期 (GB/T 9704 §7.3.5.2, no seal): the office's name right-aligned two characters from
    the margin, the date under it starting two characters further right (or the date two characters from the
    margin and the name moved left, when the date is the longer); the block, the 附件说明 and the blank lines
    kept on one page with the last paragraph of the body."""
    from docx.shared import Twips

    paragraphs = document.paragraphs
    for index, signature in enumerate(paragraphs):
        if signature.style is None or signature.style.name != SIGNATURE_STYLE:
            continue
        following = paragraphs[index + 1] if index + 1 < len(paragraphs) else None
        if following is not None and following.style is not None and following.style.name == DATE_STYLE:
            office, date = em_width(signature.text.strip()), em_width(following.text.strip())
            office_indent = max(2.0, date + 4 - office)
            following.paragraph_format.right_indent = Twips(round((office_indent + office - 2 - date) * _CHARACTER))
            signature.paragraph_format.right_indent = Twips(round(office_indent * _CHARACTER))
        signature.paragraph_format.keep_with_next = True
        for previous in reversed(paragraphs[:index]):
            previous.paragraph_format.keep_with_next = True
            style = previous.style.name if previous.style is not None else ""
            if previous.text.strip() and style != ATTACHMENT_STYLE:
                previous.paragraph_format.keep_together = True  # the body's last paragraph, whole
                break


def _table_rows(table: Table) -> None:
    """Every row kept whole on its page (w:cantSplit), the first repeated atop each page (w:tblHeader)."""
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    for index, row in enumerate(table._tbl.tr_lst):
        properties = row.get_or_add_trPr()
        wanted = ["w:cantSplit", "w:tblHeader"] if index == 0 else ["w:cantSplit"]
        for tag in wanted:
            if properties.find(qn(tag)) is None:
                properties.append(OxmlElement(tag))


# A run no line may break: figures, serial numbers, Latin words (“1512.5”, “≥2.5m²”, “<0.2”); a cell of one or
# two Chinese characters (“序号”) is kept whole as well.
_UNBREAKABLE = re.compile(r"[^\s\u2e80-\u9fff\uf900-\ufaff\uff00-\uffef“”‘’《》]+")
_FIGURE_EM = 0.64  # a digit's width in the widest serif a server falls back to (DejaVu Serif), in em


def _unbreakable_width(text: str) -> float:
    """Width in em of the widest part of ``text`` no line may break."""
    text = text.strip()
    if 0 < len(text) <= 2 and all(_is_chinese(char) for char in text):
        return float(len(text))
    return max(
        (sum(_FIGURE_EM if ord(c) < 128 else 1.0 for c in token) for token in _UNBREAKABLE.findall(text)),
        default=0.0,
    )


def _figures_kept_whole(table: Table) -> None:
    """Widen every column whose figures or serial numbers would wrap (“1/0”, “0.137/5”) to fit them, taking the
    width from the columns with room to spare; the table keeps its total width."""
    from docx.oxml.ns import qn

    tbl = table._tbl
    columns = tbl.tblGrid.findall(qn("w:gridCol"))
    widths = [int(column.get(qn("w:w")) or 0) for column in columns]
    if not widths or not all(widths):
        return
    needs = _column_needs(tbl, len(widths))
    deficit = sum(max(0, need - width) for need, width in zip(needs, widths, strict=True))
    slack = [max(0, width - need) for need, width in zip(needs, widths, strict=True)]
    if not deficit or sum(slack) < deficit:
        return
    total_slack = sum(slack)
    widths = [
        max(need, width) if need > width else width - deficit * spare // total_slack
        for need, width, spare in zip(needs, widths, slack, strict=True)
    ]
    for column, width in zip(columns, widths, strict=True):
        column.set(qn("w:w"), str(width))
    for row in tbl.tr_lst:
        cells = row.tc_lst
        if len(cells) == len(widths):  # no merged cells: each cell's width is its column's (Word reads these)
            for cell, width in zip(cells, widths, strict=True):
                cell.get_or_add_tcPr().get_or_add_tcW().set(qn("w:w"), str(width))


def _column_needs(tbl: BaseOxmlElement, count: int) -> list[int]:
    """Per column, in twips: the widest run no line may break, at its cell's font size, plus the cell margins."""
    from docx.oxml.ns import qn

    margins = (
        sum(
            int(side.get(qn("w:w")) or 0)
            for side in tbl.xpath("./w:tblPr/w:tblCellMar/w:left|./w:tblPr/w:tblCellMar/w:right")
        )
        or 2 * 108
    )  # Word's default: 0.19 cm each side
    needs = [0] * count
    for row in tbl.tr_lst:
        cells = row.tc_lst
        if len(cells) != count:
            continue
        for index, cell in enumerate(cells):
            for paragraph in cell.iterchildren(qn("w:p")):
                sizes = paragraph.xpath(".//w:rPr/w:sz/@w:val")
                points = int(sizes[0]) / 2 if sizes else 16.0
                em = _unbreakable_width(_text(paragraph))
                needs[index] = max(needs[index], round(em * points * 20 * 1.05) + margins if em else 0)
    return needs
