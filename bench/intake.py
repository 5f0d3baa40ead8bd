"""Benchmark: a whole collection pass over N files beside the fastest plain read of the same files, at several N.

Files: a province catalog generated from 海安's (ui/province.py: enough counties for N), each county's units
sending their indicator table (附件3/附件4 rows and projects, filled as the demo fills them) and their 附件7
contacts form — workbooks only, so the plain read can read every one of them. Per N, in this one run, after
a warm-up pass (imports, the GX metric registry) on other files:

- plain read: python-calamine, every sheet of every file, values only (``to_python``), page cache warm
- pass:       stages.collect.run_collect — discover, batches of whole units, claim, archive copy (fsynced),
              parse, GX suites + cross-row rules, warehouse rows, receipts, inbox copies released: what a
              unit waits for between dropping a file and reading its receipt

Printed per N: milliseconds per file for both and their ratio (goal ≤ 1.5 at every N), and the pass's cost
per file relative to the smallest N (goal: flat, i.e. linear growth). Nothing is asserted.

Usage: PYTHONPATH=plugins .venv/bin/python bench/intake.py [--sizes 100,1000,4500] [--postgres] [--keep DIR]
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
from contextlib import ExitStack
from pathlib import Path

from common import pg_database, ratio_line, timed, use_home

WORKBOOK_FORMS = ("indicator_table", "contacts")


def plain_read(paths: list[Path]) -> int:
    """Every cell value of every sheet, with python-calamine: the floor any reader of these files pays."""
    from python_calamine import CalamineWorkbook

    cells = 0
    for path in paths:
        workbook = CalamineWorkbook.from_path(str(path))
        for name in workbook.sheet_names:
            cells += sum(len(row) for row in workbook.get_sheet_by_name(name).to_python())
        workbook.close()
    return cells


def prepare(folder: Path, files: int, db_url: str | None) -> tuple[str, list[Path]]:
    """A home under ``folder`` with ``files`` workbooks in the inboxes of a province catalog large enough."""
    from planeval.catalog import load_catalog
    from planeval.settings import DEFAULT_CATALOG, get_settings
    from planeval.ui.province import counties_for, drop_province_submissions, files_per_county, write_province_catalog

    probe = load_catalog(write_province_catalog(DEFAULT_CATALOG, folder / "probe", 1))
    per_county = files_per_county(probe, probe.campaign(year=2025), WORKBOOK_FORMS)
    counties = counties_for(files, per_county)
    catalog_dir = write_province_catalog(DEFAULT_CATALOG, folder / "catalog", counties)
    use_home(folder / "home", catalog_dir, db_url)
    catalog = load_catalog(catalog_dir)
    campaign = catalog.campaign(year=2025)
    dropped = drop_province_submissions(get_settings(), catalog, campaign, files, forms=WORKBOOK_FORMS)
    return campaign.code, dropped


def measure(folder: Path, files: int, db_url: str | None) -> tuple[int, float, float, int]:
    """(files, plain read seconds, pass seconds, files accepted) for one N."""
    from planeval.stages import collect

    seconds, (campaign, paths) = timed(lambda: prepare(folder, files, db_url))
    print(f"  N={files}: {len(paths)} workbooks generated in {seconds:.1f} s under {folder}")
    plain_read(paths)  # the page cache warm for both sides
    reading, cells = timed(lambda: plain_read(paths))
    print(f"  N={files}: plain read saw {cells} cells ({cells / max(len(paths), 1):.0f} per file)")
    passing, summary = timed(lambda: collect.run_collect(campaign))
    accepted = sum(row["status"] == "accepted" for row in summary)
    return len(paths), reading, passing, accepted


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="100,1000,4500", help="comma-separated numbers of files")
    parser.add_argument("--postgres", action="store_true", help="warehouse on a fresh local PostgreSQL database per N")
    parser.add_argument("--keep", type=Path, help="work in this folder and keep it")
    args = parser.parse_args()
    sizes = [int(size) for size in args.sizes.split(",") if size.strip()]

    root = args.keep or Path(tempfile.mkdtemp(prefix="planeval-bench-intake-"))
    with ExitStack() as stack:
        url = stack.enter_context(pg_database("planeval_bench_warmup")) if args.postgres else None
        warm, _ = timed(lambda: measure(root / "warm-up", 5, url))
        print(f"warm-up pass (imports, GX registry) on 5 files: {warm:.1f} s, not counted")
    rows = []
    for size in sizes:
        with ExitStack() as stack:
            url = stack.enter_context(pg_database("planeval_bench_intake")) if args.postgres else None
            rows.append(measure(root / f"n{size}", size, url))
    first_per_file = rows[0][2] / rows[0][0]
    print(
        f"\n{'N':>6} {'read ms/file':>13} {'pass ms/file':>13} {'pass/read':>10} {'per file vs first N':>20} accepted"
    )
    for files, reading, passing, accepted in rows:
        per_file = passing / files
        print(
            f"{files:>6} {reading / files * 1000:>13.2f} {per_file * 1000:>13.2f} {passing / reading:>10.2f}"
            f" {per_file / first_per_file:>20.2f} {accepted}/{files}"
        )
    for files, reading, passing, _ in rows:
        print(ratio_line(f"N={files}: collection pass / plain read", passing, reading, 1.5))
    if args.keep is None:
        shutil.rmtree(root, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
