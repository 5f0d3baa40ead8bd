"""The write-once archive and the inbox files it takes, never following a link: a file's fingerprint (read
through a descriptor opened with O_NOFOLLOW), its archive copy (exclusive creation, streamed, fsynced, checked
against its SHA-256, made read-only) and, once its row and receipt are committed elsewhere, the removal of the
inbox copy — only if it is still the very file that was taken.

Entries that are not a plain file with one name (a link, a pipe, a device, a file planeval may not open) are
never read: their archive copy is a short note saying what was found, and they are refused with a receipt.

May import: planeval.records, planeval.settings, planeval.safetext, planeval.faults."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import stat
from dataclasses import dataclass
from pathlib import Path

from planeval.faults import checkpoint
from planeval.records import EntryKind, InboxFile
from planeval.safetext import printable, safe_file_name
from planeval.settings import Settings

FORM_BY_EXTENSION = {
    ".xlsx": "indicator_table",
    ".xlsm": "indicator_table",
    ".xls": "indicator_table",
    ".csv": "indicator_table",
    ".docx": "summary_report",
}

_CHUNK = 1024 * 1024
_OPEN_FLAGS = os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0)


class FileNotSettled(OSError):
    """The file changed or vanished between discovery and archiving: a copy is still in progress, or the unit
    took it back. Left for the next pass."""


@dataclass(frozen=True)
class Fingerprint:
    """What identifies an inbox entry for exactly-once intake: its kind and content hash (of the link text
    for a link, of its metadata for what is never read)."""

    kind: EntryKind
    sha256: str
    size_bytes: int
    mtime_ns: int
    ctime_ns: int
    detail: str = ""  # what a refused entry was (a link's target, printable)


def sha256_of(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def form_of(name: str) -> str:
    return FORM_BY_EXTENSION.get(Path(name).suffix.lower(), "unknown")


def _same_entry(info: os.stat_result, inbox_file: InboxFile) -> bool:
    """Still the entry that was found: same size and modification time and, where known, the same ctime (an
    identical copy put back with the same mtime is another file)."""
    if inbox_file.size_bytes < 0:
        return True
    same_ctime = inbox_file.ctime_ns < 0 or info.st_ctime_ns == inbox_file.ctime_ns
    return (info.st_size, info.st_mtime_ns) == (inbox_file.size_bytes, inbox_file.mtime_ns) and same_ctime


def _open_plain_file(path: str, expected: os.stat_result) -> int:
    """A descriptor on the plain file at ``path``, refusing a link (O_NOFOLLOW) and anything swapped in since
    ``expected`` was taken (another inode)."""
    descriptor = os.open(path, _OPEN_FLAGS)
    info = os.fstat(descriptor)
    if not stat.S_ISREG(info.st_mode) or (info.st_dev, info.st_ino) != (expected.st_dev, expected.st_ino):
        os.close(descriptor)
        raise FileNotSettled(f"{printable(path)} was replaced while it was being taken")
    return descriptor


def fingerprint(inbox_file: InboxFile) -> Fingerprint:
    """The entry's identity as it is now; FileNotSettled when it changed since discovery or is gone."""
    path = inbox_file.fs_path()
    try:
        info = os.lstat(path)
    except FileNotFoundError as exc:
        raise FileNotSettled(f"{inbox_file.path} is gone") from exc
    if not _same_entry(info, inbox_file):
        raise FileNotSettled(f"{inbox_file.path} changed since it was found; it is still being written")
    kind = EntryKind(inbox_file.kind)
    if kind == EntryKind.SYMLINK:
        target = os.readlink(path)
        digest = sha256_of(b"symlink\0" + os.fsencode(target))
        return Fingerprint(kind, digest, info.st_size, info.st_mtime_ns, info.st_ctime_ns, f"指向 {printable(target)}")
    if kind == EntryKind.FILE:
        try:
            descriptor = _open_plain_file(path, info)
        except PermissionError:
            kind = EntryKind.UNREADABLE
        except FileNotFoundError as exc:  # another pass took it meanwhile
            raise FileNotSettled(f"{inbox_file.path} is gone") from exc
        else:
            with os.fdopen(descriptor, "rb") as handle:
                hasher = hashlib.sha256()
                while chunk := handle.read(_CHUNK):
                    hasher.update(chunk)
            if not _same_entry(os.lstat(path), inbox_file):
                raise FileNotSettled(f"{inbox_file.path} changed while it was read; it is still being written")
            return Fingerprint(kind, hasher.hexdigest(), info.st_size, info.st_mtime_ns, info.st_ctime_ns)
    identity = f"{kind}\0{info.st_dev}:{info.st_ino}\0".encode() + os.fsencode(path)
    return Fingerprint(kind, sha256_of(identity), info.st_size, info.st_mtime_ns, info.st_ctime_ns)


def archive_target(settings: Settings, unit_code: str, received: dt.datetime, sha256: str, name: str) -> Path:
    """Where an inbox file's copy goes: the unit's archive folder, a UTC stamp, the hash and the safe name."""
    stamp = received.astimezone(dt.UTC).strftime("%Y%m%dT%H%M%S%fZ")
    return settings.archive_dir / unit_code / f"{stamp}_{sha256[:8]}_{safe_file_name(name)}"


def write_archive_copy(inbox_file: InboxFile, print_: Fingerprint, target: Path) -> None:
    """Write the archive copy of a taken entry at ``target`` (planned in its claim): the bytes of a plain file,
    a note for anything else. A partial copy left there by a crashed pass of the same claim is replaced; a
    complete one is kept. FileNotSettled when the file changed under the copy."""
    target.parent.mkdir(parents=True, exist_ok=True)
    if target.exists():
        if print_.kind == EntryKind.FILE and sha256_of(target.read_bytes()) == print_.sha256:
            target.chmod(0o444)
            return
        target.chmod(0o600)
        target.unlink()
    if print_.kind == EntryKind.FILE:
        _copy_plain_file(inbox_file, print_, target)
    else:
        _write_once(target, _note(inbox_file, print_).encode("utf-8"))
    target.chmod(0o444)
    _sync_folder(target.parent)


def _copy_plain_file(inbox_file: InboxFile, print_: Fingerprint, target: Path) -> None:
    path = inbox_file.fs_path()
    try:
        descriptor = _open_plain_file(path, os.lstat(path))
    except FileNotFoundError as exc:  # the unit took it back, or another pass recorded and removed it
        raise FileNotSettled(f"{inbox_file.path} is gone") from exc
    hasher = hashlib.sha256()
    with os.fdopen(descriptor, "rb") as source, open(target, "xb") as handle:  # "x": never overwrite
        first = True
        while chunk := source.read(_CHUNK):
            hasher.update(chunk)
            handle.write(chunk)
            if first:
                handle.flush()
                checkpoint("copying")
                first = False
        handle.flush()
        os.fsync(handle.fileno())
    if hasher.hexdigest() != print_.sha256 or sha256_of(target.read_bytes()) != print_.sha256:
        target.unlink()
        raise FileNotSettled(f"{inbox_file.path} changed while it was archived; it is left for the next pass")


def _write_once(target: Path, data: bytes) -> None:
    with open(target, "xb") as handle:
        handle.write(data)
        handle.flush()
        os.fsync(handle.fileno())


def _note(inbox_file: InboxFile, print_: Fingerprint) -> str:
    """The archive copy of an entry that is never read: what was found, for the audit."""
    return json.dumps(
        {
            "kind": str(print_.kind),
            "path": inbox_file.path,
            "path_hex": inbox_file.path_hex,
            "detail": print_.detail,
            "size_bytes": print_.size_bytes,
            "mtime_ns": print_.mtime_ns,
        },
        ensure_ascii=False,
        indent=2,
    )


def _sync_folder(folder: Path) -> None:
    descriptor = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)


def release_inbox_copy(inbox_file: InboxFile) -> bool:
    """Remove the inbox entry once its row and receipt are committed — only if it is still the entry that was
    taken (same kind, size and modification time); a link is removed, never what it points to. A file planeval
    may not read stays (it was never copied). False when the unit has put a new file there since."""
    if inbox_file.kind in (EntryKind.UNREADABLE, EntryKind.HARDLINK):
        return False  # never copied: left where the unit put it
    path = inbox_file.fs_path()
    try:
        info = os.lstat(path)
    except FileNotFoundError:
        return True
    if not _same_entry(info, inbox_file):
        return False
    os.unlink(path)
    _sync_folder(Path(path).parent)
    return True
