"""What the benchmarks share: a private PLANEVAL_HOME with free ports, fresh PostgreSQL databases, a clock, the
ratio lines they print, and the running stack's REST API (trigger a run, wait for a task). Not a test: nothing
here asserts a time; see bench/README.md for how to read the ratios."""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import os
import socket
import statistics
import time
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

os.environ.setdefault("GX_ANALYTICS_ENABLED", "false")

BENCH_DIR = Path(__file__).resolve().parent
BENCH_DAGS = BENCH_DIR / "dags"
PG_ADMIN_URL = os.environ.get("PLANEVAL_BENCH_PG_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def use_home(home: Path, catalog: Path | None = None, db_url: str | None = None) -> None:
    """Point planeval at ``home`` (files settle at once: the benchmark wrote them before the pass) and give
    any Airflow it starts free ports of its own."""
    home.mkdir(parents=True, exist_ok=True)
    os.environ["PLANEVAL_HOME"] = str(home)
    os.environ["PLANEVAL_SETTLE_SECONDS"] = "0"
    if catalog is not None:
        os.environ["PLANEVAL_CATALOG"] = str(catalog)
    if db_url:
        os.environ["PLANEVAL_DB_URL"] = db_url
    else:
        os.environ.pop("PLANEVAL_DB_URL", None)
    for key in (
        "PLANEVAL_UI_PORT",
        "AIRFLOW__LOGGING__WORKER_LOG_SERVER_PORT",
        "AIRFLOW__LOGGING__TRIGGER_LOG_SERVER_PORT",
    ):
        os.environ[key] = str(free_port())
    os.environ.pop("AIRFLOW_HOME", None)


@contextlib.contextmanager
def pg_database(prefix: str) -> Iterator[str]:
    """A fresh PostgreSQL database on the local server (trust), dropped afterwards; yields its URL."""
    from sqlalchemy import create_engine, text

    name = f"{prefix}_{uuid.uuid4().hex[:10]}"
    admin = create_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield PG_ADMIN_URL.rsplit("/", 1)[0] + f"/{name}"
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def timed(action: Callable[[], Any]) -> tuple[float, Any]:
    started = time.perf_counter()
    result = action()
    return time.perf_counter() - started, result


def best_of(rounds: int, action: Callable[[], float]) -> float:
    """The median of ``rounds`` measurements (each action returns its own seconds)."""
    return statistics.median(action() for _ in range(max(rounds, 1)))


def ratio_line(label: str, measured: float, reference: float, goal: float) -> str:
    ratio = measured / reference if reference > 0 else float("inf")
    verdict = "ok" if ratio <= goal else "OVER GOAL"
    return f"{label:<52} {measured:8.2f} s / {reference:8.2f} s = {ratio:5.2f}  (goal ≤ {goal:g}: {verdict})"


def bundles_with_bench_dags() -> str:
    """Airflow's DAG bundles: the repository's dags/ (the default bundle) and bench/dags/, so a stack started
    for a benchmark also knows the trivial DAG — production, which reads dags/ only, never sees it."""
    local = "airflow.dag_processing.bundles.local.LocalDagBundle"
    return json.dumps(
        [
            {"name": "dags-folder", "classpath": local, "kwargs": {}},
            {"name": "bench", "classpath": local, "kwargs": {"path": str(BENCH_DAGS), "refresh_interval": 0}},
        ]
    )


class StackRuns:
    """Triggering runs on a running stack and waiting for them, through the REST API as the stack's office or
    admin account (``ui-accounts.json``)."""

    def __init__(self, home: Path, base_url: str) -> None:
        from planeval.ui.approval import AirflowApi

        accounts = json.loads((home / "ui-accounts.json").read_text(encoding="utf-8"))
        user = next(name for name, account in accounts.items() if account["role"] in ("admin", "office"))
        self.api = AirflowApi(base_url, user, accounts[user]["password"])

    def wait_for_dag(self, dag_id: str, timeout: float = 300) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.api.client.get(f"/api/v2/dags/{dag_id}").status_code == 200:
                return
            time.sleep(1)
        raise RuntimeError(f"{dag_id} not parsed within {timeout:.0f} s")

    def wait_idle(self, dag_ids: list[str], timeout: float = 900) -> None:
        """Until no run of these DAGs is queued or running (the scheduler's first runs after start-up)."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            busy = [run for dag_id in dag_ids for run in self.api.runs(dag_id) if run["state"] in ("queued", "running")]
            if not busy:
                return
            time.sleep(1)
        raise RuntimeError(f"runs still active after {timeout:.0f} s")

    def trigger(self, dag_id: str, conf: dict[str, Any] | None = None) -> str:
        response = self.api.client.post(
            f"/api/v2/dags/{dag_id}/dagRuns", json={"logical_date": None, "conf": conf or {}}
        )
        response.raise_for_status()
        run_id: str = response.json()["dag_run_id"]
        return run_id

    def wait_for_task(self, dag_id: str, run_id: str, task_id: str | None, timeout: float = 3600) -> str:
        """Until ``task_id`` (every instance, mapped ones included) succeeded — or, with None, the run ended;
        returns the state reached ("success", or what failed)."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            run = self.api.client.get(f"/api/v2/dags/{dag_id}/dagRuns/{run_id}").json()
            if run["state"] == "failed":
                return "failed"
            if task_id is None:
                if run["state"] == "success":
                    return "success"
            else:
                states = [ti["state"] for ti in self.api.task_instances(dag_id, run_id) if ti["task_id"] == task_id]
                if states and all(state == "success" for state in states):
                    return "success"
                if any(state in ("failed", "upstream_failed") for state in states):
                    return "failed"
            time.sleep(0.2)
        return "timeout"


def now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)
