"""Dates as people read them: the Beijing calendar day of a timestamp and the way official documents write it.

Imports nothing of planeval.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from typing import TypeVar
from zoneinfo import ZoneInfo

DEFAULT_TIMEZONE = "Asia/Shanghai"  # a catalog's time zone unless its catalog.yaml names another
BEIJING = dt.timezone(dt.timedelta(hours=8), DEFAULT_TIMEZONE)

T = TypeVar("T")


def beijing_date(timestamp: str) -> dt.date:
    return dt.datetime.fromisoformat(timestamp).astimezone(BEIJING).date()


def today_in_beijing() -> dt.date:
    return dt.datetime.now(BEIJING).date()


def today_in(timezone: str) -> dt.date:
    """Today's calendar day where the catalog's users are (an IANA name such as Asia/Shanghai)."""
    return dt.datetime.now(ZoneInfo(timezone)).date()


def monitoring_window(
    opens: dt.date | None, dues: Iterable[dt.date], follow_up_days: int
) -> tuple[dt.date, dt.date] | None:
    """The days a campaign is watched: from its opening (default: 30 days before the first deadline) to
    ``follow_up_days`` after the last one; None without deadlines."""
    days = sorted(dues)
    if not days:
        return None
    return opens or days[0] - dt.timedelta(days=30), days[-1] + dt.timedelta(days=follow_up_days)


def unguessed(opened: Sequence[T], every: Sequence[T]) -> T | None:
    """The campaign to work on when none is named, without guessing: the only one open on the day, or, none
    being open, the only one there is; None when two or more are open, or none is and several exist (the
    caller then asks for a choice). The catalog's resolver and the trigger forms' default both apply it."""
    if len(opened) == 1:
        return opened[0]
    if not opened and len(every) == 1:
        return every[0]
    return None


def chinese_date(day: dt.date) -> str:
    """2025年6月16日, as official documents write dates (GB/T 9704 §7.3.5: no leading zeros)."""
    return f"{day.year}年{day.month}月{day.day}日"


def local_date(timestamp: str, timezone: str) -> dt.date:
    """The calendar day of an ISO 8601 timestamp where the catalog's users are (an IANA name)."""
    return dt.datetime.fromisoformat(timestamp).astimezone(ZoneInfo(timezone)).date()


def local_time_text(timestamp: str, timezone: str) -> str:
    """2026年1月20日 15:30, an ISO 8601 timestamp as the catalog's users read it (their time zone)."""
    moment = dt.datetime.fromisoformat(timestamp).astimezone(ZoneInfo(timezone))
    return f"{chinese_date(moment.date())} {moment:%H:%M}"
