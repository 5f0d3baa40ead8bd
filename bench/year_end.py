"""Benchmark: a city's year-end (trigger → 征求意见稿 written) through Airflow, beside the same functions called
directly and beside a one-task DAG run the same way.

All in this one run, on one warehouse (海安's demo submissions, collected once up front by the plain functions):

- direct:        stages.year_end.run_year_end (aggregate + draft reports), as `planeval demo --without-airflow`
- dags test:     `airflow dags test year_end_assessment` (ui/airflow_runner.py's way) until the draft reports are
                 written (the run then waits for the office's approval; the benchmark stops it there), beside
                 `airflow dags test bench_trivial -B bench` (bench/dags/ as a second DAG bundle)
- running stack: `planeval up` (ui/stack.py, LocalExecutor, SQLite metadata) with bench/dags/ added as a second
                 DAG bundle; trigger year_end_assessment through the REST API until render_draft succeeded, beside
                 triggering bench_trivial until its run succeeded. The stack is stopped at the end.

Printed: each time (median of --rounds), the start-up costs outside the runs (metadata migration, stack start),
and the ratios with their goals (bench/README.md). Nothing is asserted.

Usage: PYTHONPATH=plugins .venv/bin/python bench/year_end.py [--rounds 3] [--skip-stack] [--keep DIR]
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from common import StackRuns, best_of, bundles_with_bench_dags, now, ratio_line, timed, use_home

YEAR_END = "year_end_assessment"
TRIVIAL = "bench_trivial"


def prepare_city(home: Path) -> tuple[object, dict[str, object]]:
    """海安's demo submissions in the inboxes and collected by the plain functions; returns the selection and the
    year-end trigger form's values."""
    from planeval.settings import DEFAULT_CATALOG
    from planeval.stages import collect, context, setup
    from planeval.ui.demo import drop_demo_submissions

    use_home(home, DEFAULT_CATALOG)
    selection = context.select(None, year=2025)
    settings, catalog, campaign = context.open_selection(selection)
    setup.init_units(campaign.code)
    dropped = drop_demo_submissions(settings, catalog, campaign)
    seconds, summary = timed(lambda: collect.run_collect(campaign.code))
    print(f"setup: {len(dropped)} demo files collected directly in {seconds:.1f} s ({len(summary)} recorded)")
    conf = {"campaign": campaign.code, "year": campaign.year, "data_cutoff": campaign.data_cutoff.isoformat()}
    return selection, conf


def drafts_after(reports: Path, since: float) -> list[Path]:
    return [path for path in reports.rglob("*征求意见稿*.docx") if path.stat().st_mtime >= since]


def direct(selection: object) -> float:
    from planeval.stages import year_end

    seconds, _ = timed(lambda: year_end.run_year_end(selection, draft=True))  # type: ignore[arg-type]
    return seconds


def dags_test_trivial(env: dict[str, str], log: Path) -> float:
    airflow = str(Path(sys.executable).with_name("airflow"))
    with log.open("a", encoding="utf-8") as out:
        seconds, done = timed(
            lambda: subprocess.run(
                [airflow, "dags", "test", TRIVIAL, "-B", "bench"],
                env=env,
                stdout=out,
                stderr=subprocess.STDOUT,
                check=False,
            )
        )
    if done.returncode != 0:
        raise RuntimeError(f"airflow dags test {TRIVIAL} failed; see {log}")
    return seconds


def dags_test_year_end(env: dict[str, str], log: Path, conf: dict[str, object], reports: Path) -> float:
    """`airflow dags test` of the year-end until its drafts are on disk; the run is then stopped (it would wait
    for the approval)."""
    import json

    airflow = str(Path(sys.executable).with_name("airflow"))
    wall = time.time()
    started = time.perf_counter()
    with log.open("a", encoding="utf-8") as out:
        run = subprocess.Popen(
            [airflow, "dags", "test", YEAR_END, "-B", "dags-folder", "-c", json.dumps(conf, ensure_ascii=False)],
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
        try:
            while not drafts_after(reports, wall):
                if run.poll() is not None:
                    raise RuntimeError(f"airflow dags test {YEAR_END} exited before the drafts; see {log}")
                time.sleep(0.1)
            seconds = time.perf_counter() - started
        finally:
            run.terminate()
            try:
                run.wait(timeout=30)
            except subprocess.TimeoutExpired:
                run.kill()
    return seconds


def on_stack(home: Path, conf: dict[str, object], rounds: int) -> tuple[float, float, float]:
    """Start `planeval up` (demo seeding skipped: the warehouse is filled), measure, stop. Returns (stack
    start-up, trivial run, year-end until drafts)."""
    from planeval.settings import get_settings
    from planeval.ui import stack

    settings = get_settings()
    stack.stack_dir(settings).mkdir(parents=True, exist_ok=True)
    (stack.stack_dir(settings) / "demo-seeded").write_text("0\n", encoding="utf-8")  # inboxes already collected
    try:
        start_up, _ = timed(lambda: stack.up(settings))
        runs = StackRuns(settings.home, stack.base_url())
        for dag_id in (TRIVIAL, YEAR_END):
            runs.wait_for_dag(dag_id)
        runs.wait_idle(["collect_submissions", "monitor_submissions", "refresh_indicator_tables"])

        def trivial() -> float:
            seconds, state = timed(lambda: runs.wait_for_task(TRIVIAL, runs.trigger(TRIVIAL), None))
            if state != "success":
                raise RuntimeError(f"{TRIVIAL} on the stack: {state}")
            return float(seconds)

        def year_end() -> float:
            seconds, state = timed(lambda: runs.wait_for_task(YEAR_END, runs.trigger(YEAR_END, conf), "render_draft"))
            if state != "success":
                raise RuntimeError(f"{YEAR_END} on the stack: {state}; see {stack.stack_dir(settings)}")
            return float(seconds)

        return start_up, best_of(rounds, trivial), best_of(rounds, year_end)
    finally:
        stack.down(settings)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=3, help="measurements per way (the median is printed)")
    parser.add_argument("--skip-stack", action="store_true", help="no `planeval up` stack (direct and dags test only)")
    parser.add_argument("--keep", type=Path, help="work in this folder and keep it (logs, reports)")
    args = parser.parse_args()

    home = args.keep or Path(tempfile.mkdtemp(prefix="planeval-bench-year-end-"))
    selection, conf = prepare_city(home)
    from planeval.settings import get_settings
    from planeval.ui import airflow_runner

    settings = get_settings()
    log = settings.home / "logs" / "bench-year-end.log"
    log.parent.mkdir(parents=True, exist_ok=True)
    os.environ["AIRFLOW__DAG_PROCESSOR__DAG_BUNDLE_CONFIG_LIST"] = bundles_with_bench_dags()
    migrate, env = timed(lambda: airflow_runner.prepare(settings, log))
    print(f"setup: Airflow metadata database (SQLite) migrated in {migrate:.1f} s — paid once, not in the runs")

    direct_s = best_of(args.rounds, lambda: direct(selection))
    trivial_s = best_of(args.rounds, lambda: dags_test_trivial(env, log))
    test_s = best_of(args.rounds, lambda: dags_test_year_end(env, log, conf, settings.reports_dir))
    print(f"direct year-end (aggregate + drafts):       {direct_s:8.2f} s")
    print(f"airflow dags test bench_trivial:            {trivial_s:8.2f} s")
    print(f"airflow dags test year_end → drafts:        {test_s:8.2f} s")
    print(ratio_line("dags test: year-end / trivial one-task DAG", test_s, trivial_s, 2))
    print(ratio_line("dags test: year-end / direct", test_s, direct_s, 1.5))
    if not args.skip_stack:
        start_up, stack_trivial, stack_year_end = on_stack(settings.home, conf, args.rounds)
        print(f"stack start-up (planeval up, until DAGs are parsed): {start_up:8.2f} s — paid once")
        print(f"stack: trigger bench_trivial → success:     {stack_trivial:8.2f} s")
        print(f"stack: trigger year_end → drafts written:   {stack_year_end:8.2f} s")
        print(ratio_line("stack: year-end / trivial one-task DAG", stack_year_end, stack_trivial, 2))
        print(ratio_line("stack: year-end / direct", stack_year_end, direct_s, 1.5))
    print(f"finished {now():%H:%M:%S}; work folder {home}")
    if args.keep is None:
        shutil.rmtree(home, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
