"""Writing files so that a reader never sees half of one: every file planeval writes goes through here.

Imports nothing of planeval.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable
from pathlib import Path

# Files planeval writes are read by people through a share (receipts, reports): readable by all, like a copy.
_MODE = 0o644


def replace_atomically(path: Path, write: Callable[[Path], object]) -> Path:
    """Write ``path`` through ``write(temporary)`` into a temporary file of its own beside it, then rename it
    over ``path`` in one step. The temporary name is unique, so two runs writing the same file at once never
    share one; a failed write leaves ``path`` as it was and no temporary behind."""
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    os.close(handle)
    temporary = Path(name)
    try:
        write(temporary)
        os.chmod(temporary, _MODE)
        os.replace(temporary, path)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise
    return path


def write_text_atomically(path: Path, text: str) -> Path:
    return replace_atomically(path, lambda temporary: temporary.write_text(text, encoding="utf-8"))
