"""Documents per unit and per key project: the feedback letter (反馈函) to every reporting unit, the filled
附件5/附件6 key-project tables and the 附件2 sheet of each key project.

Contexts for all units are built from a handful of queries (not one per unit), so 45 letters render in
about a second; ``bench/render.py`` measures it.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from io import BytesIO
from pathlib import Path

from sqlalchemy import Engine

from planeval.catalog import FORM_LABELS, Campaign, Catalog
from planeval.monitor import ObligationStatus, beijing_date, chinese_date
from planeval.report import _clause, render_docx
from planeval.settings import TEMPLATES_DIR
from planeval.warehouse import fetch_all

LETTER_TEMPLATE = "feedback_letter.docx"
PROJECT_TABLES_TEMPLATE = "project_tables.docx"
PROJECT_SHEET_TEMPLATE = "project_sheet.docx"
BLANK = "______"  # a field the notice asks for that no submission holds: the office fills it in


def letter_contexts(
    engine: Engine,
    catalog: Catalog,
    campaign: Campaign,
    statuses: list[ObligationStatus],
    as_of: dt.date,
    *,
    draft: bool = True,
) -> dict[str, dict]:
    """The feedback letter of every unit that owes something in the campaign, keyed by unit code."""
    results = fetch_all(engine, "select_indicator_results", campaign_code=campaign.code)
    submissions = fetch_all(engine, "select_submissions", campaign_code=campaign.code)
    by_id = {row["submission_id"]: row for row in submissions}
    rejected_ids = [s.last_rejected_id for s in statuses if s.status == "rejected_only" and s.last_rejected_id]
    errors: dict[str, list[dict]] = defaultdict(list)
    if rejected_ids:
        for row in fetch_all(engine, "select_rejection_errors", submission_ids=rejected_ids):
            errors[row["submission_id"]].append(row)
    by_unit: dict[str, list[ObligationStatus]] = defaultdict(list)
    for status in statuses:
        by_unit[status.unit_code].append(status)
    indicator_rows: dict[str, list[dict]] = defaultdict(list)
    seen: set[tuple[str, str]] = set()
    for result in results:
        for unit in catalog.indicator(result["indicator_code"]).responsible:
            if (unit, result["indicator_code"]) not in seen:
                seen.add((unit, result["indicator_code"]))
                indicator_rows[unit].append(result)

    contexts = {}
    for unit in catalog.units:
        owed = by_unit.get(unit.code, [])
        if not owed:
            continue
        contexts[unit.code] = _letter(catalog, campaign, unit.code, owed, indicator_rows[unit.code], by_id, errors)
        contexts[unit.code] |= {"draft": draft, "date": chinese_date(as_of)}
    return contexts


def _letter(catalog, campaign, unit_code, owed, results, by_id, errors) -> dict:
    unit = catalog.unit(unit_code)
    received = sum(s.uploads for s in owed)
    indicators = []
    for result in results:
        indicator = catalog.indicator(result["indicator_code"])
        rating = result["computed_rating"]
        self_rating = result["self_rating"]
        if rating is None:
            indicators.append({"name": indicator.name, "rating": "暂无已受理的数据", "reason": "", "note": ""})
            continue
        note = ""
        if self_rating and self_rating != rating:
            note = f"贵单位自评为“{self_rating}”,与测算结果不一致,请核实并在定稿前说明理由。"
        if result["conflict"] and unit_code in (result["source_units"] or "").split(","):
            note += f"数据待核实:{_clause(result['conflict'])}。"
        indicators.append(
            {
                "name": indicator.name,
                "rating": rating,
                "reason": f"{_clause(result['computed_reason'])}。",
                "note": note,
            }
        )
    rejected = []
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
    missing = [
        {
            "form_label": FORM_LABELS.get(s.form, s.form),
            "due": chinese_date(s.due),
            "state": "已报送但未通过校验" if s.status == "rejected_only" else "尚未报送",
        }
        for s in owed
        if s.status in ("missing", "rejected_only")
    ]
    number = "二" if indicators else "一"
    complete = not rejected and not missing
    return {
        "title": f"关于{campaign.name}报送情况的反馈函",
        "unit_name": unit.name,
        "office": catalog.office,
        "opening": (
            f"根据{campaign.notice or campaign.name}要求,我办对贵单位报送的材料进行了汇总校验和测算。"
            f"截至目前共收到贵单位报送文件{received}份,现将有关情况反馈如下。"
        ),
        "indicators": indicators,
        "rejected": rejected,
        "rejected_heading": f"{number}、未通过校验的材料",
        "missing": missing,
        "missing_heading": f"{_next_number(number, bool(rejected))}、尚需报送的材料",
        "closing": (
            "贵单位应报材料已全部报送并通过校验,感谢对评估工作的支持。"
            if complete
            else "请按上述意见修改或补报,将材料放入本单位报送文件夹,系统收到后将自动生成回执。"
        ),
    }


def _next_number(number: str, used: bool) -> str:
    order = "一二三四"
    return order[order.index(number) + 1] if used else number


def _located(error: dict) -> str:
    place = ""
    if error["sheet"]:
        cell = f"{error['column_letter'] or ''}{error['row_number'] or ''}"
        place = f"[{error['sheet']}{'!' + cell if cell else ''}] "
    return f"{place}{_clause(error['message'])}。"


def write_letters(contexts: dict[str, dict], catalog: Catalog, folder: Path) -> list[Path]:
    """One .docx per unit under ``folder`` (the template is read once)."""
    template = BytesIO((TEMPLATES_DIR / LETTER_TEMPLATE).read_bytes())
    written = []
    for unit_code, context in contexts.items():
        name = f"{catalog.unit(unit_code).name}_反馈函{'(征求意见稿)' if context['draft'] else ''}.docx"
        template.seek(0)
        written.append(render_docx(template, context, folder / name))
    return written


# --- key projects ------------------------------------------------------------------------------------


def project_contexts(engine: Engine, catalog: Catalog, campaign: Campaign, *, draft: bool = True) -> tuple[dict, dict]:
    """(附件5/6 tables context, 附件2 sheets context) from the catalog and project_result."""
    results = {
        row["project_code"]: row for row in fetch_all(engine, "select_project_results", campaign_code=campaign.code)
    }
    cutoff = campaign.progress_cutoff or campaign.data_cutoff
    tables, sheets = [], []
    for plan in catalog.campaign_plans(campaign):
        if plan.project_table is None:
            continue
        projects = [p for p in catalog.projects if p.plan == plan.code]
        rows = []
        for seq, project in enumerate(projects, start=1):
            result = results.get(project.code) or {}
            responsible = "、".join(catalog.unit(code).name for code in project.responsible)
            progress = _clause(result.get("progress")) or "责任单位尚未报送"
            rows.append(
                {
                    "seq": seq,
                    "name": project.name,
                    "content": project.content,
                    "progress": progress,
                    "results": _clause(result.get("results")) or "—",
                    "responsible": responsible,
                }
            )
            sheets.append(
                {
                    "plan_title": f"{catalog.city}{plan.name.removeprefix(catalog.city)}",
                    "name": project.name,
                    "content": project.content or BLANK,
                    "planned_investment": BLANK,
                    "invested": BLANK,
                    "started": BLANK,
                    "progress": progress,
                    "due": chinese_date(project.due) if project.due else BLANK,
                    "responsible": responsible,
                    "problems": BLANK,
                    "results": _clause(result.get("results")) or BLANK,
                }
            )
        tables.append({"annex": plan.project_table.annex, "title": plan.project_table.title, "rows": rows})
    common = {"draft": draft, "cutoff": chinese_date(cutoff)}
    return common | {"tables": tables}, common | {"projects": sheets}


def write_project_documents(engine: Engine, catalog: Catalog, campaign: Campaign, folder: Path, *, draft: bool):
    """附件5/6 (one document) and the campaign's 附件2 (one page per key project); none without projects."""
    from docxtpl import Listing

    tables, sheets = project_contexts(engine, catalog, campaign, draft=draft)
    if not sheets["projects"]:
        return []
    suffix = "(征求意见稿)" if draft else ""
    annexes = "、".join(t["annex"] for t in tables["tables"])
    return [
        render_docx(
            TEMPLATES_DIR / PROJECT_TABLES_TEMPLATE,
            tables | {"page_break": Listing("\f")},
            folder / f"{annexes}_重点工程实施进度情况表{suffix}.docx",
        ),
        render_docx(
            TEMPLATES_DIR / PROJECT_SHEET_TEMPLATE,
            sheets | {"annex": campaign.project_sheet_annex, "page_break": Listing("\f")},
            folder / f"{campaign.project_sheet_annex}_重点工程项目单片材料{suffix}.docx",
        ),
    ]
