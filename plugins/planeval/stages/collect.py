"""One collection pass: discover settled inbox files, split them into batches of whole units, and per batch
archive each file, validate the batch, stage it as new versions and write the receipts. The DAG's tasks
(one mapped task per batch) and ``planeval run collect`` call these functions.

May import: every stage package below it and planeval.stages.context.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import uuid
from dataclasses import asdict, replace
from pathlib import Path
from typing import Any

from sqlalchemy import Engine

from planeval.catalog import Campaign, Catalog
from planeval.dates import chinese_date, local_date
from planeval.faults import checkpoint
from planeval.intake.annotate import annotate_submission
from planeval.intake.archive import (
    FileNotSettled,
    Fingerprint,
    archive_target,
    fingerprint,
    form_of,
    release_inbox_copy,
    sha256_of,
    write_archive_copy,
)
from planeval.intake.cells import ParsedWorkbook
from planeval.intake.documents import document_text
from planeval.intake.guards import refusal
from planeval.intake.inbox import discover_check_files, discover_inbox_files
from planeval.intake.receipts import receipt_written, write_locked_receipt, write_receipt
from planeval.intake.submission import detected_form, read_submission
from planeval.records import CampaignSelection, ClaimState, EntryKind, InboxFile, Issue, Received, Verdict
from planeval.safetext import name_bytes_hex, printable, safe_file_name
from planeval.settings import Settings, get_settings
from planeval.stages.context import open_selection, select, settings_and_catalog
from planeval.validation.batch import validate_batch
from planeval.validation.frames import Submission
from planeval.validation.suites import GxRunner
from planeval.warehouse import claims, locks, queries
from planeval.warehouse.db import fetch_all, make_engine, translate_faults
from planeval.warehouse.migrate import ensure_schema
from planeval.warehouse.staging import stage_submission

log = logging.getLogger(__name__)


def discover() -> list[dict[str, Any]]:
    """Entries waiting in the inboxes (plain files and whatever else is there, seen without following links),
    with the unit's name for people reading the Airflow grid."""
    settings, catalog = settings_and_catalog()
    files = discover_inbox_files(settings, [u.code for u in catalog.units])
    log.info("各单位收件箱中有 %d 份文件待收取", len(files))
    return [asdict(f) | {"unit_name": catalog.unit(f.unit_code).name} for f in files]


def plan_batches(files: list[dict[str, Any]], units: list[tuple[str, str]], max_files: int) -> list[dict[str, Any]]:
    """Split a pass's inbox entries into batches of whole units, in catalog order, each of about ``max_files``
    files (a unit with more stays whole: its files are ordered and compared for re-uploads together). Every
    unit of the catalog belongs to exactly one batch, files or not (those without join the last batch), so
    each batch also finishes what a crashed pass left of its own units; with no file at all, one batch holds
    every unit. ``units``: (code, name) in catalog order. A batch: ``units`` (codes), ``files``, ``label``
    (its units by name, for the Airflow grid)."""
    by_unit: dict[str, list[dict[str, Any]]] = {}
    for item in files:
        by_unit.setdefault(item["unit_code"], []).append(item)
    names = dict(units)
    batches: list[dict[str, Any]] = []
    current: dict[str, Any] = {"units": [], "files": []}
    for code, _ in units:
        unit_files = by_unit.pop(code, [])
        if not unit_files:
            continue
        if current["files"] and len(current["files"]) + len(unit_files) > max_files:
            batches.append(current)
            current = {"units": [], "files": []}
        current["units"].append(code)
        current["files"].extend(unit_files)
    if by_unit:  # an inbox of a unit the catalog no longer lists: discovery only looks in the catalog's own
        raise ValueError(f"收件箱所属单位不在目录中:{sorted(by_unit)}")
    if current["files"] or not batches:
        batches.append(current)
    filed = {code for batch in batches for code in batch["units"]}
    batches[-1]["units"].extend(code for code, _ in units if code not in filed)
    for batch in batches:
        sending = {item["unit_code"] for item in batch["files"]}
        batch["label"] = batch_label([names[code] for code in batch["units"] if code in sending], len(batch["files"]))
    return batches


def batch_label(unit_names: list[str], count: int) -> str:
    """How the grid names a batch: 市应急管理局 · 3份 / 第1县发改委 等45个单位 · 200份 / 无待收文件."""
    if not unit_names:
        return "无待收文件"
    if len(unit_names) == 1:
        return f"{unit_names[0]} · {count}份"
    return f"{unit_names[0]} 等{len(unit_names)}个单位 · {count}份"


def discover_batches() -> list[dict[str, Any]]:
    """The pass's entries (``discover``) split into batches of whole units (``plan_batches``)."""
    settings, catalog = settings_and_catalog()
    units = [(unit.code, unit.name) for unit in catalog.units]
    batches = plan_batches(discover(), units, settings.batch_files)
    log.info("分为 %d 批收取:%s", len(batches), ";".join(batch["label"] for batch in batches))
    return batches


def collect_batch(
    batch: dict[str, Any], selection: CampaignSelection | None = None, pass_id: str | None = None
) -> list[dict[str, Any]]:
    """One batch of a pass, as the DAG's mapped task runs it: every file archived (write-ahead, ``archive``),
    then the batch validated, recorded and receipted (``validate_and_record``), with one warehouse engine and
    one GX context; only claims of the batch's own units are finished or taken over."""
    pass_id = pass_id or new_pass_id()
    engine = make_engine(get_settings().db_url)
    ensure_schema(engine)
    received = [archive(inbox_file, pass_id, engine=engine) for inbox_file in batch["files"]]
    return validate_and_record(received, selection, pass_id, units=batch["units"], engine=engine)


def new_pass_id() -> str:
    """A collection pass outside Airflow (an Airflow pass is its run id)."""
    return f"cli-{uuid.uuid4().hex}"


@translate_faults
def archive(
    inbox_file: dict[str, Any], pass_id: str, now: dt.datetime | None = None, engine: Engine | None = None
) -> dict[str, Any]:
    """Take one inbox entry into the archive under a claim, write-ahead: the claim row first, then the archive
    copy (fsynced, read-only), then the claim marked archived; the inbox copy stays until its row and receipt
    are committed (``validate_and_record``). Returns the Received record as a dict (for XCom).

    An entry taken before by a pass that crashed is finished, never duplicated; one another pass is working on
    (or has already recorded) is left to it; one that changed or vanished since discovery stays for the next
    pass (``{"skipped": …}``) and leaves no claim behind.
    """
    settings = get_settings()
    item = InboxFile.from_xcom(inbox_file)
    if engine is None:  # one task per file in Airflow; a pass outside it hands its one engine to every file
        engine = make_engine(settings.db_url)
        ensure_schema(engine)
    label = f"{inbox_file.get('unit_name') or item.unit_code} · {printable(os.path.basename(item.path))}"
    earlier = _own_earlier_work(engine, item, pass_id, label)
    if earlier is not None:
        return earlier
    claim: claims.Claim | None = None
    try:
        taken = fingerprint(item)
        claim = _claim(settings, engine, item, taken, pass_id, now)
        if claim is None:
            return {"skipped": "另一收取进程已处理或正在处理该文件", "path": item.path}
        if claim.state == ClaimState.RECORDED:  # recorded by a pass that stopped before removing the inbox copy
            _release(engine, claim)
            return {"released": claim.submission_id, "path": item.path}
        if claim.state == ClaimState.CLAIMED:
            write_archive_copy(item, taken, Path(claim.archive_path))
            checkpoint("copied")
            with engine.begin() as connection:
                claims.set_state(connection, claim.submission_id, pass_id, ClaimState.ARCHIVED)
            checkpoint("archived")
    except FileNotSettled as exc:
        log.info("%s:暂不收取,留待下次(%s)", label, printable(str(exc)))
        if claim is not None and claim.state == ClaimState.CLAIMED:
            claims.drop(engine, claim.submission_id, pass_id)
        return {"skipped": printable(str(exc)), "path": item.path}
    log.info("%s:已存档,待校验", label)
    return asdict(claim.received(form_of(claim.safe_name)))


def _own_earlier_work(engine: Engine, item: InboxFile, pass_id: str, label: str) -> dict[str, Any] | None:
    """A re-run of this pass's task (cleared in Airflow, or retried after it had finished): the file this very
    pass already archived, as it returned it then — never skipped as gone, never taken twice."""
    if item.size_bytes < 0:
        return None
    entry = {"unit_code": item.unit_code, "inbox_path": item.path, "size_bytes": item.size_bytes}
    claim = claims.find_of_pass(engine, pass_id, entry | {"mtime_ns": item.mtime_ns})
    if claim is None or claim.state == ClaimState.CLAIMED:  # not taken yet, or its copy unfinished: go on
        return None
    if claim.state == ClaimState.RECORDED:  # recorded before the inbox copy went
        _release(engine, claim)
    log.info("%s:本次运行已收取(%s),不再重复收取", label, claim.submission_id)
    return asdict(claim.received(form_of(claim.safe_name)))


def _claim(
    settings: Settings, engine: Engine, item: InboxFile, taken: Fingerprint, pass_id: str, now: dt.datetime | None
) -> claims.Claim | None:
    """The claim this pass works under: the one on this very entry (if this pass owns it or may take it over;
    an archived one is validation's to take), else a new one. None when another live pass owns it or the entry
    was already taken and released."""
    name = os.path.basename(item.fs_path())
    identity: dict[str, Any] = {
        "unit_code": item.unit_code,
        "name_hex": name_bytes_hex(name),
        "size_bytes": taken.size_bytes,
        "mtime_ns": taken.mtime_ns,
        "ctime_ns": taken.ctime_ns,
        "sha256": taken.sha256,
    }
    for _ in range(2):  # a lost insert race: read the winner's claim
        claim = claims.find(engine, identity)
        if claim is not None:
            if claim.state in (ClaimState.ARCHIVED, ClaimState.RECORDED):
                return claim
            if claim.state == ClaimState.CLAIMED and claims.take(engine, claim, pass_id, settings.claim_lease_seconds):
                return claims.get(engine, [claim.submission_id])[claim.submission_id]
            return None
        claim = _new_claim(settings, item, taken, identity, name, pass_id, now)
        if claims.insert(engine, claim):
            checkpoint("claimed")
            return claim
    return None


def _new_claim(
    settings: Settings,
    item: InboxFile,
    taken: Fingerprint,
    identity: dict[str, Any],
    name: str,
    pass_id: str,
    now: dt.datetime | None,
) -> claims.Claim:
    received = (now or dt.datetime.now(dt.UTC)).astimezone(dt.UTC)
    safe_name = safe_file_name(name)
    stamp = received.isoformat(timespec="microseconds")
    return claims.Claim(
        submission_id=f"{item.unit_code}-{received:%Y%m%dT%H%M%S%fZ}-{taken.sha256[:8]}",
        inbox_path=item.path,
        safe_name=safe_name,
        entry_kind=taken.kind.value,
        archive_path=str(archive_target(settings, item.unit_code, received, taken.sha256, safe_name)),
        uploaded_at=item.uploaded_at,
        received_at=stamp,
        state=ClaimState.CLAIMED.value,
        pass_id=pass_id,
        holder=claims.holder(),
        claimed_at=stamp,
        **identity,
    )


def _release(engine: Engine, claim: claims.Claim, item: InboxFile | None = None) -> None:
    """After the row and receipt are committed: the inbox copy goes (if it is still the file taken), and the
    claim becomes history."""
    settings = get_settings()
    item = item or InboxFile(
        claim.unit_code,
        claim.inbox_path,
        claim.uploaded_at,
        claim.size_bytes,
        claim.mtime_ns,
        path_hex=os.fsencode(settings.inbox(claim.unit_code)).hex() + "2f" + claim.name_hex,
        kind=claim.entry_kind,
        ctime_ns=claim.ctime_ns,
    )
    if item.kind in (EntryKind.UNREADABLE, EntryKind.HARDLINK):
        # never copied: it stays where the unit put it, recorded, and is not taken again (removing one name of
        # a file with several could remove its last copy)
        return
    release_inbox_copy(item)
    checkpoint("released")
    with engine.begin() as connection:
        claims.set_state(connection, claim.submission_id, claim.pass_id, ClaimState.RELEASED)


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
                log.warning("could not read %s for analyses", printable(path))
        documents[unit] = "\n".join(texts)
    return documents, queries.current_values(engine, campaign.code, units)


def select_collecting(campaign_code: str | None = None) -> CampaignSelection:
    """The campaign a collection pass files its submissions under: the one named, else the one open today (in
    the catalog's time zone), else the only one; CampaignChoiceError rather than a guess (``Catalog.campaign``)."""
    return select(campaign_code or None)


@translate_faults
def validate_and_record(
    received_records: list[dict[str, Any]],
    selection: CampaignSelection | None = None,
    pass_id: str | None = None,
    *,
    units: list[str] | None = None,
    engine: Engine | None = None,
) -> list[dict[str, Any]]:
    """Validate a batch of archived files together, stage each as a new version, write receipts and then
    remove the inbox copies: rows, claims and receipts are committed together before any inbox copy goes.
    Files a crashed pass archived but never recorded are finished here too.

    Byte-identical re-uploads (same unit, same SHA-256) are recorded as 重复提交 and not validated or
    loaded again (a re-upload of a rejected file is validated again). A file that cannot be parsed is
    rejected with its reason; it never stops the others.

    ``units``: the batch's units (``plan_batches``) — only their leftover claims are finished here, so the
    batches of one pass never take each other's files; None: every unit (a pass in one batch).
    """
    settings, catalog, campaign = open_selection(selection or select_collecting())
    if engine is None:
        engine = make_engine(settings.db_url)
        ensure_schema(engine)
    pass_id = pass_id or new_pass_id()
    mine = None if units is None else set(units)
    for claim in claims.in_state(engine, ClaimState.RECORDED):  # a pass stopped before its inbox copies went
        if (mine is None or claim.unit_code in mine) and claims.abandoned(claim, settings.claim_lease_seconds):
            _release(engine, claim)
    records = [Received(**r) for r in received_records if "submission_id" in r]
    received = _owned(settings, engine, records, pass_id, mine)
    earlier, received = _recorded_before(engine, catalog, records, received, pass_id)
    if not received:
        return earlier
    lock = locks.current_lock(engine, campaign.code)
    if lock is not None:  # approved and locked: archived and receipted 已锁定, never staged
        return earlier + _receipt_locked(settings, engine, catalog, campaign, received, lock, pass_id)
    checkpoint("taken")
    received, parsed, verdicts = judge(settings, engine, catalog, campaign, received)
    with engine.begin() as connection:
        versions = {}
        for item in received:
            verdict, workbook = verdicts[item.submission_id], parsed[item.submission_id]
            versions[item.submission_id] = stage_submission(connection, campaign, catalog, item, verdict, workbook)
            claims.set_state(connection, item.submission_id, pass_id, ClaimState.RECORDED)
        summary = _write_receipts(settings, catalog, campaign, received, verdicts, versions, parsed)
        checkpoint("receipts")
    checkpoint("committed")
    for claim in claims.get(engine, [item.submission_id for item in received]).values():
        _release(engine, claim)
    summary = earlier + summary
    counts = {status: sum(item["status"] == status for item in summary) for status in OUTCOMES}
    log.info("本次收取 %d 份:%s", len(summary), ",".join(f"{OUTCOMES[s]} {n} 份" for s, n in counts.items() if n))
    return summary


def _pass_entry(
    item: Received, campaign: Campaign, version: int | None, status: str, errors: int = 0, warnings: int = 0
) -> dict[str, Any]:
    """One file's line of a pass's summary (what `planeval run collect` prints and the DAG passes on)."""
    return {
        "submission_id": item.submission_id,
        "campaign": campaign.code,
        "unit_code": item.unit_code,
        "form": item.form,
        "file": item.original_name,
        "version": version,
        "status": status,
        "errors": errors,
        "warnings": warnings,
    }


OUTCOMES = {"accepted": "已受理", "rejected": "退回", "duplicate": "重复提交", "locked": "已锁定"}


def locked_notice(lock: locks.Lock, catalog: Catalog) -> str:
    """What a unit reads when it uploads for a locked campaign (the approval's day in the catalog's zone)."""
    day = chinese_date(local_date(lock.approved_at, catalog.timezone))
    return f"本期评估已于{day}经审核定稿,数据已锁定;如需更正,请联系{catalog.short_office}。"


def _receipt_locked(
    settings: Settings,
    engine: Engine,
    catalog: Catalog,
    campaign: Campaign,
    received: list[Received],
    lock: locks.Lock,
    pass_id: str,
) -> list[dict[str, Any]]:
    """Files for a locked campaign: kept in the archive (their claims record them), receipted 已锁定 and
    neither validated nor staged, so no figure changes; then their inbox copies go like any recorded file."""
    notice = locked_notice(lock, catalog)
    summary = []
    with engine.begin() as connection:
        for item in received:
            claims.set_state(connection, item.submission_id, pass_id, ClaimState.RECORDED)
            unit_name = catalog.unit(item.unit_code).name
            write_locked_receipt(settings, item, unit_name, notice)
            log.info("%s · %s:已锁定(%s)", unit_name, printable(item.original_name), lock.lock_id)
            summary.append(_pass_entry(item, campaign, None, "locked"))
    for claim in claims.get(engine, [item.submission_id for item in received]).values():
        _release(engine, claim)
    return summary


def judge(
    settings: Settings,
    engine: Engine,
    catalog: Catalog,
    campaign: Campaign,
    received: list[Received],
    data_docs: bool = True,
) -> tuple[list[Received], dict[str, ParsedWorkbook | None], dict[str, Verdict]]:
    """The verdict on a batch of archived files, oldest upload first — the one validation of a submission and
    of a 预审 file alike: refusals and duplicates, parsing, then the GX suites together, against each unit's
    Word documents and currently accepted figures. Reads the warehouse, writes nothing to it; ``data_docs``:
    whether GX writes its Data Docs under the home (not for a 预审 file, which leaves no trace)."""
    received = sorted(received, key=lambda item: (item.uploaded_at, item.received_at, item.submission_id))
    received, parsed, verdicts = _parse_batch(settings, engine, catalog, campaign, received)
    documents, previous = _unit_context(engine, campaign, received, verdicts)
    tables = [
        Submission(item, workbook, documents.get(item.unit_code, ""), previous.get(item.unit_code, {}))
        for item in received
        if (workbook := parsed[item.submission_id])
    ]
    runner = None
    if tables:
        runner = GxRunner(data_docs_dir=settings.home / "data_docs") if data_docs else GxRunner()
    for submission_id, verdict in validate_batch(catalog, campaign, tables, runner).items():
        verdicts[submission_id].errors += verdict.errors
        verdicts[submission_id].warnings += verdict.warnings
        verdicts[submission_id].notices += verdict.notices
    if runner is not None:
        runner.publish()
    return received, parsed, verdicts


def _recorded_before(
    engine: Engine, catalog: Catalog, records: list[Received], owned: list[Received], pass_id: str
) -> tuple[list[dict[str, Any]], list[Received]]:
    """What this pass already recorded (a cleared or retried validation task): its summary rows, read back and
    not inserted again; and the owned files still to record. A file whose submission row exists although its
    claim says archived is marked recorded, never inserted twice."""
    ids = sorted({item.submission_id for item in [*records, *owned]})
    if not ids:  # an empty IN list is typed as integer by SQLAlchemy, which PostgreSQL refuses against text ids
        return [], owned
    rows = {row["submission_id"]: row for row in fetch_all(engine, "select_recorded_submissions", submission_ids=ids)}
    if not rows:
        return [], owned
    stale = [item for item in owned if item.submission_id in rows]
    if stale:
        with engine.begin() as connection:
            for item in stale:
                claims.set_state(connection, item.submission_id, pass_id, ClaimState.RECORDED)
    names = {unit.code: unit.name for unit in catalog.units}
    earlier = []
    for row in rows.values():
        if row["pass_id"] != pass_id:
            continue
        earlier.append(_summary_row(row))
        outcome = OUTCOMES.get(str(row["status"]), str(row["status"]))
        unit = names.get(row["unit_code"], row["unit_code"])
        log.info("%s · %s:本次运行已处理(%s),不再重复入库", unit, printable(row["original_name"]), outcome)
    return earlier, [item for item in owned if item.submission_id not in rows]


def _summary_row(row: dict[str, Any]) -> dict[str, Any]:
    return {
        "submission_id": row["submission_id"],
        "campaign": row["campaign_code"],
        "unit_code": row["unit_code"],
        "form": row["form"],
        "file": row["original_name"],
        "version": row["version"],
        "status": str(row["status"]),
        "errors": row["error_count"],
        "warnings": row["warning_count"],
    }


def outcome_text(verdict: Verdict, version: int) -> str:
    """The one-line outcome of a file, as the task's log shows it: 已受理 / 退回(3处错误:…) / 重复提交."""
    if verdict.duplicate_of:
        return f"重复提交(与第{verdict.duplicate_of.get('version', '?')}版相同,不再入库)"
    if verdict.errors:
        reasons = ";".join(printable(issue.message) for issue in verdict.errors[:3])
        more = "…" if len(verdict.errors) > 3 else ""
        return f"退回({len(verdict.errors)}处错误:{reasons}{more})"
    counts = [(len(verdict.warnings), "条警告(已说明)"), (len(verdict.notices), "条提示")]
    notes = "".join(f",{count}{label}" for count, label in counts if count)
    return f"已受理(第{version}版{notes})"


def _owned(
    settings: Settings, engine: Engine, received: list[Received], pass_id: str, units: set[str] | None = None
) -> list[Received]:
    """The archived files this batch validates: those it archived, and those a pass that is gone left archived
    but unrecorded (of the batch's ``units``; None: any) — each owned by this pass (a claim taken by
    compare-and-swap), so no file is recorded twice."""
    by_id = {item.submission_id: item for item in received}
    current = claims.get(engine, list(by_id))
    for claim in claims.in_state(engine, ClaimState.ARCHIVED):
        if units is None or claim.unit_code in units:
            current.setdefault(claim.submission_id, claim)
    owned = []
    for submission_id, claim in current.items():
        if claim.state == ClaimState.ARCHIVED and claims.take(engine, claim, pass_id, settings.claim_lease_seconds):
            owned.append(by_id.get(submission_id) or claim.received(form_of(claim.safe_name)))
    return owned


def _parse_batch(
    settings: Settings, engine: Engine, catalog: Catalog, campaign: Campaign, received: list[Received]
) -> tuple[list[Received], dict[str, ParsedWorkbook | None], dict[str, Verdict]]:
    """Read every file of the batch (its form detected), except entries refused unread (not a plain file, too
    large) and byte-identical re-uploads of an accepted file or of one earlier in this pass, which become
    重复提交 verdicts naming the original."""
    earlier = queries.earlier_uploads(engine, campaign.code, [item.unit_code for item in received])
    parsed: dict[str, ParsedWorkbook | None] = {}
    verdicts: dict[str, Verdict] = {}
    detected: list[Received] = []
    for item in received:
        refused = refusal(item, settings.max_file_bytes)
        if refused is not None:
            detected.append(item)
            parsed[item.submission_id] = None
            verdicts[item.submission_id] = Verdict(item.submission_id, errors=[refused])
            continue
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
            log.exception("parsing %s failed", printable(item.archive_path))
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
    parsed: dict[str, ParsedWorkbook | None],
) -> list[dict[str, Any]]:
    """A receipt per file (a duplicate's names the earlier version and what became of it), with the annotated
    copy of a rejected or warned workbook beside it; the pass summary."""
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
        unit_name = catalog.unit(item.unit_code).name
        annotation = annotate_submission(settings, item, verdict, parsed.get(item.submission_id))
        write_receipt(settings, item, verdict, unit_name, versions[item.submission_id], annotation)
        log.info("%s · %s:%s", unit_name, item.original_name, outcome_text(verdict, versions[item.submission_id]))
        version, errors = versions[item.submission_id], len(verdict.errors)
        warnings = len(verdict.warnings) + len(verdict.notices)  # as submission.warning_count
        summary.append(_pass_entry(item, campaign, version, str(verdict.status), errors, warnings))
    return summary


@translate_faults
def check_files(selection: CampaignSelection | None = None, now: dt.datetime | None = None) -> list[dict[str, Any]]:
    """预审: every settled file in the units' ``check/`` folders validated exactly as a submission would be
    (``judge``, against the unit's currently accepted version) and answered with a 预审回执 — and nothing
    recorded: no claim, submission, staging or fact row. The original is kept under ``archive/<unit>/check/``
    first; the file leaves ``check/`` only after its receipt is written (a pass stopped in between takes it
    again and finds its receipt written). Returns one row per file for the log and the demo."""
    settings, catalog, campaign = open_selection(selection or select_collecting())
    found = discover_check_files(settings, [u.code for u in catalog.units])
    if not found:
        return []
    engine = make_engine(settings.db_url)
    ensure_schema(engine)
    taken: dict[str, InboxFile] = {}
    received: list[Received] = []
    for item in found:
        try:
            record, receipted = _take_check(settings, item, now)
        except FileNotSettled as exc:
            log.info("预审 %s:暂不收取,留待下次(%s)", printable(item.path), printable(str(exc)))
            continue
        as_taken = replace(item, kind=record.entry_kind)  # a file found unreadable stays where it is
        if receipted:  # by an earlier pass that stopped before the file left check/
            release_inbox_copy(as_taken)
            continue
        taken[record.submission_id] = as_taken
        received.append(record)
    if not received:
        return []
    received, parsed, verdicts = judge(settings, engine, catalog, campaign, received, data_docs=False)
    results = []
    for record in received:
        verdict, unit_name = verdicts[record.submission_id], catalog.unit(record.unit_code).name
        annotation = annotate_submission(settings, record, verdict, parsed.get(record.submission_id), dry_run=True)
        receipt = write_receipt(settings, record, verdict, unit_name, 0, annotation, dry_run=True)
        release_inbox_copy(taken[record.submission_id])
        log.info("%s · %s:预审%s", unit_name, record.original_name, CHECK_OUTCOMES[str(verdict.status)])
        results.append(
            {
                "unit_code": record.unit_code,
                "form": record.form,
                "file": record.original_name,
                "status": str(verdict.status),
                "errors": len(verdict.errors),
                "warnings": len(verdict.warnings),
                "receipt": str(receipt.with_suffix(".txt")),
            }
        )
    return results


CHECK_OUTCOMES = {"accepted": "通过", "rejected": "未通过", "duplicate": "与已收到的文件相同"}


def _take_check(settings: Settings, item: InboxFile, now: dt.datetime | None) -> tuple[Received, bool]:
    """A 预审 file archived under ``archive/<unit>/check/`` (write-ahead: fsynced and read-only before it is
    read), named by its modification time and hashes so a pass that stopped midway finds the same copy; and
    whether its receipt is already written (then it is not copied again). FileNotSettled when it changed
    since discovery."""
    taken = fingerprint(item)
    raw_name = os.path.basename(item.fs_path())
    name = safe_file_name(raw_name)
    modified = dt.datetime.fromtimestamp(taken.mtime_ns / 1e9, dt.UTC)
    # the name's hash too: two copies of one file (same bytes and time) under two names are two checks
    stamp = f"{modified:%Y%m%dT%H%M%S%fZ}-{taken.sha256[:8]}-{sha256_of(os.fsencode(raw_name))[:8]}"
    record = Received(
        submission_id=f"{item.unit_code}-{stamp}",
        unit_code=item.unit_code,
        form=form_of(name),
        original_name=name,
        archive_path=str(settings.check_archive(item.unit_code) / f"{stamp}_{name}"),
        sha256=taken.sha256,
        size_bytes=taken.size_bytes,
        uploaded_at=item.uploaded_at,
        received_at=(now or dt.datetime.now(dt.UTC)).astimezone(dt.UTC).isoformat(timespec="microseconds"),
        entry_kind=taken.kind.value,
    )
    if receipt_written(settings, record, dry_run=True):
        return record, True
    write_archive_copy(item, taken, Path(record.archive_path))
    return record, False


def run_collect(campaign_code: str | None = None) -> list[dict[str, Any]]:
    """One collection pass outside Airflow: the same functions the DAG's tasks call, in order — the batches
    one after another, then the 预审 files, against what this pass accepted. Returns the submissions' summary."""
    selection = select_collecting(campaign_code)
    pass_id = new_pass_id()
    summary = [row for batch in discover_batches() for row in collect_batch(batch, selection, pass_id)]
    check_files(selection)
    return summary
