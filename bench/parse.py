"""Benchmark: how long each DAG file of dags/ takes to parse, as the dag-processor pays it on every pass.

Each file is imported in a fresh interpreter (no cache of an earlier file helps it), timed two ways:

- own:   the file's import alone, after ``airflow.sdk`` is imported and bench/dags/bench_trivial.py parsed (a
         running dag-processor has Airflow loaded, including what its decorators import lazily on first
         use), with the objects that exist then frozen (``gc.freeze``: a full garbage collection of Airflow's
         large heap, ~0.1 s, would otherwise land on whichever file happens to trigger it): what the goal
         (≤ 0.1 s per file) is about
- cold:  the same file as the first DAG of the process (Airflow's lazy imports counted)
- total: the fresh interpreter importing airflow.sdk and the file, minus the same interpreter doing nothing
         (``python -c pass``): the worst case, a processor that starts cold for this one file

Medians of --rounds. Nothing is asserted.

Usage: PYTHONPATH=plugins .venv/bin/python bench/parse.py [--rounds 5]
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
PROBE = r"""
import gc, runpy, sys, time
import airflow.sdk
if sys.argv[2] == "warm":
    runpy.run_path(sys.argv[3], run_name="warm_up")
    gc.collect()
    gc.freeze()  # Airflow's own heap is not the file's: a full collection of it is not counted
started = time.perf_counter()
runpy.run_path(sys.argv[1], run_name="dag_file")
print(time.perf_counter() - started)
"""
TRIVIAL = REPO_ROOT / "bench" / "dags" / "bench_trivial.py"
GOAL = 0.1


def fresh(args: list[str], env: dict[str, str]) -> tuple[float, str]:
    started = time.perf_counter()
    done = subprocess.run([sys.executable, *args], env=env, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise RuntimeError(done.stderr[-2000:])
    return time.perf_counter() - started, done.stdout.strip().splitlines()[-1] if done.stdout.strip() else ""


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    env = dict(os.environ, GX_ANALYTICS_ENABLED="false", AIRFLOW__CORE__LOAD_EXAMPLES="False")
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(REPO_ROOT / "plugins"), env.get("PYTHONPATH")]))
    startup = statistics.median(fresh(["-c", "pass"], env)[0] for _ in range(args.rounds))
    print(f"interpreter start-up (python -c pass): {startup:.3f} s")
    for path in sorted((REPO_ROOT / "dags").glob("*.py")):
        owns, colds, totals = [], [], []
        for _ in range(args.rounds):
            owns.append(float(fresh(["-c", PROBE, str(path), "warm", str(TRIVIAL)], env)[1]))
            total, cold = fresh(["-c", PROBE, str(path), "cold"], env)
            colds.append(float(cold))
            totals.append(total - startup)
        own_s = statistics.median(owns)
        verdict = "ok" if own_s <= GOAL else "OVER GOAL"
        print(
            f"{path.name:<30} own {own_s:6.3f} s (goal ≤ {GOAL} s: {verdict})"
            f"   cold {statistics.median(colds):6.3f} s   total {statistics.median(totals):6.3f} s"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
