"""The typed records passed between stages: a file found in an inbox, a received (archived) file, an issue
found in it and the verdict on it. Plain dataclasses, so they travel through XCom as dicts.

Imports nothing of planeval: every stage may import it."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class InboxFile:
    unit_code: str
    path: str
    uploaded_at: str  # the file's modification time (ISO 8601, UTC): the order the unit uploaded in
    size_bytes: int = -1  # size and mtime seen when the file was found settled (-1: not checked)
    mtime_ns: int = -1


@dataclass(frozen=True)
class Received:
    """A file taken from an inbox and archived: everything later stages need, by key and path."""

    submission_id: str
    unit_code: str
    form: str
    original_name: str
    archive_path: str
    sha256: str
    size_bytes: int
    uploaded_at: str  # ISO 8601, UTC: decides which version is the latest
    received_at: str  # ISO 8601, UTC: when planeval took it


@dataclass
class Issue:
    """One problem found in a submission; ``message`` is what the department reads (Chinese)."""

    code: str
    message: str
    sheet: str | None = None
    row: int | None = None
    column: str | None = None

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
    errors: list[Issue] = field(default_factory=list)
    warnings: list[Issue] = field(default_factory=list)
    duplicate_of: dict | None = None  # the earlier version with the same bytes (not validated or loaded again)

    @property
    def status(self) -> str:
        if self.duplicate_of:
            return "duplicate"
        return "rejected" if self.errors else "accepted"
