"""Who owes what by when, and who is done, late, rejected-only or missing.

Modelled on DHIS2's reporting rate (received / expected) and timeliness (received on time / expected):
an obligation is one unit × one form × its due date, built from the catalog's campaign deadlines; each
monitor run (an ``as_of`` day) classifies every obligation from the submissions received by then.
Dates are Beijing dates: a file received at 23:58 on the due day (Beijing time) is on time.

May import: planeval.catalog, planeval.dates, planeval.warehouse."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import asdict, dataclass
from typing import Any

from sqlalchemy import Engine

from planeval.catalog import FORM_LABELS, Campaign, Catalog
from planeval.dates import beijing_date
from planeval.records import ObligationState, SubmissionStatus
from planeval.warehouse.db import execute_many, fetch_all, sql

# From best to worst: a unit's overall status is the worst of its forms'.
STATUSES: tuple[ObligationState, ...] = tuple(ObligationState)


STATUS_LABELS: dict[ObligationState, str] = {
    ObligationState.DONE: "按时报送",
    ObligationState.LATE: "逾期报送",
    ObligationState.REJECTED_ONLY: "仅有退回版本",
    ObligationState.MISSING: "未报送",
}


TOTAL = "合计"


@dataclass(frozen=True)
class ObligationStatus:
    unit_code: str
    unit_kind: str
    form: str
    due: dt.date
    status: ObligationState
    overdue: bool  # the as_of day is past the due date
    uploads: int
    first_accepted_at: str | None
    last_received_at: str | None
    last_rejected_id: str | None


def open_campaigns(catalog: Catalog, day: dt.date) -> list[Campaign]:
    """Campaigns whose monitoring window holds ``day``, the nearest deadline first."""
    found = [c for c in catalog.campaigns if c.is_open(day)]
    return sorted(found, key=lambda c: min(abs((d.due - day).days) for d in c.deadlines))


def build_obligations(catalog: Catalog, campaign: Campaign) -> list[dict[str, Any]]:
    rows = []
    for unit in catalog.units:
        for form in catalog.expected_forms(campaign, unit):
            due = campaign.due(form)
            if due is None:  # expected forms come from the campaign's deadlines: never without a due date
                continue
            rows.append(
                {
                    "campaign_code": campaign.code,
                    "unit_code": unit.code,
                    "unit_kind": catalog.kind_label(unit.kind),
                    "form": form,
                    "due_date": due.isoformat(),
                }
            )
    return rows


def classify(
    uploads: list[dict[str, Any]], due: dt.date, as_of: dt.date
) -> tuple[ObligationState, str | None, str | None, str | None]:
    """Status of one obligation from its uploads (dicts with status, received_at, submission_id)."""
    seen = sorted((u for u in uploads if beijing_date(u["received_at"]) <= as_of), key=lambda u: u["received_at"])
    accepted = [u for u in seen if u["status"] == SubmissionStatus.ACCEPTED]
    rejected = [u for u in seen if u["status"] == SubmissionStatus.REJECTED]
    first_accepted = accepted[0]["received_at"] if accepted else None
    last_received = seen[-1]["received_at"] if seen else None
    last_rejected = rejected[-1]["submission_id"] if rejected else None
    if first_accepted is not None:
        status = ObligationState.DONE if beijing_date(first_accepted) <= due else ObligationState.LATE
    elif rejected:
        status = ObligationState.REJECTED_ONLY
    else:
        status = ObligationState.MISSING
    return status, first_accepted, last_received, last_rejected


def obligation_statuses(rows: list[dict[str, Any]], as_of: dt.date) -> list[ObligationStatus]:
    """Classify every obligation (rows of select_obligation_uploads: one per upload, or one empty row)."""
    grouped: dict[tuple[str, str], list[dict[str, Any]]] = defaultdict(list)
    heads: dict[tuple[str, str], dict[str, Any]] = {}
    for row in rows:
        key = (row["unit_code"], row["form"])
        heads.setdefault(key, row)
        if row["submission_id"]:
            grouped[key].append(row)
    result = []
    for key, head in heads.items():
        due = dt.date.fromisoformat(head["due_date"])
        uploads = grouped.get(key, [])
        status, first_accepted, last_received, last_rejected = classify(uploads, due, as_of)
        counted = sum(beijing_date(u["received_at"]) <= as_of for u in uploads)
        result.append(
            ObligationStatus(
                head["unit_code"],
                head["unit_kind"],
                head["form"],
                due,
                status,
                as_of > due,
                counted,
                first_accepted,
                last_received,
                last_rejected,
            )
        )
    return result


def completeness_rows(statuses: list[ObligationStatus]) -> list[dict[str, Any]]:
    """Expected, received, on time, late, rejected-only and missing, by form and unit kind (and totals)."""
    counts: dict[tuple[str, str], dict[str, int]] = defaultdict(lambda: dict.fromkeys(("expected", *STATUSES), 0))
    for item in statuses:
        for kind in (item.unit_kind, TOTAL):
            bucket = counts[(item.form, kind)]
            bucket["expected"] += 1
            bucket[item.status] += 1
    rows = []
    for (form, kind), bucket in sorted(counts.items(), key=lambda pair: (pair[0][0], pair[0][1] == TOTAL, pair[0][1])):
        rows.append(
            {
                "form": form,
                "unit_kind": kind,
                "expected": bucket["expected"],
                "received": bucket[ObligationState.DONE] + bucket[ObligationState.LATE],
                "on_time": bucket[ObligationState.DONE],
                "late": bucket[ObligationState.LATE],
                "rejected_only": bucket[ObligationState.REJECTED_ONLY],
                "missing": bucket[ObligationState.MISSING],
            }
        )
    return rows


def unit_summaries(catalog: Catalog, statuses: list[ObligationStatus]) -> list[dict[str, Any]]:
    """One entry per unit that owes something: its worst status over its forms, for the Airflow grid."""
    by_unit: dict[str, list[ObligationStatus]] = defaultdict(list)
    for item in statuses:
        by_unit[item.unit_code].append(item)
    summaries = []
    for unit in catalog.units:
        items = by_unit.get(unit.code)
        if not items:
            continue
        worst = max(items, key=lambda item: STATUSES.index(item.status)).status
        summaries.append(
            {
                "unit_code": unit.code,
                "unit_name": unit.name,
                "unit_kind": catalog.kind_label(unit.kind),
                "status": worst.value,
                "label": STATUS_LABELS[worst],
                "overdue": any(i.overdue and i.status.owing for i in items),
                "forms": {i.form: STATUS_LABELS[i.status] for i in items},
                "forms_text": "、".join(f"{FORM_LABELS.get(i.form, i.form)}:{STATUS_LABELS[i.status]}" for i in items),
            }
        )
    return summaries


def record(engine: Engine, catalog: Catalog, campaign: Campaign, as_of: dt.date) -> list[ObligationStatus]:
    """Rebuild the campaign's obligations, classify them as of ``as_of`` and store the result (idempotent)."""
    key = {"campaign_code": campaign.code, "as_of": as_of.isoformat()}
    with engine.begin() as connection:
        connection.execute(sql("delete_obligations"), {"campaign_code": campaign.code})
        execute_many(connection, "insert_obligation", build_obligations(catalog, campaign))
        rows = [dict(r._mapping) for r in connection.execute(sql("select_obligation_uploads"), key)]
        statuses = obligation_statuses(rows, as_of)
        connection.execute(sql("delete_obligation_status"), key)
        execute_many(
            connection,
            "insert_obligation_status",
            (
                key | asdict(s) | {"due_date": s.due.isoformat(), "status": s.status.value, "overdue": int(s.overdue)}
                for s in statuses
            ),
        )
        connection.execute(sql("delete_completeness"), key)
        execute_many(connection, "insert_completeness", (key | row for row in completeness_rows(statuses)))
    return statuses


def stored_statuses(engine: Engine, campaign: Campaign, as_of: dt.date) -> list[ObligationStatus]:
    """The statuses a monitor run recorded, so later tasks (on any worker) use exactly what the grid shows."""
    rows = fetch_all(engine, "select_obligation_status", campaign_code=campaign.code, as_of=as_of.isoformat())
    return [
        ObligationStatus(
            r["unit_code"],
            r["unit_kind"],
            r["form"],
            dt.date.fromisoformat(r["due_date"]),
            ObligationState(r["status"]),
            bool(r["overdue"]),
            r["uploads"],
            r["first_accepted_at"],
            r["last_received_at"],
            r["last_rejected_id"],
        )
        for r in rows
    ]
