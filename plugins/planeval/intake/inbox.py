"""Finding files in the units' inboxes (and their 预审 ``check/`` folders, with the same guards): only settled
files (unchanged between two looks), never an editor's lock file or a partial download.

May import: planeval.records, planeval.safetext, planeval.settings."""

from __future__ import annotations

import datetime as dt
import os
import re
import stat
import time
from collections.abc import Callable
from pathlib import Path

from planeval.records import EntryKind, InboxFile
from planeval.safetext import printable
from planeval.settings import Settings

# Files an editor or a copy in progress leaves behind; never taken as a submission.
_TRANSIENT = re.compile(r"^(~\$|\.~lock\.|\.)|\.(tmp|part|crdownload|partial|swp|lock)$", re.IGNORECASE)


def is_transient(name: str) -> bool:
    return bool(_TRANSIENT.search(name))


def entry_kind(info: os.stat_result) -> EntryKind | None:
    """What an entry is, from its own (not followed) status; None for a folder, which is not a submission."""
    mode = info.st_mode
    if stat.S_ISLNK(mode):
        return EntryKind.SYMLINK
    if stat.S_ISREG(mode):
        return EntryKind.HARDLINK if info.st_nlink > 1 else EntryKind.FILE
    if stat.S_ISDIR(mode):
        return None
    if stat.S_ISFIFO(mode):
        return EntryKind.FIFO
    if stat.S_ISSOCK(mode):
        return EntryKind.SOCKET
    return EntryKind.DEVICE


def _look(unit_codes: list[str], folder_of: Callable[[str], Path]) -> dict[str, InboxFile]:
    """One look at the units' folders (``folder_of(unit_code)``): every non-transient entry with its kind, size
    and modification time, as ``lstat`` sees it (a link is never followed)."""
    seen: dict[str, InboxFile] = {}
    for unit_code in unit_codes:
        inbox = folder_of(unit_code)
        if inbox.is_symlink() or not inbox.is_dir():
            continue
        for entry in os.scandir(inbox):
            if is_transient(entry.name):
                continue
            try:
                info = entry.stat(follow_symlinks=False)
            except OSError:  # vanished between listing and stat: a rename in progress
                continue
            kind = entry_kind(info)
            if kind is None:
                continue
            if kind == EntryKind.FILE and not os.access(entry.path, os.R_OK):
                kind = EntryKind.UNREADABLE
            modified = dt.datetime.fromtimestamp(info.st_mtime_ns / 1e9, dt.UTC)
            seen[entry.path] = InboxFile(
                unit_code,
                printable(entry.path),
                modified.isoformat(timespec="microseconds"),
                info.st_size,
                info.st_mtime_ns,
                path_hex=os.fsencode(entry.path).hex(),
                kind=kind,
                ctime_ns=info.st_ctime_ns,
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
    return _settled(settings, unit_codes, settings.inbox, settle_seconds, sleep)


def discover_check_files(
    settings: Settings,
    unit_codes: list[str],
    settle_seconds: float | None = None,
    sleep: Callable[[float], None] = time.sleep,
) -> list[InboxFile]:
    """Files ready in the units' 预审 folders (``settings.check_dir``), oldest first, by the inbox's rules."""
    return _settled(settings, unit_codes, settings.check_dir, settle_seconds, sleep)


def _settled(
    settings: Settings,
    unit_codes: list[str],
    folder_of: Callable[[str], Path],
    settle_seconds: float | None,
    sleep: Callable[[float], None],
) -> list[InboxFile]:
    settle = settings.settle_seconds if settle_seconds is None else settle_seconds
    first = _look(unit_codes, folder_of)
    if first and settle > 0:
        sleep(settle)
    second = _look(unit_codes, folder_of) if settle > 0 else first
    ready = [item for path, item in second.items() if first.get(path) == item]
    return sorted(ready, key=lambda item: (item.uploaded_at, item.path))
