"""Finding files in the units' inboxes: only settled files (unchanged between two looks), never an editor's
lock file or a partial download.

May import: planeval.records, planeval.settings."""

from __future__ import annotations

import datetime as dt
import os
import re
import time
from collections.abc import Callable

from planeval.records import InboxFile
from planeval.settings import Settings

# Files an editor or a copy in progress leaves behind; never taken as a submission.
_TRANSIENT = re.compile(r"^(~\$|\.~lock\.|\.)|\.(tmp|part|crdownload|partial|swp|lock)$", re.IGNORECASE)


def is_transient(name: str) -> bool:
    return bool(_TRANSIENT.search(name))


def _look(settings: Settings, unit_codes: list[str]) -> dict[str, InboxFile]:
    """One look at the inboxes: every non-transient file with its size and modification time."""
    seen: dict[str, InboxFile] = {}
    for unit_code in unit_codes:
        inbox = settings.inbox(unit_code)
        if not inbox.is_dir():
            continue
        for entry in os.scandir(inbox):
            if is_transient(entry.name):
                continue
            try:
                if not entry.is_file():
                    continue
                info = entry.stat()
            except OSError:  # vanished between listing and stat: a rename in progress
                continue
            modified = dt.datetime.fromtimestamp(info.st_mtime_ns / 1e9, dt.UTC)
            seen[entry.path] = InboxFile(
                unit_code, entry.path, modified.isoformat(timespec="microseconds"), info.st_size, info.st_mtime_ns
            )
    return seen


def discover_inbox_files(
    settings: Settings,
    unit_codes: list[str],
    settle_seconds: float | None = None,
    sleep: Callable[[float], None] = time.sleep,
) -> list[InboxFile]:
    """Files ready in the inboxes of the given units, oldest first.

    A file is ready when its size and modification time are the same in two looks ``settle_seconds``
    apart: a department's copy over a network share that is still being written is left for the next pass.
    Editor lock files and partial downloads (``~$x.xlsx``, ``.tmp``, ``.part`` …) are never taken.
    """
    settle = settings.settle_seconds if settle_seconds is None else settle_seconds
    first = _look(settings, unit_codes)
    if first and settle > 0:
        sleep(settle)
    second = _look(settings, unit_codes) if settle > 0 else first
    ready = [item for path, item in second.items() if first.get(path) == item]
    return sorted(ready, key=lambda item: (item.uploaded_at, item.path))
