"""Intake: find files in the units' inboxes, archive them byte for byte, and write receipts (回执).

The archive is write-once: a file is copied with exclusive creation, checked against its SHA-256 and
made read-only before the inbox copy is removed, so no received byte is ever lost or overwritten.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import re
from dataclasses import asdict, dataclass, field
from pathlib import Path

from planeval.settings import Settings

# Files an editor or a copy in progress leaves behind; never taken as a submission.
_TRANSIENT = re.compile(r"^(~\$|\.~lock\.|\.)|\.(tmp|part|crdownload|partial|swp|lock)$", re.IGNORECASE)

FORM_BY_EXTENSION = {
    ".xlsx": "indicator_table",
    ".xlsm": "indicator_table",
    ".xls": "indicator_table",
    ".csv": "indicator_table",
    ".docx": "summary_report",
}


@dataclass(frozen=True)
class InboxFile:
    unit_code: str
    path: str
    uploaded_at: str  # the file's modification time (ISO 8601, UTC): the order the unit uploaded in


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

    @property
    def status(self) -> str:
        return "rejected" if self.errors else "accepted"


def is_transient(name: str) -> bool:
    return bool(_TRANSIENT.search(name))


def discover_inbox_files(settings: Settings, unit_codes: list[str]) -> list[InboxFile]:
    """Files waiting in the inboxes of the given units, oldest first; transient files skipped."""
    found: list[InboxFile] = []
    for unit_code in unit_codes:
        inbox = settings.inbox(unit_code)
        if not inbox.is_dir():
            continue
        for entry in os.scandir(inbox):
            if entry.is_file() and not is_transient(entry.name):
                modified = dt.datetime.fromtimestamp(entry.stat().st_mtime, dt.UTC)
                found.append(InboxFile(unit_code, entry.path, modified.isoformat(timespec="microseconds")))
    return sorted(found, key=lambda item: (item.uploaded_at, item.path))


def sha256_of(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def archive_file(settings: Settings, inbox_file: InboxFile, now: dt.datetime | None = None) -> Received:
    """Copy one inbox file into the archive (never overwriting), then remove it from the inbox.

    The unit is the folder the file was dropped into, whatever the file claims inside.
    """
    source = Path(inbox_file.path)
    data = source.read_bytes()
    digest = sha256_of(data)
    received = (now or dt.datetime.now(dt.UTC)).astimezone(dt.UTC)
    stamp = received.strftime("%Y%m%dT%H%M%S%fZ")
    submission_id = f"{inbox_file.unit_code}-{stamp}-{digest[:8]}"
    target_dir = settings.archive_dir / inbox_file.unit_code
    target_dir.mkdir(parents=True, exist_ok=True)
    target = target_dir / f"{stamp}_{digest[:8]}_{source.name}"
    with open(target, "xb") as handle:  # "x": fail rather than overwrite an archived file
        handle.write(data)
        handle.flush()
        os.fsync(handle.fileno())
    if sha256_of(target.read_bytes()) != digest:
        raise OSError(f"archive copy of {source} does not match its checksum")
    target.chmod(0o444)
    source.unlink()
    return Received(
        submission_id=submission_id,
        unit_code=inbox_file.unit_code,
        form=FORM_BY_EXTENSION.get(source.suffix.lower(), "unknown"),
        original_name=source.name,
        archive_path=str(target),
        sha256=digest,
        size_bytes=len(data),
        uploaded_at=inbox_file.uploaded_at,
        received_at=received.isoformat(timespec="microseconds"),
    )


_STATUS_LABEL = {"accepted": "已受理(通过校验)", "rejected": "退回(未通过校验)"}


def write_receipt(settings: Settings, received: Received, verdict: Verdict, unit_name: str) -> Path:
    """Write ``receipts/<original name>.json`` and a human-readable ``.txt`` beside it."""
    folder = settings.receipts(received.unit_code)
    folder.mkdir(parents=True, exist_ok=True)
    payload = {
        "file": received.original_name,
        "submission_id": received.submission_id,
        "unit": received.unit_code,
        "form": received.form,
        "sha256": received.sha256,
        "received_at": received.received_at,
        "status": verdict.status,
        "errors": [asdict(issue) for issue in verdict.errors],
        "warnings": [asdict(issue) for issue in verdict.warnings],
    }
    json_path = folder / f"{received.original_name}.json"
    _write_atomically(json_path, json.dumps(payload, ensure_ascii=False, indent=2))
    _write_atomically(folder / f"{received.original_name}.txt", render_receipt_text(received, verdict, unit_name))
    return json_path


def render_receipt_text(received: Received, verdict: Verdict, unit_name: str) -> str:
    received_local = dt.datetime.fromisoformat(received.received_at).astimezone(dt.timezone(dt.timedelta(hours=8)))
    lines = [
        "报送回执",
        "",
        f"报送单位:{unit_name}",
        f"文件名称:{received.original_name}",
        f"接收时间:{received_local:%Y年%m月%d日 %H:%M:%S}(北京时间)",
        f"文件校验码(SHA-256):{received.sha256}",
        f"处理结果:{_STATUS_LABEL[verdict.status]}",
    ]
    if verdict.errors:
        lines += ["", f"发现 {len(verdict.errors)} 处错误,请修改后重新报送:"]
        lines += [f"  {n}. [{issue.where()}] {issue.message}" for n, issue in enumerate(verdict.errors, 1)]
    if verdict.warnings:
        lines += ["", f"提示 {len(verdict.warnings)} 条(不影响受理,请核实):"]
        lines += [f"  {n}. [{issue.where()}] {issue.message}" for n, issue in enumerate(verdict.warnings, 1)]
    lines += ["", "原始文件已存档,不会被覆盖。"]
    return "\n".join(lines) + "\n"


def _write_atomically(path: Path, text: str) -> None:
    temporary = path.with_name(f".{path.name}.tmp")
    temporary.write_text(text, encoding="utf-8")
    temporary.replace(path)
