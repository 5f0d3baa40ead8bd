"""The key projects' documents: the filled 附件5/附件6 tables and the one-page 附件2 sheet of each project.

May import: planeval.catalog, planeval.dates, planeval.warehouse and the modules of planeval.reporting below
it (words, render)."""

from __future__ import annotations

from pathlib import Path
from typing import TypedDict

from sqlalchemy import Engine

from planeval.catalog import Campaign, Catalog
from planeval.dates import chinese_date
from planeval.reporting.render import render_docx
from planeval.reporting.words import clause
from planeval.settings import TEMPLATES_DIR
from planeval.warehouse.db import fetch_all

PROJECT_TABLES_TEMPLATE = "project_tables.docx"


PROJECT_SHEET_TEMPLATE = "project_sheet.docx"


NOT_REPORTED = "（未报送）"  # a field the notice asks for that no submission holds, said so rather than left blank


class ProjectRow(TypedDict):
    seq: int
    name: str
    content: str
    progress: str
    results: str
    responsible: str


class ProjectTable(TypedDict):
    annex: str
    title: str
    rows: list[ProjectRow]


class ProjectTables(TypedDict):
    """The context of 附件5/附件6: one table per plan with key projects."""

    draft: bool
    cutoff: str
    tables: list[ProjectTable]


class ProjectSheet(TypedDict):
    plan_title: str
    name: str
    content: str
    planned_investment: str
    invested: str
    started: str
    progress: str
    due: str
    responsible: str
    problems: str
    results: str


class ProjectSheets(TypedDict):
    """The context of 附件2: one page per key project."""

    draft: bool
    cutoff: str
    projects_label: str  # the plans' own word for their projects (重点工程, 重大工程)
    projects: list[ProjectSheet]


def project_contexts(
    engine: Engine, catalog: Catalog, campaign: Campaign, *, draft: bool = True
) -> tuple[ProjectTables, ProjectSheets]:
    """(附件5/6 tables context, 附件2 sheets context) from the catalog and project_result."""
    results = {
        row["project_code"]: row for row in fetch_all(engine, "select_project_results", campaign_code=campaign.code)
    }
    cutoff = campaign.progress_cutoff or campaign.data_cutoff
    tables: list[ProjectTable] = []
    sheets: list[ProjectSheet] = []
    for plan in catalog.campaign_plans(campaign):
        if plan.project_table is None:
            continue
        projects = [p for p in catalog.projects if p.plan == plan.code]
        rows: list[ProjectRow] = []
        for seq, project in enumerate(projects, start=1):
            result = results.get(project.code) or {}
            responsible = "、".join(catalog.unit(code).name for code in project.responsible)
            progress = clause(result.get("progress")) or "责任单位尚未报送"
            rows.append(
                {
                    "seq": seq,
                    "name": project.name,
                    "content": project.content,
                    "progress": progress,
                    "results": clause(result.get("results")) or "—",
                    "responsible": responsible,
                }
            )
            sheets.append(
                {
                    "plan_title": catalog.placed(plan.name),
                    "name": project.name,
                    "content": project.content or NOT_REPORTED,
                    "planned_investment": NOT_REPORTED,
                    "invested": NOT_REPORTED,
                    "started": NOT_REPORTED,
                    "progress": progress,
                    "due": chinese_date(project.due) if project.due else NOT_REPORTED,
                    "responsible": responsible,
                    "problems": NOT_REPORTED,
                    "results": clause(result.get("results")) or NOT_REPORTED,
                }
            )
        tables.append({"annex": plan.project_table.annex, "title": plan.project_table.title, "rows": rows})
    printed_cutoff = chinese_date(cutoff)
    return (
        {"draft": draft, "cutoff": printed_cutoff, "tables": tables},
        {
            "draft": draft,
            "cutoff": printed_cutoff,
            "projects_label": catalog.projects_label(campaign),
            "projects": sheets,
        },
    )


def write_project_documents(
    engine: Engine, catalog: Catalog, campaign: Campaign, folder: Path, *, draft: bool
) -> list[Path]:
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
            {**tables, "page_break": Listing("\f")},
            folder / f"{annexes}_{catalog.projects_label(campaign)}实施进度情况表{suffix}.docx",
        ),
        render_docx(
            TEMPLATES_DIR / PROJECT_SHEET_TEMPLATE,
            {**sheets, "annex": campaign.project_sheet_annex, "page_break": Listing("\f")},
            folder / f"{campaign.project_sheet_annex}_{catalog.projects_label(campaign)}项目单片材料{suffix}.docx",
        ),
    ]
