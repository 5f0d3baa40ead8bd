"""The municipal summary assessment report (framework of 附件1, with 附件3/附件4 filled), from the warehouse.

Its own appendices are 附录一 (lagging indicators) and 附录二 (trend charts); 附件N keeps the notice's numbering
across the document set, listed after the body as GB/T 9704 §7.3.6 asks.

The prose is drafted from the data so the office edits a draft instead of writing from nothing. Where to
change what:

- a section's content (which indicators, which figures, drafted sentences): its builder in
  reporting/sections.py, one per section; e.g. the 问题 section (二) is ``build_problems``;
- the fixed wording and layout: templates/summary_report.docx (edit it in Word);
- sentences drafted from figures: reporting/words.py;
- what is read from the warehouse: reporting/facts.py.

This module composes the sections into the template's context and renders the report.

May import: planeval.catalog, planeval.settings and the modules of planeval.reporting below it (facts,
sections, words, render, charts)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, TypedDict

from sqlalchemy import Engine

from planeval.catalog import Campaign, Catalog
from planeval.reporting.drafting import without_drafting
from planeval.reporting.facts import ReportFacts, read_report_facts
from planeval.reporting.findings import build_achievements, build_findings
from planeval.reporting.narratives import compile_sections
from planeval.reporting.progress import build_task_appendix, build_tasks
from planeval.reporting.render import Context, render_docx
from planeval.reporting.sections import (
    attachment_list as attachment_list,  # re-exported: callers and tests import it from here
)
from planeval.reporting.sections import (
    build_closing,
    build_heading,
    build_indicator_tables,
    build_lagging_appendix,
    build_overview,
    build_problems,
    build_suggestions,
    build_trend_charts,
)
from planeval.settings import TEMPLATES_DIR

if TYPE_CHECKING:
    from docx.document import Document
    from docx.table import Table

SUMMARY_TEMPLATE = "summary_report.docx"


# The units' own words the body quotes, by framework section (reporting/narratives.py compiles them).
QUOTED_SECTIONS = ("measures", "achievements", "problems", "outlook")

# 字 kept free under the notice's limit when the quotes are fitted in (headings and numbering vary slightly).
LENGTH_MARGIN = 100

# The units' words quoted in a report whose campaign sets no length limit (the rest is in the working annex).
QUOTES_WITHOUT_LIMIT = 2000


def build_report_context(
    engine: Engine | None,
    catalog: Catalog,
    campaign: Campaign,
    *,
    draft: bool = True,
    generated_on: dt.date | None = None,
    charts_dir: Path | None = None,
    quote_budget: int = 0,
    facts: ReportFacts | None = None,
) -> dict[str, object]:
    """Everything the summary report template prints, drafted from the warehouse: the sections of
    reporting/sections.py, progress.py and findings.py, in the report's order, and up to ``quote_budget`` 字
    of the units' own words. With ``charts_dir``, a trend chart per indicator is drawn there and placed in the
    report's 附录二. ``draft``: drafted text is marked for the office (highlighted); the approved report is
    the same text, unmarked."""
    if facts is None:
        if engine is None:
            raise ValueError("build_report_context needs the warehouse engine or the facts read from it")
        facts = read_report_facts(engine, catalog, campaign)
    excerpts = build_excerpts(facts, quote_budget)
    unit_problems = [f"{e['unit']}:{e['text']}" for e in excerpts["excerpts"]["problems"]]
    context = merge_sections(
        build_heading(catalog, campaign, draft=draft),
        build_overview(facts),
        build_tasks(facts),
        build_achievements(facts),
        excerpts,
        build_problems(facts),
        build_findings(facts, unit_problems),
        build_suggestions(facts),
        build_closing(catalog, campaign, generated_on or dt.date.today()),
        build_lagging_appendix(facts),
        build_task_appendix(facts),
        build_trend_charts(facts, charts_dir),
        build_indicator_tables(facts),
    )
    return context if draft else without_drafting(context)


class Quote(TypedDict):
    unit: str
    text: str


class Excerpts(TypedDict):
    excerpts: dict[str, list[Quote]]


def build_excerpts(facts: ReportFacts, budget: int) -> Excerpts:
    """The units' own words for 一(二) 成效, 一(三) 举措, 二 and 三, within ``budget`` 字 in all, attributed."""
    quoted: dict[str, list[Quote]] = {key: [] for key in QUOTED_SECTIONS}
    if budget > 0 and facts.narratives:
        for section in compile_sections(facts.catalog, facts.narratives, budget, keys=QUOTED_SECTIONS):
            quoted[section["key"]] = [{"unit": unit, "text": text} for unit, text in section["excerpts"]]
    return {"excerpts": quoted}


def render_report(
    facts: ReportFacts, output: Path, *, draft: bool, day: dt.date, charts_dir: Path | None
) -> tuple[Path, int]:
    """Render the summary report from ``facts`` with as much of the units' own words as the notice's limit
    leaves: a first pass without quotes measures the drafted body, the second fills the rest of the limit.
    Returns (path, 正文 字数)."""
    catalog, campaign = facts.catalog, facts.campaign
    limit = campaign.word_limit
    budget = QUOTES_WITHOUT_LIMIT if facts.narratives else 0
    if limit and facts.narratives:
        bare = build_report_context(None, catalog, campaign, draft=draft, generated_on=day, facts=facts)
        _, drafted_length = render_summary_report(bare, output)
        budget = max(0, limit - drafted_length - LENGTH_MARGIN)
    context = build_report_context(
        None, catalog, campaign, draft=draft, generated_on=day, charts_dir=charts_dir, quote_budget=budget, facts=facts
    )
    return render_summary_report(context, output, word_limit=limit)


def merge_sections(*sections: Mapping[str, object]) -> dict[str, object]:
    """One context from the sections' keys. A key several sections give holds the same list of items in each
    (``plans``, a plan's ``rows``, ``lagging``): the items are merged one by one; any other shared key must
    have the same value in every section."""
    merged: dict[str, object] = {}
    for section in sections:
        for key, value in section.items():
            merged[key] = _merge_values(key, merged[key], value) if key in merged else value
    return merged


def _merge_values(key: str, first: object, second: object) -> object:
    if (
        isinstance(first, list)
        and isinstance(second, list)
        and all(isinstance(item, Mapping) for item in (*first, *second))
    ):
        if len(first) != len(second):
            raise ValueError(f"the sections list {len(first)} and {len(second)} items under {key!r}")
        return [merge_sections(a, b) for a, b in zip(first, second, strict=True)]
    if first != second:
        raise ValueError(f"the sections disagree on {key!r}: {first!r} and {second!r}")
    return first


def render_summary_report(
    context: Context, output: Path, template: Path | None = None, word_limit: int | None = None
) -> tuple[Path, int]:
    """Render the municipal summary report; when its 正文 is over ``word_limit`` 字 (the notice: 5000), render
    it again with a warning at the top. Returns (path, 正文 字数)."""
    template = template or TEMPLATES_DIR / SUMMARY_TEMPLATE
    render_docx(template, context, output, finish=fit_report_tables)
    count = body_character_count(output)
    if word_limit and count > word_limit:
        warning = f"正文约{count}字,超过通知要求的{word_limit}字,请精简后报送。"
        render_docx(template, dict(context, length_warning=warning), output, finish=fit_report_tables)
    return output, count


# Column widths (mm) of the 附件3/附件4 tables by header; the year columns share what is left. The template
# repeats its year column per campaign ({%tc for %}), and docxtpl then gives every column the same width,
# which squeezes an indicator's name into two characters a line.
INDICATOR_COLUMN_WIDTHS_MM = {
    "序号": 8.0,
    "规划指标内容": 37.0,
    "规划目标": 16.0,
    "规划属性": 16.0,
    "综合进度评价": 19.0,
    "单位自评": 17.0,
    "责任单位": 24.0,
}


FIRST_INDICATOR_HEADERS = ("序号", "规划指标内容")


# Column widths (mm) of 附录三 主要任务逐项评估表 on the portrait A4 text block (156 mm).
TASK_COLUMN_WIDTHS_MM = {
    "序号": 8.0,
    "规划": 15.0,
    "方面": 24.0,
    "主要任务": 31.0,
    "牵头单位": 22.0,
    "评估结果": 17.0,
    "评估依据": 39.0,
}


FIRST_TASK_HEADERS = ("序号", "规划")


def fit_report_tables(document: Document) -> None:
    """Readable column widths for the report's tables: 附件3/附件4 across the landscape text block, 附录三
    across the portrait one."""
    from docx.shared import Mm

    for table in document.tables:
        headers = [cell.text.strip() for cell in table.rows[0].cells]
        if tuple(headers[:2]) == FIRST_TASK_HEADERS:
            _set_widths(table, [Mm(TASK_COLUMN_WIDTHS_MM.get(h, 20.0)) for h in headers])
        elif tuple(headers[:2]) == FIRST_INDICATOR_HEADERS:
            _set_widths(table, _indicator_widths(document, headers))


def _indicator_widths(document: Document, headers: list[str]) -> list[int]:
    """The 附件3/附件4 widths: the named columns fixed, the year columns sharing what is left."""
    from docx.shared import Emu, Mm

    section = document.sections[-1]  # the annex tables close the report, on its landscape section
    page_width, left_margin, right_margin = section.page_width, section.left_margin, section.right_margin
    if page_width is None or left_margin is None or right_margin is None:  # the template sets all three
        raise ValueError("the report template's last section sets no page width or margins")
    text_block = page_width - left_margin - right_margin
    fixed = sum(INDICATOR_COLUMN_WIDTHS_MM.get(h, 0.0) for h in headers)
    shared = [h for h in headers if h not in INDICATOR_COLUMN_WIDTHS_MM]
    rest = Emu(max(Mm(10), (text_block - Mm(fixed)) // max(len(shared), 1)))
    return [Mm(INDICATOR_COLUMN_WIDTHS_MM[h]) if h in INDICATOR_COLUMN_WIDTHS_MM else rest for h in headers]


def _set_widths(table: Table, widths: list[int]) -> None:
    from docx.enum.table import WD_TABLE_ALIGNMENT
    from docx.oxml.ns import qn
    from docx.shared import Emu

    table.autofit = False
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    for column, width in zip(table._tbl.tblGrid.findall(qn("w:gridCol")), widths, strict=False):
        column.set(qn("w:w"), str(int(Emu(width).twips)))  # LibreOffice lays out by the grid
    for row in table.rows:
        for cell, width in zip(row.cells, widths, strict=False):
            cell.width = Emu(width)  # Word by each cell's width


BODY_END_MARKERS = ("附录一",)  # the body ends where the report's appendices begin


def body_character_count(path: Path) -> int:
    """字数 of the 正文 as Word counts Chinese text: every non-space character of the body paragraphs, from
    the first heading to the office's signature, without the title block, tables and annexes."""
    from docx import Document

    count, counting = 0, False
    for paragraph in Document(str(path)).paragraphs:
        text = paragraph.text.strip()
        if text.startswith("一、"):
            counting = True
        if text in BODY_END_MARKERS:
            break
        if counting:
            count += len("".join(text.split()))
    return count
