"""A unit's upload from the 报送情况 page, put into its own inbox (or, ticked 仅预审, its ``check/`` folder)
exactly as a copied file arrives: written
under a hidden temporary name (``.<name>.<random>.part``, which discovery never takes, see
``intake.inbox.is_transient``), flushed to disk, then renamed to its final name in one step, so a collection
pass sees either nothing or the whole file. The name is sanitised (``safetext.safe_file_name``), a name
already in the inbox is never overwritten (``name(2).xlsx``), and nothing is written through a link.

May import everything below it.
"""

from __future__ import annotations

import os
import stat
import tempfile
from pathlib import Path
from typing import BinaryIO

from fastapi import HTTPException, status

from planeval.intake.archive import FORM_BY_EXTENSION
from planeval.intake.inbox import is_transient
from planeval.safetext import safe_file_name
from planeval.settings import Settings

_CHUNK = 1024 * 1024


def upload_name(original: str) -> str:
    """The stored name of an upload: sanitised, a type the intake reads, never a transient-looking name."""
    name = safe_file_name(Path(original.replace("\\", "/")).name)
    suffix = Path(name).suffix.lower()
    if suffix not in FORM_BY_EXTENSION:
        accepted = "、".join(sorted(FORM_BY_EXTENSION))
        raise HTTPException(status.HTTP_400_BAD_REQUEST, detail=f"不受理此类文件,请上传 {accepted} 文件")
    if is_transient(name):
        raise HTTPException(status.HTTP_400_BAD_REQUEST, detail="文件名无效,请改名后重新上传")
    return name


def unit_inbox(settings: Settings, unit_code: str, dry_run: bool = False) -> Path:
    """The unit's inbox (``dry_run``: its 预审 folder ``check/``), created if absent; refused when it or its unit
    folder is a link or not a folder."""
    inbox = settings.check_dir(unit_code) if dry_run else settings.inbox(unit_code)
    folders = (settings.drop_dir, settings.drop_dir / unit_code, inbox)
    if any(folder.is_symlink() for folder in folders):  # checked before mkdir, which would follow a link
        raise HTTPException(status.HTTP_409_CONFLICT, detail="本单位的报送文件夹异常,请联系系统管理员")
    inbox.mkdir(parents=True, exist_ok=True)
    for folder in folders:
        info = os.lstat(folder)
        if stat.S_ISLNK(info.st_mode) or not stat.S_ISDIR(info.st_mode):
            raise HTTPException(status.HTTP_409_CONFLICT, detail="本单位的报送文件夹异常,请联系系统管理员")
    return inbox


def _copy_limited(source: BinaryIO, descriptor: int, limit: int) -> None:
    written = 0
    while chunk := source.read(_CHUNK):
        written += len(chunk)
        if written > limit:
            megabytes = limit // (1024 * 1024)
            raise HTTPException(status.HTTP_413_REQUEST_ENTITY_TOO_LARGE, detail=f"文件超过 {megabytes} MB,未接收")
        os.write(descriptor, chunk)
    if written == 0:
        raise HTTPException(status.HTTP_400_BAD_REQUEST, detail="文件为空,未接收")
    os.fsync(descriptor)


def _free_name(inbox: Path, name: str) -> Path:
    stem, suffix = Path(name).stem, Path(name).suffix
    target, number = inbox / name, 1
    while os.path.lexists(target):
        number += 1
        target = inbox / f"{stem}({number}){suffix}"
    return target


def store_upload(settings: Settings, unit_code: str, original: str, source: BinaryIO, dry_run: bool = False) -> str:
    """Write the upload into the unit's inbox — or, ``dry_run`` (仅预审), its ``check/`` folder — (temporary
    name, then one rename); returns the stored name."""
    name = upload_name(original)
    inbox = unit_inbox(settings, unit_code, dry_run)
    descriptor, temporary = tempfile.mkstemp(prefix=f".{name}.", suffix=".part", dir=inbox)
    try:
        try:
            _copy_limited(source, descriptor, settings.max_file_bytes)
        finally:
            os.close(descriptor)
        os.chmod(temporary, 0o644)
        target = _free_name(inbox, name)
        os.rename(temporary, target)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    return target.name
