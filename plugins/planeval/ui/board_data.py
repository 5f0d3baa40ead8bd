"""What the 报送情况 page shows: one row per reporting unit of a campaign, classified as of today from the
warehouse with the monitor's own rules (``monitoring.obligations``), and the files a unit may open (its
receipts, an annotated workbook, its 催报通知); and the year-end documents under ``reports/<campaign>/``.

Nothing here writes: the board reads the uploads (``select_submissions``) and classifies them in memory,
exactly as a monitor run would on the same day.

May import everything below it.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import Engine

from planeval.catalog import FORM_LABELS, Campaign, Catalog
from planeval.dates import today_in
from planeval.intake.receipts import annotated_copy
from planeval.monitoring import obligations
from planeval.monitoring.obligations import STATUSES, ObligationStatus
from planeval.records import ObligationState, SubmissionStatus
from planeval.settings import Settings
from planeval.warehouse.db import fetch_all

# The board's words for the monitor's states (obligations.STATUS_LABELS are the workbook's).
BOARD_LABELS: dict[ObligationState, str] = {
    ObligationState.DONE: "按时",
    ObligationState.LATE: "逾期",
    ObligationState.REJECTED_ONLY: "退回待改",
    ObligationState.MISSING: "未报送",
}
REASONS_SHOWN = 5
Row = dict[str, Any]


@dataclass(frozen=True)
class UnitRow:
    unit_code: str
    unit_name: str
    unit_kind: str
    state: ObligationState
    label: str
    overdue: bool
    forms: list[dict[str, str]]  # form label, state label, due date
    last_file: str | None
    last_time: str | None  # catalog time zone, 2025-06-16 14:03
    reasons: list[str]
    receipt: str | None  # a file name in the unit's receipts folder
    annotated: list[str]  # annotated workbooks in the same folder
    reminder: str | None  # the latest 催报通知 file name


@dataclass(frozen=True)
class Board:
    campaign: Campaign
    as_of: dt.date
    rows: list[UnitRow]
    counts: dict[str, int] = field(default_factory=dict)


def default_campaign(catalog: Catalog) -> Campaign:
    """The campaign the board shows first — the one open today (the nearest deadline first), else the latest —
    a display default only: the page offers every campaign and nothing is filed under it (the commands and
    DAGs resolve through ``Catalog.campaign``, which refuses to guess)."""
    opened = obligations.open_campaigns(catalog, today_in(catalog.timezone))
    return opened[0] if opened else max(catalog.campaigns, key=lambda c: (c.year, c.data_cutoff))


def live_statuses(
    catalog: Catalog, campaign: Campaign, submissions: list[Row], as_of: dt.date
) -> list[ObligationStatus]:
    """Every obligation of the campaign classified as of ``as_of`` from the uploads (rows of
    ``select_submissions``), as ``obligations.record`` would, without storing anything."""
    uploads: dict[tuple[str, str], list[Row]] = defaultdict(list)
    for row in submissions:
        if row["status"] in (SubmissionStatus.ACCEPTED, SubmissionStatus.REJECTED):
            uploads[(row["unit_code"], row["form"])].append(row)
    rows: list[Row] = []
    for obligation in obligations.build_obligations(catalog, campaign):
        made = uploads.get((obligation["unit_code"], obligation["form"]), [])
        empty = {"status": None, "received_at": None, "submission_id": None}
        rows += [obligation | {k: upload[k] for k in empty} for upload in made] or [obligation | empty]
    return obligations.obligation_statuses(rows, as_of)


def local_time(timestamp: str, timezone: str) -> str:
    return dt.datetime.fromisoformat(timestamp).astimezone(ZoneInfo(timezone)).strftime("%Y-%m-%d %H:%M")


def rejection_reasons(engine: Engine, items: list[ObligationStatus], by_id: dict[str, Row]) -> list[str]:
    """The errors of each form's latest upload when it was rejected (a correction not yet accepted)."""
    reasons: list[str] = []
    for item in items:
        rejected = by_id.get(item.last_rejected_id or "")
        if rejected is None or rejected["received_at"] != item.last_received_at:
            continue
        for error in fetch_all(engine, "select_latest_rejection", submission_id=rejected["submission_id"]):
            cell = f"{error['sheet']}!{error['column_letter'] or ''}{error['row_number'] or ''}"
            reasons.append(f"[{cell}] {error['message']}" if error["sheet"] else str(error["message"]))
    if len(reasons) > REASONS_SHOWN:
        return [*reasons[:REASONS_SHOWN], f"等共{len(reasons)}处错误,详见回执"]
    return reasons


def receipt_files(settings: Settings, unit_code: str, original_name: str | None) -> tuple[str | None, list[str]]:
    """The readable receipt of the unit's latest file and its annotated workbook beside it
    (``receipts.annotated_copy``), by name within the unit's receipts folder."""
    folder = settings.receipts(unit_code)
    if original_name is None or folder.is_symlink() or not folder.is_dir():
        return None, []
    receipt = f"{original_name}.txt"
    copy = annotated_copy(folder / original_name)
    annotated = [copy.name] if copy.is_file() and not copy.is_symlink() else []
    path = folder / receipt
    return (receipt if path.is_file() and not path.is_symlink() else None), annotated


def latest_reminder(settings: Settings, catalog: Catalog, campaign: Campaign, unit_code: str) -> Path | None:
    """The newest 催报通知 written for the unit in this campaign (file names end with the ISO day)."""
    folder = settings.reports_dir / campaign.code / "reminders"
    if folder.is_symlink() or not folder.is_dir():
        return None
    name = catalog.unit(unit_code).name
    found = sorted(p for p in folder.glob(f"催报通知_{name}_*.docx") if p.is_file() and not p.is_symlink())
    return found[-1] if found else None


def unit_row(
    context: tuple[Settings, Catalog, Campaign, Engine], unit_code: str, items: list[ObligationStatus], mine: list[Row]
) -> UnitRow:
    """One unit's row: its worst state over its forms, its latest file, the reasons and its files."""
    settings, catalog, campaign, engine = context
    unit = catalog.unit(unit_code)
    worst = max(items, key=lambda item: STATUSES.index(item.status)).status
    last = max(mine, key=lambda row: row["received_at"]) if mine else None
    receipt, annotated = receipt_files(settings, unit_code, last["original_name"] if last else None)
    reminder = latest_reminder(settings, catalog, campaign, unit_code)
    return UnitRow(
        unit_code=unit_code,
        unit_name=unit.name,
        unit_kind=catalog.kind_label(unit.kind),
        state=worst,
        label=BOARD_LABELS[worst],
        overdue=any(i.overdue and i.status.owing for i in items),
        forms=[
            {"form": FORM_LABELS.get(i.form, i.form), "label": BOARD_LABELS[i.status], "due": i.due.isoformat()}
            for i in items
        ],
        last_file=last["original_name"] if last else None,
        last_time=local_time(last["received_at"], catalog.timezone) if last else None,
        reasons=rejection_reasons(engine, items, {row["submission_id"]: row for row in mine}),
        receipt=receipt,
        annotated=annotated,
        reminder=reminder.name if reminder else None,
    )


def counts_of(rows: list[UnitRow]) -> dict[str, int]:
    """应报 / 已报 (按时 + 逾期) / 按时 / 逾期 / 退回待改 / 未报送, in units."""
    by_state = {state: sum(row.state == state for row in rows) for state in ObligationState}
    return {
        "应报": len(rows),
        "已报": by_state[ObligationState.DONE] + by_state[ObligationState.LATE],
        "按时": by_state[ObligationState.DONE],
        "逾期": by_state[ObligationState.LATE],
        "退回待改": by_state[ObligationState.REJECTED_ONLY],
        "未报送": by_state[ObligationState.MISSING],
    }


def build_board(
    settings: Settings, catalog: Catalog, campaign: Campaign, engine: Engine, unit_codes: set[str] | None = None
) -> Board:
    """The board of a campaign as of today (catalog time zone), for all units or only ``unit_codes``."""
    as_of = today_in(catalog.timezone)
    submissions = fetch_all(engine, "select_submissions", campaign_code=campaign.code)
    by_unit: dict[str, list[ObligationStatus]] = defaultdict(list)
    for item in live_statuses(catalog, campaign, submissions, as_of):
        by_unit[item.unit_code].append(item)
    uploads: dict[str, list[Row]] = defaultdict(list)
    for row in submissions:
        uploads[row["unit_code"]].append(row)
    context = (settings, catalog, campaign, engine)
    rows = [
        unit_row(context, unit.code, by_unit[unit.code], uploads.get(unit.code, []))
        for unit in catalog.units
        if by_unit.get(unit.code) and (unit_codes is None or unit.code in unit_codes)
    ]
    return Board(campaign, as_of, rows, counts_of(rows))


@dataclass(frozen=True)
class ReportFolder:
    campaign_code: str
    campaign_name: str
    groups: list[tuple[str, list[str]]]  # heading, paths relative to the campaign folder


def report_groups(folder: Path) -> list[tuple[str, list[str]]]:
    """The documents of one campaign folder: 定稿 and 征求意见稿 at the top level, then each sub-folder (反馈函,
    催报通知, 报送情况统计, 图表) by name; hidden, temporary and linked entries are left out."""
    top = sorted(p.name for p in folder.iterdir() if _listed(p) and p.is_file())
    groups = [
        ("定稿", [name for name in top if "征求意见稿" not in name]),
        ("征求意见稿", [name for name in top if "征求意见稿" in name]),
    ]
    titles = {"反馈函": "反馈函", "reminders": "催报通知", "monitor": "报送情况统计", "图表": "图表"}
    for sub in sorted(p for p in folder.iterdir() if _listed(p) and p.is_dir()):
        files = sorted(f"{sub.name}/{p.name}" for p in sub.iterdir() if _listed(p) and p.is_file())
        if files:
            groups.append((titles.get(sub.name, sub.name), files))
    return [(title, names) for title, names in groups if names]


def _listed(path: Path) -> bool:
    return not path.name.startswith((".", "~$")) and not path.is_symlink() and path.suffix.lower() != ".tmp"


def report_folders(settings: Settings, catalog: Catalog) -> list[ReportFolder]:
    """Every campaign of the catalog that has a folder under ``reports/``, the latest first."""
    found = []
    for campaign in sorted(catalog.campaigns, key=lambda c: (c.year, c.data_cutoff), reverse=True):
        folder = settings.reports_dir / campaign.code
        if folder.is_dir() and not folder.is_symlink():
            found.append(ReportFolder(campaign.code, campaign.name, report_groups(folder)))
    return found
