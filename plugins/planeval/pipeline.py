"""The stages as plain functions over keys and paths: what the DAG tasks and the CLI both call.

Nothing here holds state between calls; each function reads settings and catalog afresh, so a task can
run on any worker sharing PLANEVAL_HOME and the warehouse.
"""

from __future__ import annotations

import datetime as dt
import logging
import shutil
from dataclasses import asdict, fields, replace
from pathlib import Path

from planeval import monitor
from planeval.aggregation import aggregate, stage_submission
from planeval.approval import ReportRejected, decision_of
from planeval.catalog import Campaign, Catalog, load_catalog
from planeval.forms import write_unit_forms
from planeval.intake import (
    FileNotSettled,
    InboxFile,
    Issue,
    Received,
    Verdict,
    archive_file,
    discover_inbox_files,
    write_receipt,
)
from planeval.letters import letter_contexts, write_letters, write_project_documents
from planeval.readers import ParsedWorkbook, check_document, document_text, parse_workbook
from planeval.report import (
    build_report_context,
    render_docx,
    render_summary_report,
    write_annex_tables,
    write_task_summary,
)
from planeval.settings import TEMPLATES_DIR, Settings, get_settings
from planeval.validation import GxRunner, Submission, validate_batch
from planeval.warehouse import ensure_schema, fetch_all, make_engine, sql

log = logging.getLogger(__name__)


def context(
    campaign_code: str | None = None,
    year: int | None = None,
    *,
    plans: list[str] | None = None,
    data_cutoff: str | None = None,
) -> tuple[Settings, Catalog, Campaign]:
    """Settings, catalog and the campaign (by code or year), optionally narrowed to some plans or
    with another data cut-off, as the year-end trigger form allows."""
    settings = get_settings()
    catalog = load_catalog(settings.catalog_dir)
    campaign = catalog.campaign(campaign_code or None, year=year)
    update: dict = {}
    if plans:
        unknown = sorted(set(plans) - set(campaign.plans))
        if unknown:
            raise ValueError(f"评估任务 {campaign.code} 不包含规划 {unknown};可选:{list(campaign.plans)}")
        update["plans"] = tuple(code for code in campaign.plans if code in plans)
    if data_cutoff:
        update["data_cutoff"] = dt.date.fromisoformat(data_cutoff)
    return settings, catalog, campaign.model_copy(update=update) if update else campaign


# --- set-up ---------------------------------------------------------------------------------------


def init_units(campaign_code: str | None = None) -> list[dict]:
    """Create every unit's drop folders and the pre-filled forms it owes (idempotent: existing forms are kept)."""
    settings, catalog, campaign = context(campaign_code)
    ensure_schema(make_engine(settings.db_url))
    created = []
    for unit in catalog.units:
        settings.inbox(unit.code).mkdir(parents=True, exist_ok=True)
        settings.receipts(unit.code).mkdir(parents=True, exist_ok=True)
        forms = write_unit_forms(catalog, campaign, unit, settings.forms_dir / unit.code)
        created.append({"code": unit.code, "forms": [str(path) for path in forms]})
    return created


def list_units() -> list[dict]:
    settings, catalog, _ = context()
    return [
        {
            "code": u.code,
            "name": u.name,
            "kind": catalog.kind_label(u.kind),
            "inbox": str(settings.inbox(u.code)),
            "receipts": str(settings.receipts(u.code)),
        }
        for u in catalog.units
    ]


def unit_history(unit_code: str) -> list[dict]:
    """Every upload of one unit across campaigns, in the order received: the audit trail."""
    settings, catalog, _ = context()
    catalog.unit(unit_code)  # KeyError for an unknown code
    engine = make_engine(settings.db_url)
    ensure_schema(engine)
    return fetch_all(engine, "select_unit_history", unit_code=unit_code)


# --- collect --------------------------------------------------------------------------------------


def discover() -> list[dict]:
    """Files waiting in the inboxes, with the unit's name for people reading the Airflow grid."""
    settings, catalog, _ = context()
    files = discover_inbox_files(settings, [u.code for u in catalog.units])
    return [asdict(f) | {"unit_name": catalog.unit(f.unit_code).name} for f in files]


def archive(inbox_file: dict) -> dict:
    """Archive one inbox file; returns the Received record as a dict (for XCom).

    A file that cannot be archived (vanished, unreadable) stays where it is and comes back as
    ``{"error": …}`` so that one bad file never fails the pass for the others.
    """
    known = {f.name for f in fields(InboxFile)}
    try:
        received = archive_file(get_settings(), InboxFile(**{k: v for k, v in inbox_file.items() if k in known}))
    except FileNotSettled as exc:
        log.info("%s; it stays in the inbox for the next pass", exc)
        return {"skipped": str(exc), "path": inbox_file["path"]}
    except OSError as exc:
        log.exception("could not archive %s; it stays in the inbox", inbox_file["path"])
        return {"error": f"{type(exc).__name__}: {exc}", "path": inbox_file["path"]}
    return asdict(received)


def _parse(catalog: Catalog, campaign: Campaign, received: Received) -> tuple[ParsedWorkbook | None, list[Issue]]:
    path = Path(received.archive_path)
    if received.form == "indicator_table":
        return parse_workbook(catalog, campaign, path), []
    if received.form == "summary_report":
        return None, check_document(path)
    accepted = "、".join(sorted({".xlsx", ".xls", ".csv", *catalog.forms.summary_report.extensions}))
    return None, [Issue("unsupported_type", f"不支持的文件类型“{path.suffix or '无扩展名'}”,请报送 {accepted} 文件")]


def _form_of(item: Received, workbook: ParsedWorkbook | None) -> str:
    """The form a file turned out to be: the tables found in it decide, the extension otherwise."""
    tables = {sheet.table for sheet in workbook.sheets} if workbook else set()
    for table, form in (("indicator", "indicator_table"), ("project", "indicator_table"), ("task", "task_table")):
        if table in tables:
            return form
    if "contacts" in tables:
        return "contacts"
    if "figures" in tables:  # a town's 基础数据表 on its own (departments send it inside the indicator form)
        return "figures_table"
    return item.form


def _earlier_uploads(engine, campaign: Campaign, received: list[Received]) -> dict[tuple[str, str], dict]:
    with engine.connect() as connection:
        rows = connection.execute(
            sql("select_earlier_uploads"),
            {"campaign_code": campaign.code, "unit_ids": sorted({item.unit_code for item in received})},
        )
        return {(row.unit_code, row.sha256): dict(row._mapping) for row in rows}


def _unit_context(
    engine, campaign: Campaign, received: list[Received], verdicts: dict[str, Verdict]
) -> tuple[dict[str, str], dict[str, dict]]:
    """Per unit: the text of its Word documents (this pass and earlier accepted ones), which may carry the
    analysis of a lagging indicator, and its currently accepted figures, to flag changed values."""
    units = sorted({item.unit_code for item in received})
    paths: dict[str, list[str]] = {}
    for row in fetch_all(engine, "select_accepted_documents", campaign_code=campaign.code, unit_ids=units):
        paths.setdefault(row["unit_code"], []).append(row["archive_path"])
    for item in received:
        if item.form == "summary_report" and not verdicts[item.submission_id].errors:
            paths.setdefault(item.unit_code, []).append(item.archive_path)
    documents = {}
    for unit, unit_paths in paths.items():
        texts = []
        for path in unit_paths:
            try:
                texts.append(document_text(Path(path)))
            except Exception:  # an unreadable document is reported on its own receipt
                log.warning("could not read %s for analyses", path)
        documents[unit] = "\n".join(texts)
    previous: dict[str, dict] = {}
    for row in fetch_all(engine, "select_current_values", campaign_code=campaign.code, unit_ids=units):
        previous.setdefault(row["unit_code"], {})[(row["indicator_code"], row["year"])] = (row["value"], row["version"])
    return documents, previous


def validate_and_record(received_records: list[dict], campaign_code: str | None = None) -> list[dict]:
    """Validate a batch of archived files together, stage each as a new version and write receipts.

    Byte-identical re-uploads (same unit, same SHA-256) are recorded as 重复提交 and not validated or
    loaded again (a re-upload of a rejected file is validated again). A file that cannot be parsed is
    rejected with its reason; it never stops the others.
    """
    settings, catalog, campaign = context(campaign_code)
    if campaign_code is None:  # the campaign being collected now, where a catalog runs several
        campaign = next(iter(monitor.open_campaigns(catalog, today_in_beijing())), campaign)
    received = [Received(**record) for record in received_records if "submission_id" in record]
    if not received:
        return []
    received.sort(key=lambda item: (item.uploaded_at, item.received_at, item.submission_id))
    engine = make_engine(settings.db_url)
    ensure_schema(engine)
    earlier = _earlier_uploads(engine, campaign, received)

    parsed: dict[str, ParsedWorkbook | None] = {}
    verdicts: dict[str, Verdict] = {}
    for index, item in enumerate(received):
        original = earlier.get((item.unit_code, item.sha256))
        # Same bytes as a rejected upload are validated again: what was missing (an analysis document)
        # may have arrived since. Same bytes as an accepted one (or one of this pass) are not loaded twice.
        if original is not None and original.get("status") != "rejected":
            received[index] = replace(item, form=original["form"])
            parsed[item.submission_id] = None
            verdicts[item.submission_id] = Verdict(item.submission_id, duplicate_of=original)
            continue
        try:
            workbook, issues = _parse(catalog, campaign, item)
        except Exception as exc:  # a reader bug must not lose the file or block the batch
            log.exception("parsing %s failed", item.archive_path)
            workbook, issues = None, [Issue("unreadable_file", f"文件无法解析:{exc}")]
        received[index] = item = replace(item, form=_form_of(item, workbook))
        parsed[item.submission_id] = workbook
        verdicts[item.submission_id] = Verdict(item.submission_id, errors=issues)
        earlier[(item.unit_code, item.sha256)] = {"submission_id": item.submission_id, "form": item.form}
    documents, previous = _unit_context(engine, campaign, received, verdicts)
    tables = [
        Submission(item, workbook, documents.get(item.unit_code, ""), previous.get(item.unit_code, {}))
        for item in received
        if (workbook := parsed[item.submission_id])
    ]
    runner = GxRunner(data_docs_dir=settings.home / "data_docs") if tables else None
    for submission_id, verdict in validate_batch(catalog, campaign, tables, runner).items():
        verdicts[submission_id].errors += verdict.errors
        verdicts[submission_id].warnings += verdict.warnings

    versions: dict[str, int] = {}
    with engine.begin() as connection:
        for item in received:
            verdict = verdicts[item.submission_id]
            versions[item.submission_id] = stage_submission(
                connection, campaign, catalog, item, verdict, parsed[item.submission_id]
            )
    statuses = {s: (v.status, versions[s]) for s, v in verdicts.items()}
    summary = []
    for item in received:
        verdict = verdicts[item.submission_id]
        if verdict.duplicate_of:  # the receipt names the earlier version and what became of it
            original_id = verdict.duplicate_of["submission_id"]
            status, version = statuses.get(original_id) or (
                verdict.duplicate_of["status"],
                verdict.duplicate_of["version"],
            )
            verdict.duplicate_of = verdict.duplicate_of | {"status": status, "version": version}
        write_receipt(settings, item, verdict, catalog.unit(item.unit_code).name, versions[item.submission_id])
        summary.append(
            {
                "submission_id": item.submission_id,
                "campaign": campaign.code,
                "unit_code": item.unit_code,
                "form": item.form,
                "file": item.original_name,
                "version": versions[item.submission_id],
                "status": verdict.status,
                "errors": len(verdict.errors),
                "warnings": len(verdict.warnings),
            }
        )
    return summary


def run_collect() -> list[dict]:
    """One collection pass outside Airflow: the same functions the DAG's tasks call, in order."""
    return validate_and_record([archive(inbox_file) for inbox_file in discover()])


# --- monitor --------------------------------------------------------------------------------------


def today_in_beijing() -> dt.date:
    return dt.datetime.now(monitor.BEIJING).date()


def _monitored(campaign_code: str | None, as_of: str | None) -> tuple[Settings, Catalog, Campaign | None, dt.date]:
    settings, catalog, _ = context()
    day = dt.date.fromisoformat(as_of) if as_of else today_in_beijing()
    if campaign_code:
        return settings, catalog, catalog.campaign(campaign_code), day
    opened = monitor.open_campaigns(catalog, day)
    return settings, catalog, (opened[0] if opened else None), day


def monitor_campaign(campaign_code: str | None = None, as_of: str | None = None) -> dict:
    """Classify every obligation of the campaign open on ``as_of`` (default: today, Beijing) and store it.

    Returns ``{"campaign", "as_of", "units": [...]}`` (one entry per unit, for the monitor's mapped tasks);
    ``campaign`` is None when no campaign is open that day.
    """
    settings, catalog, campaign, day = _monitored(campaign_code, as_of)
    if campaign is None:
        return {"campaign": None, "as_of": day.isoformat(), "units": []}
    engine = make_engine(settings.db_url)
    ensure_schema(engine)
    statuses = monitor.record(engine, catalog, campaign, day)
    return {"campaign": campaign.code, "as_of": day.isoformat(), "units": monitor.unit_summaries(catalog, statuses)}


def write_monitor_summary(campaign_code: str, as_of: str) -> str:
    """The completeness and timeliness workbook of a monitor run, under reports/<campaign>/monitor/."""
    settings, catalog, campaign, day = _monitored(campaign_code, as_of)
    statuses = monitor.stored_statuses(make_engine(settings.db_url), campaign, day)
    path = settings.reports_dir / campaign.code / "monitor" / f"报送情况统计_{day.isoformat()}.xlsx"
    contacts = list_contacts(campaign.code) if campaign.due("contacts") else None
    return str(monitor.write_summary_xlsx(path, catalog, campaign, day, statuses, contacts))


def write_reminders(campaign_code: str, as_of: str) -> list[str]:
    """A 催报通知 for every unit still missing a form (or with rejected uploads only); a copy goes into the
    unit's drop folder (``notices/``) so the department finds it where it uploads."""
    settings, catalog, campaign, day = _monitored(campaign_code, as_of)
    engine = make_engine(settings.db_url)
    by_unit: dict[str, list] = {}
    for status in monitor.stored_statuses(engine, campaign, day):
        by_unit.setdefault(status.unit_code, []).append(status)
    written = []
    for unit_code, statuses in by_unit.items():
        items = monitor.reminder_items(engine, statuses, day)
        if not items:
            continue
        reminder = monitor.reminder_context(catalog, campaign, unit_code, settings.inbox(unit_code), day, items)
        name = f"催报通知_{catalog.unit(unit_code).name}_{day.isoformat()}.docx"
        path = render_docx(
            TEMPLATES_DIR / "reminder.docx", reminder, settings.reports_dir / campaign.code / "reminders" / name
        )
        notices = settings.drop_dir / unit_code / "notices"
        notices.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(path, notices / name)
        written.append(str(path))
    return written


def list_contacts(campaign_code: str | None = None) -> list[dict]:
    """附件7: every unit's contact persons from its latest accepted contacts form, units in catalog order."""
    settings, catalog, campaign = context(campaign_code)
    engine = make_engine(settings.db_url)
    ensure_schema(engine)
    rows = fetch_all(engine, "select_latest_contacts", campaign_code=campaign.code)
    order = {unit.code: index for index, unit in enumerate(catalog.units)}
    rows.sort(key=lambda row: order.get(row["unit_code"], len(order)))
    return [row | {"unit_name": catalog.unit(row["unit_code"]).name} for row in rows]


def write_contacts_list(campaign_code: str | None = None) -> str:
    """联系人汇总.xlsx for the office, under reports/<campaign>/."""
    settings, catalog, campaign = context(campaign_code)
    path = settings.reports_dir / campaign.code / f"{catalog.city}联系人汇总.xlsx"
    return str(monitor.write_contacts_xlsx(path, list_contacts(campaign.code)))


def overdue_units(campaign_code: str, as_of: str) -> list[str]:
    """Names of the units past a due date with a form still missing or rejected-only."""
    settings, catalog, campaign, day = _monitored(campaign_code, as_of)
    statuses = monitor.stored_statuses(make_engine(settings.db_url), campaign, day)
    overdue = {s.unit_code for s in statuses if s.overdue and s.status in ("missing", "rejected_only")}
    return [u.name for u in catalog.units if u.code in overdue]


# --- year end -------------------------------------------------------------------------------------


def refresh_results(
    campaign_code: str | None = None,
    year: int | None = None,
    plans: list[str] | None = None,
    data_cutoff: str | None = None,
) -> dict:
    """Rebuild the municipal indicator and project tables from the latest accepted submissions."""
    settings, catalog, campaign = context(campaign_code, year, plans=plans, data_cutoff=data_cutoff)
    engine = make_engine(settings.db_url)
    ensure_schema(engine)
    return {"campaign": campaign.code} | aggregate(engine, catalog, campaign)


def render_reports(
    campaign_code: str | None = None,
    year: int | None = None,
    plans: list[str] | None = None,
    data_cutoff: str | None = None,
    draft: bool = True,
    generated_on: str | None = None,
) -> list[str]:
    """Render the campaign's documents from the warehouse: the summary assessment report when it assesses
    plans, the work-point progress summary when it collects work points. Returns the written paths."""
    settings, catalog, campaign = context(campaign_code, year, plans=plans, data_cutoff=data_cutoff)
    engine = make_engine(settings.db_url)
    ensure_schema(engine)
    folder = settings.reports_dir / campaign.code
    written = []
    if campaign.plans:
        day = dt.date.fromisoformat(generated_on) if generated_on else dt.date.today()
        report_context = build_report_context(
            engine, catalog, campaign, draft=draft, generated_on=day, charts_dir=folder / "图表"
        )
        suffix = "征求意见稿" if draft else "定稿"
        output = folder / f"{catalog.city}{campaign.name}报告({suffix}).docx"
        report, characters = render_summary_report(report_context, output, word_limit=campaign.word_limit)
        if campaign.word_limit and characters > campaign.word_limit:
            log.warning("正文约%d字,超过通知要求的%d字:%s", characters, campaign.word_limit, report)
        written.append(report)
        written += write_annex_tables(engine, catalog, campaign, folder, draft=draft)
        written += write_project_documents(engine, catalog, campaign, folder, draft=draft)
    if campaign.deadlines:
        as_of = today_in_beijing()
        statuses = monitor.record(engine, catalog, campaign, as_of)
        contexts = letter_contexts(engine, catalog, campaign, statuses, as_of, draft=draft)
        written += write_letters(contexts, catalog, folder / "反馈函")
    if campaign.tasks:
        output = folder / f"{campaign.name}(工作要点汇总).xlsx"
        written.append(write_task_summary(engine, catalog, campaign, output))
    return [str(path) for path in written]


def approval_summary(aggregated: dict) -> str:
    """The headline figures the reviewer sees beside the approval buttons."""
    _, catalog, campaign = context(aggregated["campaign"])
    return (
        f"{catalog.city}{campaign.name}:已汇总 {aggregated['submissions_used']} 份报送,"
        f"{aggregated['indicator_rows']} 项指标(有数据 {aggregated['indicators_with_data']} 项),"
        f"其中滞后预期 {aggregated['lagging']} 项。"
    )


def finish_after_approval(
    campaign_code: str, plans: list[str] | None, data_cutoff: str | None, response: dict | None
) -> list[str]:
    """After the office's answer: 批准 → the final, unmarked documents; 驳回 → ReportRejected with the 意见,
    so the run fails visibly and the draft stays for the next round."""
    approved, comment, who = decision_of(response)
    if not approved:
        raise ReportRejected(
            f"评估报告被{who}驳回,意见:{comment.rstrip('。;；') or '(未填写)'}。"
            "征求意见稿保留,修改后请重新运行年终评估。"
        )
    return render_reports(campaign_code, None, plans, data_cutoff, draft=False)


def run_year_end(
    year: int | None = None,
    campaign_code: str | None = None,
    plans: list[str] | None = None,
    data_cutoff: str | None = None,
    draft: bool = True,
) -> list[str]:
    """The year-end assessment outside Airflow: aggregate, then render."""
    refresh_results(campaign_code, year, plans, data_cutoff)
    return render_reports(campaign_code, year, plans, data_cutoff, draft=draft)
