"""The write-once archive: a file is copied with exclusive creation, checked against its SHA-256 and made
read-only before the inbox copy is removed, so no received byte is ever lost or overwritten.

May import: planeval.records, planeval.settings."""

from __future__ import annotations

import datetime as dt
import hashlib
import os
from pathlib import Path

from planeval.records import InboxFile, Received
from planeval.settings import Settings

FORM_BY_EXTENSION = {
    ".xlsx": "indicator_table",
    ".xlsm": "indicator_table",
    ".xls": "indicator_table",
    ".csv": "indicator_table",
    ".docx": "summary_report",
}


class FileNotSettled(OSError):
    """The file changed between discovery and archiving: a copy is still in progress. Left for the next pass."""


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
