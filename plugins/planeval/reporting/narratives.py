"""The units' narrative reports compiled by the framework's sections (附件1): excerpts within a length budget
for the city report (``compile_sections``, ``excerpt``), and the office's working annex with every unit's full
text (``write_compilation``: 《各单位总结评估报告汇编(工作稿)》).

The texts come cleaned by planeval.intake.narrative: no template artefact or internal note reaches either;
the annex lists what was taken out, per unit, for the office to check.

May import: planeval.catalog, planeval.intake.narrative, planeval.files, planeval.settings and
planeval.reporting.typography and titles."""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, TypedDict

from planeval.catalog import Campaign, Catalog, ReportSection, Unit
from planeval.files import replace_atomically
from planeval.intake.narrative import UnitNarrative
from planeval.reporting.titles import campaign_title
from planeval.settings import TEMPLATES_DIR

if TYPE_CHECKING:
    from docx.document import Document

# the styles (仿宋_GB2312 body, 黑体/楷体_GB2312 headings, 方正小标宋简体 title) and page of the city report
STYLE_SOURCE = "summary_report.docx"


class CompiledSection(TypedDict):
    """One framework section as the city report compiles it: each unit's excerpt (unit name, text) in catalog
    order, and the units whose report lacks the section."""

    key: str
    title: str
    excerpts: list[tuple[str, str]]
    missing: list[str]


# --- excerpts ---------------------------------------------------------------------------------------------

_SENTENCE = re.compile(r"[^。！？；!?;]+(?:[。！？；!?;]+[”’」』）)]*|$)")
_WRAPPERS = {"“": "”", "‘": "’", '"': '"', "「": "」", "『": "』", "（": "）", "(": ")", "【": "】", "[": "]"}
_ENDS = "。！？；!?;…"


def _unwrapped(paragraph: str) -> str:
    """A paragraph without quotation marks or brackets around the whole of it (“……。” → ……。)."""
    text = paragraph.strip()
    while len(text) >= 2 and _WRAPPERS.get(text[0]) == text[-1] and _balanced_inside(text):
        text = text[1:-1].strip()
    return text


def _balanced_inside(text: str) -> bool:
    """The opening mark at the start is closed only by the last character (“甲”和“乙” is not wrapped)."""
    opening, closing = text[0], text[-1]
    if opening == closing:
        return text.count(opening) == 2
    depth = 0
    for index, char in enumerate(text):
        depth += (char == opening) - (char == closing)
        if depth == 0 and index < len(text) - 1:
            return False
    return True


def _size(text: str) -> int:
    """Characters that count towards a limit: all but whitespace."""
    return len("".join(text.split()))


def _sentences(paragraphs: list[str]) -> list[str]:
    found: list[str] = []
    for paragraph in paragraphs:
        text = _unwrapped(paragraph)
        if not text:
            continue
        if text[-1] not in _ENDS and text[-1] not in "”’）)：:":
            text += "。"  # a paragraph without its full stop (a heading-like line) ends a sentence
        found += [sentence.strip() for sentence in _SENTENCE.findall(text) if sentence.strip()]
    return found


def excerpt(paragraphs: list[str], limit: int) -> str:
    """The paragraphs' first whole sentences (ended by 。！？；) that fit ``limit`` characters (whitespace not
    counted), joined; quotation marks or brackets around a whole paragraph are dropped. A sentence is never cut,
    unless the first alone is longer than ``limit``: then it is cut at ``limit`` and ends with …. A last
    sentence ended by ； ends with 。."""
    if limit <= 0:
        return ""
    chosen: list[str] = []
    used = 0
    for sentence in _sentences(paragraphs):
        size = _size(sentence)
        if used + size > limit:
            if not chosen:
                return _cut(sentence, limit)
            break
        chosen.append(sentence)
        used += size
    text = "".join(chosen)
    return text[:-1] + "。" if text.endswith(("；", ";")) else text


def _cut(sentence: str, limit: int) -> str:
    """The first ``limit`` counted characters of ``sentence``, then …."""
    counted = 0
    for index, char in enumerate(sentence):
        if not char.isspace():
            counted += 1
        if counted == limit:
            return sentence[: index + 1].rstrip("，、；,; ") + "…"
    return sentence


# --- compiling --------------------------------------------------------------------------------------------


def framework(catalog: Catalog) -> tuple[ReportSection, ...]:
    """The sections of 附件1's framework, in their order; empty when the catalog compiles none."""
    form = catalog.forms.summary_report
    return form.sections if form is not None else ()


def ordered_units(catalog: Catalog, narratives: dict[str, UnitNarrative]) -> list[tuple[str, str]]:
    """(unit code, unit name) of every unit with a report: departments, then towns, each in catalog order;
    a code the catalog does not know comes last under its own name."""
    known: list[Unit] = [u for kind in ("department", "town") for u in catalog.units if u.kind == kind]
    units = [(u.code, u.name) for u in known if u.code in narratives]
    codes = {u.code for u in known}
    return units + [(code, code) for code in narratives if code not in codes]


# The shortest quote worth printing: below it a unit's words would be cut to a stub, so fewer units are quoted.
MIN_QUOTE = 60


def compile_sections(
    catalog: Catalog,
    narratives: dict[str, UnitNarrative],
    budget: int,
    keys: Iterable[str] | None = None,
) -> list[CompiledSection]:
    """Per framework section (those in ``keys``; all by default), in catalog order: an excerpt (``excerpt``)
    of the units that wrote it, in catalog unit order (departments, then towns), and the names of the units
    whose report lacks it (``narratives``: unit code → its report).

    ``budget`` characters are shared fairly: each section gets an equal share of what is left, each unit an
    equal share of what is left of its section's; what a unit or a section does not use flows on to the next.
    Where the share would give each writer less than MIN_QUOTE, only as many writers are quoted as the share
    allows, those who wrote the most first (their words stay in the working annex)."""
    wanted = set(keys) if keys is not None else None
    sections = [s for s in framework(catalog) if wanted is None or s.key in wanted]
    units = ordered_units(catalog, narratives)
    compiled: list[CompiledSection] = []
    left = max(budget, 0)
    for index, section in enumerate(sections):
        share = left // (len(sections) - index)
        writers = _quoted_writers(
            [(code, name) for code, name in units if narratives[code].sections.get(section.key)],
            narratives,
            section.key,
            share,
        )
        excerpts: list[tuple[str, str]] = []
        section_left = share
        for position, (code, name) in enumerate(writers):
            text = excerpt(narratives[code].sections[section.key], section_left // (len(writers) - position))
            section_left -= _size(text)
            if text:
                excerpts.append((name, text))
        left -= share - section_left
        missing = [name for code, name in units if not narratives[code].sections.get(section.key)]
        compiled.append({"key": section.key, "title": section.title, "excerpts": _merged(excerpts), "missing": missing})
    return compiled


def _merged(excerpts: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """Units that wrote the same words are quoted once, together (“市人社局、市资源规划局:…”)."""
    names: dict[str, list[str]] = {}
    for name, text in excerpts:
        names.setdefault(text, []).append(name)
    return [("、".join(units), text) for text, units in names.items()]


def _quoted_writers(
    writers: list[tuple[str, str]], narratives: dict[str, UnitNarrative], key: str, share: int
) -> list[tuple[str, str]]:
    """The writers a share of ``share`` characters can quote at MIN_QUOTE each: the most substantive first,
    kept in catalog order."""
    room = share // MIN_QUOTE
    if room >= len(writers):
        return writers
    by_length = sorted(writers, key=lambda w: -sum(_size(p) for p in narratives[w[0]].sections[key]))
    chosen = {code for code, _ in by_length[:room]}
    return [writer for writer in writers if writer[0] in chosen]


# --- the working annex ------------------------------------------------------------------------------------

_CHINESE_ORDINALS = "一二三四五六七八九十"


def write_compilation(
    catalog: Catalog,
    campaign: Campaign,
    narratives: dict[str, UnitNarrative],
    target: Path,
    *,
    draft: bool,
    review: Sequence[tuple[str, Sequence[str]]] = (),
) -> Path:
    """The office's working annex 《各单位总结评估报告汇编(工作稿)》: per framework section a heading, each
    unit's full cleaned text under its name in bold, then “未述及本部分的单位：…”; a last part with, per unit,
    its text under no recognised heading and what was taken out of it (“已从正文剔除的内部批注和模板残留”).

    ``target``: the .docx to write, or a folder to write it into (named by the title, with “(征求意见稿)” for a
    draft). ``review``: the points the office settles before signing (heading, lines), printed first as
    “需核定的事项”. The styles and page are the city report's (templates/summary_report.docx); written
    atomically."""
    from docx import Document as open_document

    from planeval.reporting.typography import apply_chinese_punctuation, apply_official_layout

    if target.suffix.lower() != ".docx":
        target = target / f"{campaign_title(catalog, campaign).compilation}{'(征求意见稿)' if draft else ''}.docx"
    document = open_document(str(TEMPLATES_DIR / STYLE_SOURCE))
    _start_empty(document, draft=draft)
    _title(document, catalog, campaign, draft=draft)
    units = ordered_units(catalog, narratives)
    parts = [f"需{catalog.short_office}核定的事项"] if review else []
    parts += [section.title for section in framework(catalog)] + ["未归入框架的内容和剔除记录"]
    headings = [f"{_CHINESE_ORDINALS[index % 10]}、{title}" for index, title in enumerate(parts)]
    if review:
        _review_part(document, headings.pop(0), review)
    for heading, section in zip(headings, framework(catalog), strict=False):
        _section_part(document, heading, section.key, units, narratives)
    _leftovers_part(document, headings[-1], units, narratives)
    apply_chinese_punctuation(document)
    apply_official_layout(document)
    return replace_atomically(target, lambda temporary: document.save(str(temporary)))


def _start_empty(document: Document, *, draft: bool) -> None:
    """The style source's body emptied, its first section's page (A4 portrait, its header and page-number
    footer) kept as the only one, and the header's draft mark resolved."""
    from docx.oxml.ns import qn

    body = document.element.body
    first = body.xpath("./w:p/w:pPr/w:sectPr")  # the report's body; the annexes' landscape section follows
    last = body.find(qn("w:sectPr"))
    if first and last is not None:
        last.addprevious(first[0])
        body.remove(last)
    for child in list(body):
        if child.tag != qn("w:sectPr"):
            body.remove(child)
    for section in document.sections:
        for part in (section.header, section.even_page_header):
            for paragraph in part.paragraphs:
                if "{%" in paragraph.text or "{{" in paragraph.text:
                    for run in paragraph.runs:
                        run.text = ""
                    if draft and paragraph.runs:
                        paragraph.runs[0].text = "征求意见稿"


def _title(document: Document, catalog: Catalog, campaign: Campaign, *, draft: bool) -> None:
    from docx.enum.text import WD_ALIGN_PARAGRAPH

    title = campaign_title(catalog, campaign)
    document.add_paragraph(title.compilation, style="Title").alignment = WD_ALIGN_PARAGRAPH.CENTER
    if draft:
        document.add_paragraph("（征求意见稿）").alignment = WD_ALIGN_PARAGRAPH.CENTER
    note = (
        f"本汇编为{catalog.short_office}工作稿，供起草{title.report}时查阅：按{title.units_reports}框架（附件1）"
        "逐部分辑录各单位报告原文（已剔除内部批注和模板残留），不对外印发。"
    )
    document.add_paragraph(note)


def _section_part(
    document: Document,
    heading: str,
    key: str,
    units: list[tuple[str, str]],
    narratives: dict[str, UnitNarrative],
) -> None:
    """A framework section: its heading, each unit's full text under its name in bold, the units lacking it."""
    document.add_heading(heading, level=1)
    missing: list[str] = []
    for code, name in units:
        paragraphs = narratives[code].sections.get(key, [])
        if not paragraphs:
            missing.append(name)
            continue
        _unit_text(document, name, paragraphs)
    if missing:
        document.add_paragraph(f"未述及本部分的单位：{'、'.join(missing)}。")


def _review_part(document: Document, heading: str, review: Sequence[tuple[str, Sequence[str]]]) -> None:
    """The points to settle, one sub-heading each, numbered lines under it."""
    document.add_heading(heading, level=1)
    for index, (title, lines) in enumerate(review, start=1):
        document.add_heading(f"（{_CHINESE_ORDINALS[(index - 1) % 10]}）{title}", level=2)
        for number, line in enumerate(lines, start=1):
            document.add_paragraph(f"{number}. {line}")


def _unit_text(document: Document, name: str, paragraphs: list[str]) -> None:
    from docx.shared import Pt

    label = document.add_paragraph()
    label.add_run(name).bold = True
    label.paragraph_format.keep_with_next = True
    for text in paragraphs:
        document.add_paragraph(text).paragraph_format.first_line_indent = Pt(32)  # two characters of 三号


def _leftovers_part(
    document: Document, heading: str, units: list[tuple[str, str]], narratives: dict[str, UnitNarrative]
) -> None:
    """Per unit: its text under no recognised heading, and what the cleaner took out of its report."""
    document.add_heading(heading, level=1)
    document.add_heading("（一）未归入框架各部分的内容", level=2)
    unplaced = [(name, narratives[code].unplaced) for code, name in units if narratives[code].unplaced]
    for name, paragraphs in unplaced:
        _unit_text(document, name, paragraphs)
    if not unplaced:
        document.add_paragraph("无。")
    document.add_heading("（二）已从正文剔除的内部批注和模板残留", level=2)
    removed = [(name, narratives[code].removed) for code, name in units if narratives[code].removed]
    for name, fragments in removed:
        label = document.add_paragraph()
        label.add_run(name).bold = True
        for fragment in fragments:
            document.add_paragraph(f"剔除：{_shown(fragment)}")
    if not removed:
        document.add_paragraph("无。")


def _shown(fragment: str) -> str:
    """A removed fragment as the annex lists it: template marks spelled out so the annex holds none itself."""
    marks = {"{{": "｛｛", "}}": "｝｝", "{%": "｛%", "%}": "%｝", "{#": "｛#", "#}": "#｝"}
    for mark, shown in marks.items():
        fragment = fragment.replace(mark, shown)
    return fragment
