"""The typed records passed between stages: the campaign selection a run works on, a file found in an inbox,
a received (archived) file, an issue found in it and the verdict on it. Plain dataclasses, so they travel
through XCom as dicts of keys, never as objects.

Imports nothing of planeval: every stage may import it."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import asdict, dataclass, field, fields
from enum import StrEnum
from typing import Any


class SubmissionStatus(StrEnum):
    """What became of an upload (stored and shown by its value)."""

    ACCEPTED = "accepted"  # 受理: passed validation, its figures count
    REJECTED = "rejected"  # 退回: errors; the unit re-sends
    DUPLICATE = "duplicate"  # 重复提交: the same bytes as an earlier upload, not loaded again


class ObligationState(StrEnum):
    """Where a unit stands with a form it owes on a day, from best to worst: a unit's overall state is the
    worst of its forms'."""

    DONE = "done"  # 按时报送
    LATE = "late"  # 逾期报送
    REJECTED_ONLY = "rejected_only"  # 仅有退回版本
    MISSING = "missing"  # 未报送

    @property
    def owing(self) -> bool:
        """Nothing accepted yet: the unit still owes the form (reminders, overdue alerts)."""
        return self in (ObligationState.REJECTED_ONLY, ObligationState.MISSING)


@dataclass(frozen=True)
class CampaignSelection:
    """The campaign a run works on, resolved once at the start of the run (``stages.context.select``) and
    handed to every task: the campaign's code, the plans assessed (the trigger form may narrow them), its
    year, the data cut-off (ISO date; the form may move it) and the catalog's time zone for every date a
    user reads."""

    campaign: str
    plans: tuple[str, ...]
    year: int
    data_cutoff: str
    timezone: str

    def as_xcom(self) -> dict[str, Any]:
        return asdict(self) | {"plans": list(self.plans)}

    @classmethod
    def from_xcom(cls, data: Mapping[str, Any]) -> CampaignSelection:
        return cls(
            campaign=str(data["campaign"]),
            plans=tuple(data["plans"]),
            year=int(data["year"]),
            data_cutoff=str(data["data_cutoff"]),
            timezone=str(data["timezone"]),
        )


class EntryKind(StrEnum):
    """What an inbox entry is, seen without following it: only a plain file with one name is ever read."""

    FILE = "file"
    SYMLINK = "symlink"  # never followed: it could point at /etc/passwd or at another unit's archive
    HARDLINK = "hardlink"  # a second name of a file that lives elsewhere
    FIFO = "fifo"
    DEVICE = "device"
    SOCKET = "socket"
    UNREADABLE = "unreadable"  # a plain file planeval may not open (permissions): kept where it is


class ClaimState(StrEnum):
    """Write-ahead intake: where a taken inbox file stands (table intake_claim; docs/intake-and-monitoring.md)."""

    CLAIMED = "claimed"  # the claim row exists; the archive copy may be partial
    ARCHIVED = "archived"  # the archive copy is complete, fsynced and read-only
    RECORDED = "recorded"  # its submission row and receipt are committed
    RELEASED = "released"  # the inbox copy is gone: history


@dataclass(frozen=True)
class InboxFile:
    unit_code: str
    path: str  # printable, for people (safetext.printable); the exact bytes are in path_hex
    uploaded_at: str  # the file's modification time (ISO 8601, UTC): the order the unit uploaded in
    size_bytes: int = -1  # size and mtime seen when the file was found settled (-1: not checked)
    mtime_ns: int = -1
    path_hex: str = ""  # the path's exact bytes (hex): names that are not UTF-8 reach the file
    kind: str = EntryKind.FILE
    ctime_ns: int = -1  # set by the file system when the entry appears: an identical copy put back later differs

    def fs_path(self) -> str:
        """The path as the operating system knows it (bytes that are not UTF-8 kept)."""
        return os.fsdecode(bytes.fromhex(self.path_hex)) if self.path_hex else self.path

    @classmethod
    def from_xcom(cls, data: Mapping[str, Any]) -> InboxFile:
        known = {f.name for f in fields(cls)}
        return cls(**{k: v for k, v in data.items() if k in known})


@dataclass(frozen=True)
class Received:
    """A file taken from an inbox and archived: everything later stages need, by key and path."""

    submission_id: str
    unit_code: str
    form: str
    original_name: str  # the name as shown (safetext.safe_file_name); the exact bytes are in intake_claim
    archive_path: str
    sha256: str
    size_bytes: int
    uploaded_at: str  # ISO 8601, UTC: decides which version is the latest
    received_at: str  # ISO 8601, UTC: when planeval took it
    entry_kind: str = EntryKind.FILE


@dataclass
class Issue:
    """One problem found in a submission; ``message`` is what the department reads (Chinese)."""

    code: str
    message: str
    sheet: str | None = None
    row: int | None = None
    column: str | None = None
    explanation: str | None = None  # a 警告's 上报说明, as the unit wrote it in the row (validation/severity.py)

    def where(self) -> str:
        if self.sheet and self.row and self.column:
            return f"{self.sheet}!{self.column}{self.row}"
        if self.sheet and self.row:
            return f"{self.sheet} 第{self.row}行"
        return self.sheet or "文件"


@dataclass
class Verdict:
    """The validation outcome of one submission."""

    submission_id: str
    errors: list[Issue] = field(default_factory=list)  # 错误: the file is rejected
    warnings: list[Issue] = field(default_factory=list)  # 警告: accepted only with a 上报说明 (validation/severity.py)
    notices: list[Issue] = field(default_factory=list)  # 提示: noted on the receipt
    duplicate_of: dict[str, Any] | None = (
        None  # the earlier version with the same bytes (not validated or loaded again)
    )

    @property
    def status(self) -> SubmissionStatus:
        if self.duplicate_of:
            return SubmissionStatus.DUPLICATE
        return SubmissionStatus.REJECTED if self.errors else SubmissionStatus.ACCEPTED
