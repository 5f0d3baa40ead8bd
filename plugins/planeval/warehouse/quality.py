"""Data-quality figures per unit of a campaign (issue 18, part 5): the share of forms whose first upload was
accepted (一次通过率), the rejected uploads, the days late of the latest form, and the warnings on the versions
that count. The counts come from ``sql/select_data_quality.sql``; days late are counted here, between calendar
days in the catalog's time zone (a due date is such a day, a receipt time is UTC). docs/warehouse.md.

May import: planeval.warehouse.db, planeval.dates.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Engine

from planeval.dates import local_date
from planeval.warehouse.db import fetch_all


@dataclass(frozen=True)
class UnitQuality:
    unit_code: str
    forms: int  # forms the unit owes or has sent
    first_pass: int  # of them, those whose first upload was accepted
    rejections: int  # rejected uploads, all forms
    days_late: int  # the most days past a due date any form was accepted (or, still unaccepted, is by as_of)
    warnings: int  # warnings on the accepted versions that count

    @property
    def first_pass_rate(self) -> float:
        return self.first_pass / self.forms if self.forms else 0.0


def data_quality(engine: Engine, campaign_code: str, as_of: dt.date, timezone: str) -> dict[str, UnitQuality]:
    """Per unit code, its data-quality figures in the campaign as of ``as_of`` (a day in ``timezone``)."""
    per_unit: dict[str, list[dict[str, Any]]] = {}
    for row in fetch_all(engine, "select_data_quality", campaign_code=campaign_code):
        per_unit.setdefault(str(row["unit_code"]), []).append(row)
    figures = {}
    for unit, rows in per_unit.items():
        late = [_days_late(row, as_of, timezone) for row in rows]
        figures[unit] = UnitQuality(
            unit_code=unit,
            forms=len(rows),
            first_pass=sum(int(row["first_pass"] or 0) for row in rows),
            rejections=sum(int(row["rejections"] or 0) for row in rows),
            days_late=max(late, default=0),
            warnings=sum(int(row["warnings"] or 0) for row in rows),
        )
    return figures


def _days_late(row: dict[str, Any], as_of: dt.date, timezone: str) -> int:
    """Days between the due date and the day the first accepted upload arrived (or ``as_of`` while none has);
    0 when on time or when the form has no due date."""
    if not row["due_date"]:
        return 0
    due = dt.date.fromisoformat(str(row["due_date"]))
    accepted = row["first_accepted_at"]
    arrived = local_date(str(accepted), timezone) if accepted else as_of
    return max(0, (arrived - due).days)
