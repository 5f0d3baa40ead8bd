"""Benchmark: validating a province's submissions vs merely reading the same files with pandas.

A province: 100 counties × 45 reporting units = 4,500 workbooks of about 30 rows (the 附件3/附件4 indicator
rows and the 附件5/附件6 key projects, all filled). Both sides are measured in this one run, on the same
files, after a warm-up, and printed as a ratio (goal: validation ≤ 3 × reading).

- reading:    pandas.read_excel(path, sheet_name=None, engine="calamine") for every file
- validating: planeval's parse_workbook + validate_batch (one GX context, batches of --batch files, with
              every rule: GX suites for columns/rows/cells/projects plus the cross-row checks)

Usage: .venv/bin/python bench/validate.py [--files 4500] [--batch 500] [--keep DIR]
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import tempfile
import time
from dataclasses import replace
from pathlib import Path

os.environ.setdefault("GX_ANALYTICS_ENABLED", "false")

from planeval.catalog import Catalog, load_catalog
from planeval.intake.readers import parse_workbook
from planeval.intake.unit_forms import write_unit_form
from planeval.records import Received
from planeval.settings import DEFAULT_CATALOG
from planeval.ui.demo import fill_form, load_demo_spec
from planeval.validation.batch import validate_batch
from planeval.validation.frames import Submission
from planeval.validation.suites import GxRunner


def province_catalog() -> Catalog:
    """海安's catalog with every unit answering for every indicator and project: a county's full table."""
    catalog = load_catalog(DEFAULT_CATALOG)
    everyone = tuple(unit.code for unit in catalog.units)
    indicators = tuple(i.model_copy(update={"responsible": everyone}) for i in catalog.indicators)
    projects = tuple(p.model_copy(update={"responsible": everyone}) for p in catalog.projects)
    return catalog.model_copy(update={"indicators": indicators, "projects": projects})


def generate(catalog: Catalog, folder: Path, count: int) -> list[tuple[str, Path]]:
    """``count`` filled workbooks: one filled form per unit (its full county table), copied per county.

    Copies share their content; both sides of the measurement read every file from disk all the same."""
    campaign = catalog.campaign(year=2025)
    spec = load_demo_spec(catalog)
    units = catalog.units[:45]
    templates = []
    for unit in units:
        blank = folder / "blank" / f"{unit.code}.xlsx"
        write_unit_form(catalog, campaign, unit, blank)
        templates.append((unit.code, fill_form(catalog, campaign, unit, blank, folder / "t" / blank.name, spec)))
    files = []
    for number in range(count):
        unit_code, template = templates[number % len(templates)]
        target = folder / "files" / f"county{number // len(templates):03d}_{unit_code}.xlsx"
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(template, target)
        files.append((unit_code, target))
    return files


def read_with_pandas(files: list[tuple[str, Path]]) -> int:
    import pandas as pd

    rows = 0
    for _, path in files:
        for frame in pd.read_excel(path, sheet_name=None, engine="calamine", header=None).values():
            rows += len(frame)
    return rows


def validate(catalog: Catalog, files: list[tuple[str, Path]], batch: int, runner: GxRunner) -> tuple[int, int]:
    campaign = catalog.campaign(year=2025)
    template = Received("", "", "indicator_table", "", "", "0" * 64, 0, "2025-06-01T00:00:00", "2025-06-01T00:00:00")
    rows = errors = 0
    for start in range(0, len(files), batch):
        submissions = []
        for number, (unit_code, path) in enumerate(files[start : start + batch], start=start):
            received = replace(template, submission_id=f"s{number}", unit_code=unit_code, archive_path=str(path))
            parsed = parse_workbook(catalog, campaign, path)
            rows += len(parsed.indicator_rows) + len(parsed.project_rows)
            submissions.append(Submission(received, parsed))
        verdicts = validate_batch(catalog, campaign, submissions, runner)
        errors += sum(len(v.errors) for v in verdicts.values())
    return rows, errors


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--files", type=int, default=4500)
    parser.add_argument("--batch", type=int, default=500)
    parser.add_argument("--keep", type=Path, help="generate into this folder and keep it")
    args = parser.parse_args()

    catalog = province_catalog()
    folder = args.keep or Path(tempfile.mkdtemp(prefix="planeval-bench-"))
    started = time.perf_counter()
    files = generate(catalog, folder, args.files)
    print(f"generated {len(files)} workbooks in {time.perf_counter() - started:.1f} s under {folder}")

    runner = GxRunner()  # built once, as a collection pass builds one per batch of files
    validate(catalog, files[:50], 50, runner)  # warm-up: imports, GX metric registry, file cache
    read_with_pandas(files[:50])

    started = time.perf_counter()
    read_rows = read_with_pandas(files)
    reading = time.perf_counter() - started
    started = time.perf_counter()
    rows, errors = validate(catalog, files, args.batch, runner)
    validating = time.perf_counter() - started

    print(f"pandas read:  {reading:8.2f} s  ({len(files)} files, {read_rows} sheet rows)")
    print(f"validation:   {validating:8.2f} s  ({rows} table rows, {errors} errors, batches of {args.batch})")
    print(f"ratio validation / read = {validating / reading:.2f}  (goal ≤ 3)")
    if args.keep is None:
        shutil.rmtree(folder, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
