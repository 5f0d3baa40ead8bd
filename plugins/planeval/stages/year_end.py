"""The year-end assessment: the municipal tables rebuilt, the document set rendered (drafts, then the final
set once the office approves). The year-end DAG's tasks and ``planeval run year-end`` call these.

May import: every stage package below it and planeval.stages.context.
"""

from __future__ import annotations

import datetime as dt
import logging
from pathlib import Path
from typing import Any

from sqlalchemy import Engine

from planeval.assessment.aggregate import aggregate
from planeval.catalog import Campaign, Catalog
from planeval.dates import local_time_text, today_in
from planeval.monitoring import obligations
from planeval.records import CampaignSelection
from planeval.reporting.facts import read_report_facts
from planeval.reporting.findings import build_review
from planeval.reporting.letters import letter_contexts, quality_review, write_letters
from planeval.reporting.narratives import write_compilation
from planeval.reporting.projects import write_project_documents
from planeval.reporting.render import record_provenance
from planeval.reporting.summary import render_report
from planeval.reporting.titles import campaign_title
from planeval.reporting.workbooks import write_annex_tables, write_task_summary
from planeval.stages.approval import ReportRejected, decision_of
from planeval.stages.context import open_selection, select
from planeval.warehouse import locks
from planeval.warehouse.db import make_engine, translate_faults
from planeval.warehouse.migrate import ensure_schema
from planeval.warehouse.quality import data_quality

log = logging.getLogger(__name__)


@translate_faults
def refresh_results(selection: CampaignSelection | None = None) -> dict[str, Any]:
    """Rebuild the municipal indicator and project tables from the latest accepted submissions."""
    settings, catalog, campaign = open_selection(selection)
    engine = make_engine(settings.db_url)
    ensure_schema(engine)
    return {"campaign": campaign.code} | aggregate(engine, catalog, campaign)


@translate_faults
def render_reports(
    selection: CampaignSelection | None = None, draft: bool = True, generated_on: str | None = None
) -> list[str]:
    """Render the campaign's documents from the warehouse: the summary assessment report when it assesses
    plans, the work-point progress summary when it collects work points. Returns the written paths.
    ``generated_on`` (ISO date) is the 成文日期; by default today in the catalog's time zone."""
    settings, catalog, campaign = open_selection(selection)
    engine = make_engine(settings.db_url)
    ensure_schema(engine)
    folder = settings.reports_dir / campaign.code
    today = dt.date.fromisoformat(generated_on) if generated_on else today_in(catalog.timezone)
    written: list[Path] = []
    if campaign.plans:
        written += _render_assessment(engine, catalog, campaign, folder, draft=draft, day=today)
    if campaign.deadlines:
        statuses = obligations.record(engine, catalog, campaign, today)
        contexts = letter_contexts(engine, catalog, campaign, statuses, today, draft=draft)
        written += write_letters(contexts, catalog, folder / "反馈函")
    if campaign.tasks:
        output = folder / f"{campaign.name}(工作要点汇总).xlsx"
        written.append(write_task_summary(engine, catalog, campaign, output))
    return [str(path) for path in written]


def _render_assessment(
    engine: Engine, catalog: Catalog, campaign: Campaign, folder: Path, *, draft: bool, day: dt.date
) -> list[Path]:
    """The summary assessment report (征求意见稿 or 定稿), its annex tables and the project documents."""
    facts = read_report_facts(engine, catalog, campaign)
    suffix = "征求意见稿" if draft else "定稿"
    output = folder / f"{campaign_title(catalog, campaign).report}({suffix}).docx"
    report, characters = render_report(facts, output, draft=draft, day=day, charts_dir=folder / "图表")
    if campaign.word_limit and characters > campaign.word_limit:
        log.warning("正文约%d字,超过通知要求的%d字:%s", characters, campaign.word_limit, report)
    written = [report]
    review = build_review(facts)
    if quality := data_quality(engine, campaign.code, day, catalog.timezone):
        review.append(quality_review(catalog, quality))
    written.append(write_compilation(catalog, campaign, facts.narratives, folder, draft=draft, review=review))
    written += write_annex_tables(engine, catalog, campaign, folder, draft=draft)
    written += write_project_documents(engine, catalog, campaign, folder, draft=draft)
    return written


def failure_text(error: BaseException) -> str:
    """What a failed task says: planeval's own errors are written for the office (the message alone); any
    other keeps its type (``NotADirectoryError: [Errno 20] …``)."""
    own = type(error).__module__.startswith("planeval.")
    return str(error) if own else f"{type(error).__name__}: {error}"


def approval_summary(selection: CampaignSelection, aggregated: dict[str, Any]) -> str:
    """The headline figures the reviewer sees beside the approval buttons."""
    _, catalog, campaign = open_selection(selection)
    return (
        f"{catalog.placed(campaign_title(catalog, campaign).work)}:已汇总 {aggregated['submissions_used']} 份报送,"
        f"{aggregated['indicator_rows']} 项指标(有数据 {aggregated['indicators_with_data']} 项),"
        f"其中滞后预期 {aggregated['lagging']} 项。"
    )


def finish_after_approval(selection: CampaignSelection, response: dict[str, Any] | None) -> list[str]:
    """After the office's answer: 批准 → the final, unmarked documents; 退回 → ReportRejected with the 意见,
    so the run fails visibly and the draft stays for the next round."""
    approved, comment, who = decision_of(response)
    if not approved:
        raise ReportRejected(
            f"评估报告被{who}退回,意见:{comment.rstrip('。;；') or '(未填写)'}。"
            "征求意见稿保留,修改后请重新运行年终评估。"
        )
    lock = freeze(selection, who, comment)
    paths = render_reports(selection, draft=False)
    report = _assessment_report(paths)
    if report is not None:
        record_provenance(report, lock.lock_id, snapshot_note(lock))
    log.info("定稿依据%s", snapshot_note(lock))
    return paths


def reopen_if_asked(selection: CampaignSelection, reason: str | None, reopened_by: str) -> str | None:
    """The year-end form's 重新开放: with a reason, end the campaign's lock before aggregating. Returns the lock
    ended, or None (no reason, or nothing locked: a retried task finds its own reopening done)."""
    if not (reason or "").strip():
        return None
    try:
        return reopen(selection, str(reason), reopened_by).lock_id
    except locks.NotLocked as exc:
        log.info("%s", exc)
        return None


def snapshot_note(lock: locks.Lock) -> str:
    """Which snapshot a final report was built from, as its core properties (备注) and the run's log say it."""
    return f"数据快照 {lock.lock_id}(SHA-256 {lock.snapshot_sha256},{lock.item_count} 项)"


def _assessment_report(paths: list[str]) -> Path | None:
    """The summary assessment report (定稿) among a run's written documents, if the campaign assesses plans."""
    return next((Path(p) for p in paths if p.endswith("报告(定稿).docx")), None)


@translate_faults
def freeze(selection: CampaignSelection, approved_by: str, comment: str) -> locks.Lock:
    """The office approved: record the approval and lock the campaign's figures with their snapshot (one
    transaction). A lock already in force over the same figures is kept."""
    settings, _, campaign = open_selection(selection)
    engine = make_engine(settings.db_url)
    ensure_schema(engine)
    lock, new = locks.lock_campaign(engine, campaign.code, approved_by, comment)
    log.info("%s:%s,%s", campaign.name, "已锁定定稿数据" if new else "沿用已有锁定", snapshot_note(lock))
    return lock


@translate_faults
def reopen(selection: CampaignSelection, reason: str, reopened_by: str) -> locks.Lock:
    """The office reopens a locked campaign with a reason: uploads count again; a new approval locks anew.
    Returns the lock it ended (locks.NotLocked when none is in force)."""
    settings, _, campaign = open_selection(selection)
    engine = make_engine(settings.db_url)
    ensure_schema(engine)
    ended = locks.reopen_campaign(engine, campaign.code, reason, reopened_by)
    log.info(
        "%s:已重新开放(结束%s,原于%s定稿),原因:%s",
        campaign.name,
        ended.lock_id,
        local_time_text(ended.approved_at, selection.timezone),
        reason,
    )
    return ended


def run_year_end(selection: CampaignSelection | None = None, draft: bool = True) -> list[str]:
    """The year-end assessment outside Airflow: aggregate, then render (default: ``select()``'s campaign)."""
    selection = selection or select()
    refresh_results(selection)
    return render_reports(selection, draft=draft)
