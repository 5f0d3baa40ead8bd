"""The feedback letter (反馈函) to every reporting unit: its ratings, its rejected files with their cells, what
it still owes.

Contexts for all units are built from a handful of queries (not one per unit), so 45 letters render in
about a second; ``bench/render.py`` measures it.

May import: planeval.catalog, planeval.dates, planeval.warehouse, planeval.monitoring and the modules of
planeval.reporting below it (facts, titles, words, render, typography)."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from io import BytesIO
from pathlib import Path
from typing import TypedDict

from sqlalchemy import Engine

from planeval.catalog import FORM_LABELS, Campaign, Catalog, Unit
from planeval.dates import beijing_date, chinese_date
from planeval.monitoring.obligations import ObligationStatus
from planeval.reporting.facts import Row
from planeval.reporting.render import render_docx
from planeval.reporting.titles import campaign_title
from planeval.reporting.typography import title_lines
from planeval.reporting.words import clause
from planeval.settings import TEMPLATES_DIR
from planeval.warehouse.db import fetch_all
from planeval.warehouse.quality import UnitQuality, data_quality

LETTER_TEMPLATE = "feedback_letter.docx"


class RatedIndicator(TypedDict):
    name: str
    rating: str
    reason: str
    note: str


class RejectedFile(TypedDict):
    name: str
    received: str
    errors: list[str]


class OwedForm(TypedDict):
    form_label: str
    due: str
    state: str


class Letter(TypedDict):
    """The context of one unit's feedback letter (templates/feedback_letter.docx)."""

    title: str
    title_lines: list[str]  # the title as it is set, broken between words (typography.title_lines)
    unit_name: str
    office: str
    opening: str
    indicators: list[RatedIndicator]
    rejected: list[RejectedFile]
    rejected_heading: str
    missing: list[OwedForm]
    missing_heading: str
    closing: str
    draft: bool
    date: str


def letter_contexts(
    engine: Engine,
    catalog: Catalog,
    campaign: Campaign,
    statuses: list[ObligationStatus],
    as_of: dt.date,
    *,
    draft: bool = True,
) -> dict[str, Letter]:
    """The feedback letter of every unit that owes something in the campaign, keyed by unit code."""
    results = fetch_all(engine, "select_indicator_results", campaign_code=campaign.code)
    submissions = fetch_all(engine, "select_submissions", campaign_code=campaign.code)
    by_id = {row["submission_id"]: row for row in submissions}
    rejected_ids = [s.last_rejected_id for s in statuses if s.status == "rejected_only" and s.last_rejected_id]
    errors: dict[str, list[Row]] = defaultdict(list)
    if rejected_ids:
        for row in fetch_all(engine, "select_rejection_errors", submission_ids=rejected_ids):
            errors[row["submission_id"]].append(row)
    by_unit: dict[str, list[ObligationStatus]] = defaultdict(list)
    for status in statuses:
        by_unit[status.unit_code].append(status)
    indicator_rows: dict[str, list[Row]] = defaultdict(list)
    seen: set[tuple[str, str]] = set()
    for result in results:
        for responsible in catalog.indicator(result["indicator_code"]).responsible:
            if (responsible, result["indicator_code"]) not in seen:
                seen.add((responsible, result["indicator_code"]))
                indicator_rows[responsible].append(result)

    quality = data_quality(engine, campaign.code, as_of, catalog.timezone)
    contexts: dict[str, Letter] = {}
    for unit in catalog.units:
        owed = by_unit.get(unit.code, [])
        if not owed:
            continue
        rows = indicator_rows[unit.code]
        contexts[unit.code] = _letter(catalog, campaign, unit, owed, rows, by_id, errors, draft=draft, as_of=as_of)
        if unit.code in quality:
            contexts[unit.code]["opening"] += quality_sentence(quality[unit.code])
    return contexts


def _letter(
    catalog: Catalog,
    campaign: Campaign,
    unit: Unit,
    owed: list[ObligationStatus],
    results: list[Row],
    by_id: dict[str, Row],
    errors: dict[str, list[Row]],
    *,
    draft: bool,
    as_of: dt.date,
) -> Letter:
    unit_code = unit.code
    received = sum(s.uploads for s in owed)
    indicators: list[RatedIndicator] = []
    for result in results:
        indicator = catalog.indicator(result["indicator_code"])
        rating = result["computed_rating"]
        self_rating = result["self_rating"]
        if rating is None:
            indicators.append({"name": indicator.name, "rating": "暂无已受理的数据", "reason": "", "note": ""})
            continue
        note = ""
        if self_rating and self_rating != rating:
            note = f"贵单位自评为“{self_rating}”，与测算结果不一致，请核实并在定稿前说明理由。"
        if result["conflict"] and unit_code in (result["source_units"] or "").split(","):
            note += f"数据待核实：{clause(result['conflict'])}。"
        indicators.append(
            {
                "name": indicator.name,
                "rating": rating,
                "reason": f"{clause(result['computed_reason'])}。",
                "note": note,
            }
        )
    rejected = _rejected_files(owed, by_id, errors)
    missing: list[OwedForm] = [
        {
            "form_label": FORM_LABELS.get(s.form, s.form),
            "due": chinese_date(s.due),
            "state": "已报送但未通过校验" if s.status == "rejected_only" else "尚未报送",
        }
        for s in owed
        if s.status in ("missing", "rejected_only")
    ]
    number = "二" if indicators else "一"
    work = campaign_title(catalog, campaign).work
    complete = not rejected and not missing
    return {
        "title": f"关于{work}报送情况的反馈函",
        "title_lines": title_lines(f"关于{work}", "报送情况的反馈函"),
        "unit_name": unit.name,
        "office": catalog.office,
        "opening": (
            f"根据{campaign.cited_notice or work}要求，我办对贵单位报送的材料进行了汇总校验和测算。"
            f"截至目前共收到贵单位报送文件{received}份，现将有关情况反馈如下。"
        ),
        "indicators": indicators,
        "rejected": rejected,
        "rejected_heading": f"{number}、未通过校验的材料",
        "missing": missing,
        "missing_heading": f"{_next_number(number, bool(rejected))}、尚需报送的材料",
        "closing": (
            "贵单位应报材料已全部报送并通过校验，感谢对评估工作的支持。"
            if complete
            else "请按上述意见修改或补报，将材料放入本单位报送文件夹，系统收到后将自动生成回执。"
        ),
        "draft": draft,
        "date": chinese_date(as_of),
    }


def quality_figures(quality: UnitQuality) -> str:
    """A unit's data-quality figures as a clause (the same figures as the 数据质量 sheet)."""
    timing = "均按时报送" if quality.days_late == 0 else f"最多逾期{quality.days_late}天"
    return (
        f"应报{quality.forms}项材料中{quality.first_pass}项首次报送即通过校验"
        f"(一次通过率{quality.first_pass_rate:.0%}),被退回{quality.rejections}次,{timing},"
        f"采用版本中校验提示{quality.warnings}条"
    )


def quality_sentence(quality: UnitQuality) -> str:
    """The letter's one sentence on the unit's data quality."""
    return f"本期数据质量:{quality_figures(quality)}。"


def quality_review(catalog: Catalog, quality: dict[str, UnitQuality]) -> tuple[str, list[str]]:
    """The working annex's 各单位数据质量 part: one line per unit, in catalog order."""
    lines = [f"{unit.name}:{quality_figures(quality[unit.code])}。" for unit in catalog.units if unit.code in quality]
    return "各单位数据质量", lines


def _rejected_files(
    owed: list[ObligationStatus], by_id: dict[str, Row], errors: dict[str, list[Row]]
) -> list[RejectedFile]:
    """The latest rejected upload of each form the unit has only had rejected, with the cells at fault."""
    rejected: list[RejectedFile] = []
    for status in owed:
        if status.status != "rejected_only" or not status.last_rejected_id:
            continue
        submission = by_id[status.last_rejected_id]
        rejected.append(
            {
                "name": submission["original_name"],
                "received": chinese_date(beijing_date(submission["received_at"])),
                "errors": [_located(error) for error in errors.get(status.last_rejected_id, [])],
            }
        )
    return rejected


def _next_number(number: str, used: bool) -> str:
    order = "一二三四"
    return order[order.index(number) + 1] if used else number


def _located(error: Row) -> str:
    place = ""
    if error["sheet"]:
        cell = f"{error['column_letter'] or ''}{error['row_number'] or ''}"
        place = f"[{error['sheet']}{'!' + cell if cell else ''}] "
    return f"{place}{clause(error['message'])}。"


def write_letters(contexts: dict[str, Letter], catalog: Catalog, folder: Path) -> list[Path]:
    """One .docx per unit under ``folder`` (the template is read once)."""
    template = BytesIO((TEMPLATES_DIR / LETTER_TEMPLATE).read_bytes())
    written = []
    for unit_code, context in contexts.items():
        name = f"{catalog.unit(unit_code).name}_反馈函{'(征求意见稿)' if context['draft'] else ''}.docx"
        template.seek(0)
        written.append(render_docx(template, context, folder / name))
    return written
