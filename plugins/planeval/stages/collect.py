"""One collection pass: discover settled inbox files, archive each, validate the batch, stage it as new
versions and write the receipts. The DAG's tasks and ``planeval run collect`` call these functions.

May import: every stage package below it and planeval.stages.context.
"""

from __future__ import annotations

import logging
from dataclasses import asdict, fields, replace
from pathlib import Path
from typing import Any

from sqlalchemy import Engine

from planeval.catalog import Campaign, Catalog
from planeval.dates import today_in
from planeval.intake.archive import FileNotSettled, archive_file
from planeval.intake.cells import ParsedWorkbook
from planeval.intake.documents import document_text
from planeval.intake.inbox import discover_inbox_files
from planeval.intake.receipts import write_receipt
from planeval.intake.submission import detected_form, read_submission
from planeval.monitoring.obligations import open_campaigns
from planeval.records import CampaignSelection, InboxFile, Issue, Received, Verdict
from planeval.settings import Settings, get_settings
from planeval.stages.context import open_selection, select, selection_of, settings_and_catalog
from planeval.validation.batch import validate_batch
from planeval.validation.frames import Submission
from planeval.validation.suites import GxRunner
from planeval.warehouse import queries
from planeval.warehouse.db import make_engine
from planeval.warehouse.migrate import ensure_schema
from planeval.warehouse.staging import stage_submission

log = logging.getLogger(__name__)


def discover() -> list[dict[str, Any]]:
    """Files waiting in the inboxes, with the unit's name for people reading the Airflow grid."""
    settings, catalog = settings_and_catalog()
    files = discover_inbox_files(settings, [u.code for u in catalog.units])
    return [asdict(f) | {"unit_name": catalog.unit(f.unit_code).name} for f in files]


def archive(inbox_file: dict[str, Any]) -> dict[str, Any]:
    """Archive one inbox file; returns the Received record as a dict[str, Any] (for XCom).

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


def _unit_context(
    engine: Engine, campaign: Campaign, received: list[Received], verdicts: dict[str, Verdict]
) -> tuple[dict[str, str], dict[str, dict[tuple[str, int], tuple[float, int]]]]:
    """Per unit: the text of its Word documents (this pass and earlier accepted ones), which may carry the
    analysis of a lagging indicator, and its currently accepted figures, to flag changed values."""
    units = sorted({item.unit_code for item in received})
    paths = queries.accepted_document_paths(engine, campaign.code, units)
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
    return documents, queries.current_values(engine, campaign.code, units)


def select_collecting(campaign_code: str | None = None) -> CampaignSelection:
    """The campaign a collection pass files its submissions under: the one named, else the one being collected
    today (in the catalog's time zone) where a catalog runs several, else the catalog's latest."""
    _, catalog = settings_and_catalog()
    if campaign_code:
        return select(campaign_code, catalog=catalog)
    latest = select(catalog=catalog)
    opened = open_campaigns(catalog, today_in(latest.timezone))
    return selection_of(opened[0], catalog) if opened else latest


def validate_and_record(
    received_records: list[dict[str, Any]], selection: CampaignSelection | None = None
) -> list[dict[str, Any]]:
    """Validate a batch of archived files together, stage each as a new version and write receipts.

    Byte-identical re-uploads (same unit, same SHA-256) are recorded as 重复提交 and not validated or
    loaded again (a re-upload of a rejected file is validated again). A file that cannot be parsed is
    rejected with its reason; it never stops the others.
    """
    received = [Received(**record) for record in received_records if "submission_id" in record]
    if not received:
        return []
    settings, catalog, campaign = open_selection(selection or select_collecting())
    received.sort(key=lambda item: (item.uploaded_at, item.received_at, item.submission_id))
    engine = make_engine(settings.db_url)
    ensure_schema(engine)
    received, parsed, verdicts = _parse_batch(engine, catalog, campaign, received)
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
    with engine.begin() as connection:
        versions = {
            item.submission_id: stage_submission(
                connection, campaign, catalog, item, verdicts[item.submission_id], parsed[item.submission_id]
            )
            for item in received
        }
    return _write_receipts(settings, catalog, campaign, received, verdicts, versions)


def _parse_batch(
    engine: Engine, catalog: Catalog, campaign: Campaign, received: list[Received]
) -> tuple[list[Received], dict[str, ParsedWorkbook | None], dict[str, Verdict]]:
    """Read every file of the batch (its form detected), except byte-identical re-uploads of an accepted file
    or of one earlier in this pass, which become 重复提交 verdicts naming the original."""
    earlier = queries.earlier_uploads(engine, campaign.code, [item.unit_code for item in received])
    parsed: dict[str, ParsedWorkbook | None] = {}
    verdicts: dict[str, Verdict] = {}
    detected: list[Received] = []
    for item in received:
        original = earlier.get((item.unit_code, item.sha256))
        # Same bytes as a rejected upload are validated again: what was missing (an analysis document)
        # may have arrived since. Same bytes as an accepted one (or one of this pass) are not loaded twice.
        if original is not None and original.get("status") != "rejected":
            detected.append(replace(item, form=original["form"]))
            parsed[item.submission_id] = None
            verdicts[item.submission_id] = Verdict(item.submission_id, duplicate_of=original)
            continue
        try:
            workbook, issues = read_submission(catalog, campaign, item)
        except Exception as exc:  # a reader bug must not lose the file or block the batch
            log.exception("parsing %s failed", item.archive_path)
            workbook, issues = None, [Issue("unreadable_file", f"文件无法解析:{exc}")]
        item = replace(item, form=detected_form(item, workbook))
        detected.append(item)
        parsed[item.submission_id] = workbook
        verdicts[item.submission_id] = Verdict(item.submission_id, errors=issues)
        earlier[(item.unit_code, item.sha256)] = {"submission_id": item.submission_id, "form": item.form}
    return detected, parsed, verdicts


def _write_receipts(
    settings: Settings,
    catalog: Catalog,
    campaign: Campaign,
    received: list[Received],
    verdicts: dict[str, Verdict],
    versions: dict[str, int],
) -> list[dict[str, Any]]:
    """A receipt per file (a duplicate's names the earlier version and what became of it); the pass summary."""
    statuses = {s: (v.status, versions[s]) for s, v in verdicts.items()}
    summary = []
    for item in received:
        verdict = verdicts[item.submission_id]
        if verdict.duplicate_of:
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
                "status": str(verdict.status),
                "errors": len(verdict.errors),
                "warnings": len(verdict.warnings),
            }
        )
    return summary


def run_collect(campaign_code: str | None = None) -> list[dict[str, Any]]:
    """One collection pass outside Airflow: the same functions the DAG's tasks call, in order."""
    selection = select_collecting(campaign_code)
    return validate_and_record([archive(inbox_file) for inbox_file in discover()], selection)
