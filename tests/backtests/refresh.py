"""Rewrite the backtests' expected files from a fresh demo run (SQLite): ``make backtests-refresh``.

    .venv/bin/python -m tests.backtests.refresh [catalog …]     # default: every catalog in CATALOGS

Review the resulting ``git diff tests/backtests/expected`` before committing it: it is the change in output.
"""

from __future__ import annotations

import shutil
import sys
import tempfile
import time
from pathlib import Path

from .outputs import CATALOGS, EXPECTED_DIR, generate


def main(argv: list[str] | None = None) -> int:
    catalogs = (sys.argv[1:] if argv is None else argv) or list(CATALOGS)
    for catalog in catalogs:
        started = time.monotonic()
        with tempfile.TemporaryDirectory(prefix=f"backtest-refresh-{catalog}-") as scratch:
            fresh = generate(catalog, Path(scratch) / "expected", scratch=Path(scratch))
            target = EXPECTED_DIR / catalog
            shutil.rmtree(target, ignore_errors=True)
            shutil.copytree(fresh, target)
        files = sum(1 for p in target.rglob("*") if p.is_file())
        print(f"{catalog}: {files} expected files rewritten in {target} ({time.monotonic() - started:.0f} s)")
    print("review: git diff --stat tests/backtests/expected")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
