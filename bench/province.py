"""Benchmark: a province's collection pass (4,500 files) through Airflow with the CeleryExecutor, beside the
same pass through the plain functions.

Files: a province catalog generated from 海安's (ui/province.py: enough counties for --files), every county's
units sending their indicator tables, contacts forms and summary reports, generated once and copied (mtimes
kept) into two homes. Both sides use a fresh warehouse database on the local PostgreSQL (127.0.0.1:5432,
user postgres, trust):

- plain:  stages.collect.run_collect in this process (the batches one after another)
- Celery: `planeval up` with CeleryExecutor on a fresh PostgreSQL metadata database and Redis (6379), one
          `airflow celery worker` with --workers task slots (AIRFLOW__CELERY__WORKER_CONCURRENCY), its own
          queue; the inboxes are filled once the scheduler's first (empty) run is over, then
          collect_submissions is triggered through the REST API and timed until its run succeeded

Printed: both times, files accepted on each side, and the ratio (goal: Celery ≤ 1.3 × plain). Nothing is
asserted. Start-up (migration, stack start) is printed apart: it is paid once, not per pass.

Usage: PYTHONPATH=plugins .venv/bin/python bench/province.py [--files 4500] [--workers 2] [--without-airflow]
"""

from __future__ import annotations

import argparse
import os
import shutil
import socket
import sys
import tempfile
import uuid
from pathlib import Path

from common import StackRuns, pg_database, ratio_line, timed, use_home

REDIS = ("127.0.0.1", 6379)
REDIS_DB = 14  # apart from the tests' (13); the queue name keeps this run's tasks apart anyway
COLLECT = "collect_submissions"


def generate(root: Path, files: int) -> tuple[Path, str, Path]:
    """The province catalog and ``files`` submissions in a staging home; returns (catalog, campaign, drop/)."""
    from planeval.catalog import load_catalog
    from planeval.settings import DEFAULT_CATALOG, get_settings
    from planeval.ui.province import counties_for, drop_province_submissions, files_per_county, write_province_catalog

    probe = load_catalog(write_province_catalog(DEFAULT_CATALOG, root / "probe", 1))
    counties = counties_for(files, files_per_county(probe, probe.campaign(year=2025)))
    catalog_dir = write_province_catalog(DEFAULT_CATALOG, root / "catalog", counties)
    use_home(root / "staging", catalog_dir)
    catalog = load_catalog(catalog_dir)
    campaign = catalog.campaign(year=2025)
    seconds, dropped = timed(lambda: drop_province_submissions(get_settings(), catalog, campaign, files))
    print(f"generated {len(dropped)} files for {counties} counties in {seconds:.1f} s")
    return catalog_dir, campaign.code, root / "staging" / "drop"


def fill_inboxes(drop: Path, home: Path) -> None:
    shutil.copytree(drop, home / "drop", dirs_exist_ok=True)  # copy2: mtimes kept, the files already settled


def plain(root: Path, catalog_dir: Path, campaign: str, drop: Path) -> tuple[float, int]:
    from planeval.stages import collect

    with pg_database("planeval_bench_plain") as url:
        use_home(root / "plain", catalog_dir, url)
        fill_inboxes(drop, root / "plain")
        seconds, summary = timed(lambda: collect.run_collect(campaign))
    return seconds, sum(row["status"] == "accepted" for row in summary)


def accepted_in(url: str) -> int:
    from planeval.warehouse.db import fetch_all, make_engine

    engine = make_engine(url)
    (row,) = fetch_all(engine, "count_accepted_submissions")
    engine.dispose()
    return int(row["accepted"])


def through_celery(root: Path, catalog_dir: Path, campaign: str, drop: Path, workers: int) -> tuple[float, int]:
    from planeval.settings import get_settings
    from planeval.ui import stack

    socket.create_connection(REDIS, timeout=2).close()  # Redis must be up: fail before anything starts
    with pg_database("planeval_bench_airflow") as metadata, pg_database("planeval_bench_celery") as warehouse:
        use_home(root / "celery", catalog_dir, warehouse)
        os.environ.update(
            {
                "AIRFLOW__CORE__EXECUTOR": "CeleryExecutor",
                "AIRFLOW__DATABASE__SQL_ALCHEMY_CONN": metadata,
                "AIRFLOW__CELERY__BROKER_URL": f"redis://{REDIS[0]}:{REDIS[1]}/{REDIS_DB}",
                "AIRFLOW__CELERY__RESULT_BACKEND": "db+" + metadata,
                "AIRFLOW__CELERY__WORKER_CONCURRENCY": str(workers),
                "AIRFLOW__CORE__PARALLELISM": str(max(workers * 2, 4)),
                "AIRFLOW__OPERATORS__DEFAULT_QUEUE": f"planeval_bench_{uuid.uuid4().hex[:8]}",
            }
        )
        os.environ.pop("AIRFLOW__DATABASE__SQL_ALCHEMY_CONN_ASYNC", None)
        settings = get_settings()
        stack.stack_dir(settings).mkdir(parents=True, exist_ok=True)
        (stack.stack_dir(settings) / "demo-seeded").write_text("0\n", encoding="utf-8")  # no demo files
        try:
            start_up, _ = timed(lambda: stack.up(settings))
            print(f"Celery stack start-up (migration, processes, DAGs parsed): {start_up:.1f} s — paid once")
            runs = StackRuns(settings.home, stack.base_url())
            runs.wait_for_dag(COLLECT)
            runs.wait_idle([COLLECT])  # the scheduler's own first run, on empty inboxes
            fill_inboxes(drop, settings.home)
            seconds, state = timed(
                lambda: runs.wait_for_task(COLLECT, runs.trigger(COLLECT, {"campaign": campaign}), None)
            )
            if state != "success":
                raise RuntimeError(f"{COLLECT} through Celery: {state}; see {stack.stack_dir(settings)}")
            return seconds, accepted_in(warehouse)
        finally:
            stack.down(settings)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--files", type=int, default=4500)
    parser.add_argument("--workers", type=int, default=2, help="Celery task slots (worker concurrency)")
    parser.add_argument("--without-airflow", action="store_true", help="the plain pass only")
    parser.add_argument("--keep", type=Path, help="work in this folder and keep it")
    args = parser.parse_args()

    root = args.keep or Path(tempfile.mkdtemp(prefix="planeval-bench-province-"))
    catalog_dir, campaign, drop = generate(root, args.files)
    plain_s, plain_accepted = plain(root, catalog_dir, campaign, drop)
    print(f"plain functions: {plain_s:8.2f} s, {plain_accepted} accepted")
    if not args.without_airflow:
        celery_s, celery_accepted = through_celery(root, catalog_dir, campaign, drop, args.workers)
        print(f"Celery ({args.workers} slots): {celery_s:8.2f} s, {celery_accepted} accepted")
        print(ratio_line("province pass: Celery / plain functions", celery_s, plain_s, 1.3))
    if args.keep is None:
        shutil.rmtree(root, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
