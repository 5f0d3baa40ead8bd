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
import time
from collections.abc import Callable
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
    size_bytes: int = -1  # size and mtime seen when the file was found settled (-1: not checked)
    mtime_ns: int = -1


class FileNotSettled(OSError):
    """The file changed between discovery and archiving: a copy is still in progress. Left for the next pass."""


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


def sha256_of(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def archive_file(settings: Settings, inbox_file: InboxFile, now: dt.datetime | None = None) -> Received:
    """Copy one inbox file into the archive (never overwriting), then remove it from the inbox.

    The unit is the folder the file was dropped into, whatever the file claims inside.
    """
    source = Path(inbox_file.path)
    data = source.read_bytes()
    if inbox_file.size_bytes >= 0:
        after = source.stat()
        if (len(data), after.st_size, after.st_mtime_ns) != (inbox_file.size_bytes,) * 2 + (inbox_file.mtime_ns,):
            raise FileNotSettled(f"{source} changed since it was found; it is still being written")
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


_STATUS_LABEL = {
    "accepted": "已受理(通过校验)",
    "rejected": "退回(未通过校验)",
    "duplicate": "重复提交(与已收到的文件完全相同,未重复入库)",
}


def write_receipt(settings: Settings, received: Received, verdict: Verdict, unit_name: str, version: int) -> Path:
    """Write the receipt of one upload: ``receipts/<original name>.json`` and a readable ``.txt`` beside it
    (the latest upload of that name), and the same pair under ``receipts/history/`` for every version."""
    folder = settings.receipts(received.unit_code)
    history = folder / "history"
    history.mkdir(parents=True, exist_ok=True)
    payload = {
        "file": received.original_name,
        "submission_id": received.submission_id,
        "unit": received.unit_code,
        "form": received.form,
        "version": version,
        "sha256": received.sha256,
        "received_at": received.received_at,
        "status": verdict.status,
        "duplicate_of": verdict.duplicate_of,
        "errors": [asdict(issue) for issue in verdict.errors],
        "warnings": [asdict(issue) for issue in verdict.warnings],
    }
    document = json.dumps(payload, ensure_ascii=False, indent=2)
    text = render_receipt_text(received, verdict, unit_name, version)
    stamp = received.submission_id.removeprefix(f"{received.unit_code}-")
    for target in (folder / received.original_name, history / f"{stamp}_{received.original_name}"):
        _write_atomically(target.with_name(target.name + ".json"), document)
        _write_atomically(target.with_name(target.name + ".txt"), text)
    return folder / f"{received.original_name}.json"


def render_receipt_text(received: Received, verdict: Verdict, unit_name: str, version: int) -> str:
    received_local = dt.datetime.fromisoformat(received.received_at).astimezone(dt.timezone(dt.timedelta(hours=8)))
    lines = [
        "报送回执",
        "",
        f"报送单位:{unit_name}",
        f"文件名称:{received.original_name}",
        f"接收时间:{received_local:%Y年%m月%d日 %H:%M:%S}(北京时间)",
        f"版本:第{version}版",
        f"文件校验码(SHA-256):{received.sha256}",
        f"处理结果:{_STATUS_LABEL[verdict.status]}",
    ]
    if verdict.duplicate_of:
        original = verdict.duplicate_of
        outcome = _STATUS_LABEL.get(original.get("status", ""), "").split("(")[0] or "已收到"
        lines += ["", f"本文件与第{original.get('version', '?')}版完全相同,该版本处理结果:{outcome}。无需重复报送。"]
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
