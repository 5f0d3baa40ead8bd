"""A unit's narrative report (.docx) read into the sections of 附件1's framework: its paragraphs
(``read_paragraphs``), the template artefacts and internal notes taken out (``clean_text``), and the text split
by its headings (``split_sections``); ``read_narrative`` does all three.

A heading is recognised by its words, whatever its number (一、 (一) （一） 1. 1、 一.) or style (Word heading
styles, or none), and may carry the section's first sentence after it (“（一）主要目标指标进展。本局……”).
What was taken out is kept (``UnitNarrative.removed``) so the office sees it; none of it reaches the city
report.

May import: planeval.catalog, planeval.records, planeval.safetext."""

from __future__ import annotations

import html
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Literal

from planeval.catalog import ReportSection, normalise_text

if TYPE_CHECKING:
    from docx.table import Table
    from docx.text.paragraph import Paragraph


@dataclass(frozen=True)
class DocParagraph:
    """One paragraph of a document: its text and, for a paragraph in a heading style (标题 1, Heading 2, an
    outline level), that level (1 for the top; 0 for the Title style)."""

    text: str
    level: int | None = None


@dataclass(frozen=True)
class UnitNarrative:
    """A unit's report split into the framework's sections: cleaned paragraphs per section key, the text under
    no recognised heading (``unplaced``) and every fragment the cleaner took out (``removed``)."""

    sections: dict[str, list[str]] = field(default_factory=dict)
    unplaced: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)

    def missing(self, keys: Iterable[str]) -> list[str]:
        """The section keys among ``keys`` this report holds no text for, in the order given."""
        return [key for key in keys if not self.sections.get(key)]

    @classmethod
    def joined(cls, parts: Sequence[UnitNarrative]) -> UnitNarrative:
        """One unit's several reports (one per plan, say) as one: each section's paragraphs in report order."""
        sections: dict[str, list[str]] = {}
        for part in parts:
            for key, paragraphs in part.sections.items():
                sections.setdefault(key, []).extend(paragraphs)
        return cls(
            sections,
            [text for part in parts for text in part.unplaced],
            [text for part in parts for text in part.removed],
        )


# --- reading ----------------------------------------------------------------------------------------------

_HEADING_STYLE = re.compile(r"^(?:heading|标题)\s*(\d)$", re.IGNORECASE)


def read_paragraphs(path: Path) -> list[DocParagraph]:
    """The paragraphs of a .docx in document order, table cells included (each cell's paragraphs once, row by
    row), with the heading level of their style. Raises what python-docx raises for a file that is not a
    readable Word document: the caller decides (intake.documents.check_document rejects such files first)."""
    from docx import Document
    from docx.table import Table

    document = Document(str(path))
    found: list[DocParagraph] = []
    for block in document.iter_inner_content():
        if isinstance(block, Table):
            found += _table_paragraphs(block)
        else:
            found.append(DocParagraph(block.text, _heading_level(block)))
    return found


def _table_paragraphs(table: Table) -> list[DocParagraph]:
    found: list[DocParagraph] = []
    seen: set[int] = set()
    for row in table.rows:
        for cell in row.cells:
            if id(cell._tc) in seen:  # a merged cell is listed once per grid column it spans
                continue
            seen.add(id(cell._tc))
            found += [DocParagraph(p.text, None) for p in cell.paragraphs]
    return found


def _heading_level(paragraph: Paragraph) -> int | None:
    """The level of a paragraph's heading style or its outline level; None for body text."""
    style = paragraph.style.name if paragraph.style is not None else ""
    if style.lower() == "title":
        return 0
    if match := _HEADING_STYLE.match(style or ""):
        return int(match.group(1))
    outline = paragraph._p.xpath("./w:pPr/w:outlineLvl/@w:val")
    if outline and str(outline[0]).isdigit() and int(outline[0]) < 9:
        return int(outline[0]) + 1
    return None


# --- cleaning ---------------------------------------------------------------------------------------------

_TEMPLATE_TAG = re.compile(r"\{%.*?%\}|\{#.*?#\}|<!--.*?-->", re.DOTALL)
_TEMPLATE_VALUE = re.compile(r"\{\{(.*?)\}\}", re.DOTALL)
_TEMPLATE_NAME = re.compile(r"^[A-Za-z_][\w.\[\]'\"|() ]*$")  # {{ unit.name }}: a variable never filled
_STRAY_MARK = re.compile(r"\{\{|\}\}|\{%|%\}|\{#|#\}")
_HTML_TAG = re.compile(r"</?[A-Za-z][A-Za-z0-9]*(?:\s[^<>]*)?/?>")
_NOTE_WORDS = (
    "核实",
    "核对",
    "待补",
    "待定",
    "待核",
    "待确认",
    "待更新",
    "待填",
    "内部",
    "批注",
    "仅供",
    "不对外",
    "此处",
    "删除",
    "删去",
    "修改",
    "存疑",
    "TODO",
    "todo",
)
# a bracketed aside: （…）, (…), 【…】, [...], 〔…〕, <…>, ＜…＞ holding no bracket itself (the innermost first);
# an angle-bracketed aside stays unless it is a note (<35%> and “<核实>” differ by their words)
_BRACKETED = re.compile(r"[（(【\[〔<＜]([^（()）【】\[\]〔〕<>＜＞]*)[）)】\]〕>＞]")
_OFFICE_NOTE = re.compile(
    r"^(?:请(?:市)?(?:安委办|安委会办公室|安委会|办公室|领导|审核|核实|核对|补充|删除|修改|确认|注意)"
    r"|(?:批注|内部资料|内部参考|仅供内部)"
    r"|(?:注|备注)[:：].*(?:内部|仅供|不对外|核实|待补|待定))"
)
_INTERNAL = re.compile(r"内部资料|仅供内部|不对外|内部参考")
_PLACEHOLDER = re.compile(r"(?<![A-Za-z])[XxＸｘ×]{2,}(?![A-Za-z])")
_SENTENCE = re.compile(r"[^。！？；!?;]*(?:[。！？；!?;]+[”’」』）)]*|$)")
_CLAUSE = re.compile(r"[^，、；。！？,;!?]*(?:[，、；。！？,;!?]|$)")


def clean_text(text: str) -> tuple[str, list[str]]:
    """``text`` without template artefacts and internal notes, and the fragments taken out, in order.

    - HTML entities decoded (``&amp;`` → &, ``&lt;`` → <); HTML tags and comments dropped;
    - ``{{ 重大事故 }}`` keeps its words (重大事故), ``{{ unit.name }}`` (a variable never filled) and
      ``{% … %}``/``{# … #}`` tags go, as do stray ``{{``/``}}``;
    - bracketed notes to the office: （请市安委办核实）, 【待补充】, [内部], （此处需核实数据）, any bracket
      holding 核实, 待补充, 内部, 批注, 仅供, 不对外, 此处, 删除, 修改 … or starting with 请;
    - sentences that are notes: “请市安委办……”, “批注：…”, “内部资料，不对外”, “注：…仅供内部参考”;
    - a clause holding a placeholder left from the template (XX, XXX, ××): the clause, not a made-up figure;
    - then the punctuation the cuts leave behind is tidied (“，。” → “。”, empty brackets).
    """
    removed: list[str] = []
    text = html.unescape(html.unescape(text)).replace("\u00a0", " ")
    text = _cut(_HTML_TAG, text, removed)
    text = _cut(_TEMPLATE_TAG, text, removed)
    text = _TEMPLATE_VALUE.sub(lambda match: _template_value(match, removed), text)
    text = _cut(_STRAY_MARK, text, removed)
    text = _without_bracketed_notes(text, removed)
    text = "".join(_kept_sentence(sentence, removed) for sentence in _SENTENCE.findall(text))
    return _tidy(text), removed


def _cut(pattern: re.Pattern[str], text: str, removed: list[str]) -> str:
    removed += [match.group() for match in pattern.finditer(text) if match.group().strip()]
    return pattern.sub("", text)


def _template_value(match: re.Match[str], removed: list[str]) -> str:
    removed.append(match.group())
    inner = match.group(1).strip()
    return "" if _TEMPLATE_NAME.match(inner) else inner


def _is_note(aside: str) -> bool:
    aside = aside.strip()
    if not aside or aside.startswith("请"):
        return True
    return any(word in aside for word in _NOTE_WORDS) or bool(_PLACEHOLDER.search(aside))


def _without_bracketed_notes(text: str, removed: list[str]) -> str:
    """Bracketed notes out, innermost first; brackets that are not notes are kept as typed."""
    kept: dict[str, str] = {}  # placeholder → a bracketed aside that stays

    def replace(match: re.Match[str]) -> str:
        if _is_note(match.group(1)):
            if match.group(1).strip():
                removed.append(match.group())
            return ""
        token = f"\x00{len(kept)}\x00"
        kept[token] = match.group()
        return token

    while True:
        changed = _BRACKETED.sub(replace, text)
        if changed == text:
            break
        text = changed
    for token, aside in reversed(kept.items()):
        text = text.replace(token, aside)
    return text


def _kept_sentence(sentence: str, removed: list[str]) -> str:
    """A sentence as it stays: gone when it is a note to the office, its placeholder clauses cut."""
    bare = sentence.strip()
    if not bare:
        return sentence
    if _OFFICE_NOTE.match(bare) or _INTERNAL.search(bare):
        removed.append(bare)
        return ""
    if not _PLACEHOLDER.search(sentence):
        return sentence
    clauses = []
    for clause in _CLAUSE.findall(sentence):
        if _PLACEHOLDER.search(clause):
            removed.append(clause.strip())
            clause = clause[-1] if clause and clause[-1] in "。！？；" else ""
        clauses.append(clause)
    return "".join(clauses)


_TIDY = (
    (re.compile(r"[ \t\u3000]{2,}"), " "),
    (re.compile(r"[，、,]+\s*(?=[。！？；;：:）)]|$)"), ""),  # a pause before an end: the end alone
    (re.compile(r"([。！？；])[。；，、]+"), r"\1"),
    (re.compile(r"^[\s，、。；：,;:]+"), ""),
    (re.compile(r"[（(]\s*[）)]|【\s*】|\[\s*\]"), ""),
)


def _tidy(text: str) -> str:
    for _ in range(2):  # a cut bracket may leave “，。”, whose tidying may leave a leading mark
        for pattern, replacement in _TIDY:
            text = pattern.sub(replacement, text)
    return text.strip()


# --- sections ---------------------------------------------------------------------------------------------

_CHINESE_NUMBER = "一二三四五六七八九十百零〇"
_TOP_NUMBER = re.compile(
    rf"^\s*(?:第[{_CHINESE_NUMBER}\d]+(?:部分|章|节)[、.．，,：:\s]*|[{_CHINESE_NUMBER}]+\s*[、.．，,])\s*"
)
_SUB_NUMBER = re.compile(rf"^\s*[（(]\s*[{_CHINESE_NUMBER}]+\s*[）)]\s*[、.．]?\s*")
# 1. 1、 (1) ①: the numbers of a list; such an item names a section only by its exact words
_ITEM_NUMBER = re.compile(r"^\s*(?:[（(]\s*\d+\s*[）)]|\d+\s*(?:[、，,]|[.．](?!\d))|[①-⑳])\s*[、.．]?\s*")
_HEAD_END = re.compile(r"[。：:；;！!？?]")
_SHORT_HEADING = 40  # characters: a line without 。 this short can be a heading on its own
_CONTAINS_MIN = 4  # characters both a head and a heading word need before one may contain the other

Rank = Literal["top", "sub", "plain"]


@dataclass(frozen=True)
class _Heading:
    rank: Rank  # top: 一、, 第一部分, 标题 1; sub: (一), 1., 标题 2+; plain: no number and no style
    key: str | None  # the framework section it names, if any
    rest: str  # text after the heading on the same paragraph


def split_sections(paragraphs: Sequence[DocParagraph], sections: tuple[ReportSection, ...]) -> UnitNarrative:
    """A report's paragraphs split into the framework's ``sections`` by their headings, each paragraph cleaned
    (``clean_text``; paragraphs left empty are dropped).

    - a heading names a section when its head (the words after its number, up to the first 。 or ：, or the
      whole of a short line) equals a section's title or alias after normalisation, or, for a heading numbered
      一、/（一） or in a level 1–2 heading style, one contains the other (both at least 4 characters); a list
      item (1. 1、 (1) ①) only by its exact words, so “2.加强风险挑战应对能力建设” stays a task;
    - text after an inline heading (“（一）主要目标指标进展。本局……”) starts that section;
    - a top-level heading (一、, 第一部分, 标题 1) that names no section closes the current one: what follows is
      ``unplaced`` until the next recognised heading; a numbered sub-item that names none is content;
    - the title lines before the first heading are dropped; longer text there is ``unplaced``.
    """
    keys = _heading_keys(sections)
    placed: dict[str, list[str]] = {}
    unplaced: list[str] = []
    removed: list[str] = []
    current: str | None = None
    started = False
    pending: str | None = None  # an unrecognised top-level heading, printed before the text under it
    for paragraph in paragraphs:
        text, cut = clean_text(paragraph.text)
        removed += cut
        if not text:
            continue
        heading = _heading(text, paragraph.level, keys)
        if heading.key is not None:
            current, started, pending = heading.key, True, None
            _add(placed.setdefault(heading.key, []), heading.rest)
        elif heading.rank == "top":
            current, started, pending = None, True, None if heading.rest else text
            if heading.rest:
                unplaced.append(text)
        elif current is not None:
            placed[current].append(text)
        elif started or not _is_title_line(text, paragraph.level):
            unplaced += [pending, text] if pending else [text]
            pending = None
    return UnitNarrative(sections={k: v for k, v in placed.items() if v}, unplaced=unplaced, removed=removed)


def _add(paragraphs: list[str], text: str) -> None:
    if text.strip():
        paragraphs.append(text.strip())


def _is_title_line(text: str, level: int | None) -> bool:
    """A line of the document's title block (title, unit, date): a Title style, or short without 。."""
    return level == 0 or (len(text) <= _SHORT_HEADING * 2 and "。" not in text.rstrip("。"))


def _heading_keys(sections: Iterable[ReportSection]) -> list[tuple[str, str]]:
    """(normalised heading word, section key) for every title and alias, longest first."""
    pairs = [(normalise_text(word), s.key) for s in sections for word in (s.title, *s.aliases)]
    return sorted(pairs, key=lambda pair: -len(pair[0]))


def _heading(text: str, level: int | None, keys: list[tuple[str, str]]) -> _Heading:
    """What a (cleaned) paragraph is: a heading of some rank naming a section or none, or plain text."""
    rank: Rank = "plain"
    body, loose = text, level in (1, 2)
    if match := _TOP_NUMBER.match(text):
        rank, body, loose = "top", text[match.end() :], True
    elif match := _SUB_NUMBER.match(text):
        rank, body, loose = "sub", text[match.end() :], True
    elif match := _ITEM_NUMBER.match(text):
        rank, body = "sub", text[match.end() :]
    if level is not None and level > 0 and rank == "plain":
        rank = "top" if level == 1 else "sub"
    end = _HEAD_END.search(body)
    if end is not None:
        head, rest = body[: end.start()], body[end.end() :]
    elif len(body) <= _SHORT_HEADING:
        head, rest = body, ""
    else:
        return _Heading(rank if level else "plain", None, "")
    if level is None and not _reads_as_heading(head):
        return _Heading("plain", None, "")  # “一、全年检查企业300家，……。”: a list item, not a heading
    return _Heading(rank, _match_key(head, keys, loose=loose), rest)


def _reads_as_heading(head: str) -> bool:
    """A head reads as a heading's: short and one phrase (no ，)."""
    return len(head) <= _SHORT_HEADING and not re.search(r"[，,]", head)


def _match_key(head: str, keys: list[tuple[str, str]], *, loose: bool) -> str | None:
    """The section a heading's head names: an equal title or alias; with ``loose``, one containing the other
    (both at least 4 characters), the longest heading word first."""
    wanted = normalise_text(head).rstrip("。.，,；;：:")
    if not wanted:
        return None
    for word, key in keys:
        if word == wanted:
            return key
    if not loose or len(wanted) < _CONTAINS_MIN:
        return None
    for word, key in keys:
        if len(word) >= _CONTAINS_MIN and (word in wanted or wanted in word):
            return key
    return None


def read_narrative(path: Path, sections: tuple[ReportSection, ...]) -> UnitNarrative:
    """A unit's report read and split into ``sections`` (``read_paragraphs`` then ``split_sections``). A file
    that is not a readable .docx raises python-docx's error (PackageNotFoundError, KeyError, BadZipFile…):
    catch it where a report is read, and show the unit the reason as intake.documents.check_document does."""
    return split_sections(read_paragraphs(path), sections)
