"""Run planeval's DAGs through Airflow itself on the embedded default (SQLite), as ``make demo`` does.

Each step is an ``airflow`` subprocess so Airflow reads its configuration from the environment set here
(AIRFLOW_HOME under PLANEVAL_HOME, this repository's dags/ and plugins/), never from the caller's state.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from planeval.settings import REPO_ROOT, Settings

WAREHOUSE_POOL = "planeval_warehouse"


def airflow_environment(settings: Settings) -> dict[str, str]:
    env = dict(os.environ)
    airflow_home = Path(env.get("AIRFLOW_HOME") or settings.home / "airflow")
    airflow_home.mkdir(parents=True, exist_ok=True)
    env.update(
        {
            "AIRFLOW_HOME": str(airflow_home),
            "AIRFLOW__CORE__DAGS_FOLDER": str(REPO_ROOT / "dags"),
            "AIRFLOW__CORE__PLUGINS_FOLDER": str(REPO_ROOT / "plugins"),
            "AIRFLOW__CORE__LOAD_EXAMPLES": "False",
            "AIRFLOW__CORE__DAGS_ARE_PAUSED_AT_CREATION": "False",
            "GX_ANALYTICS_ENABLED": "false",
            "PLANEVAL_HOME": str(settings.home),
            "PLANEVAL_CATALOG": str(settings.catalog_dir),
            "PLANEVAL_DB_URL": settings.db_url,
        }
    )
    env.setdefault("AIRFLOW__DATABASE__SQL_ALCHEMY_CONN", f"sqlite:///{airflow_home / 'airflow.db'}")
    metadata_url = env["AIRFLOW__DATABASE__SQL_ALCHEMY_CONN"]
    if metadata_url.startswith("postgresql+psycopg://"):
        # Airflow derives its async URL as postgresql+asyncpg (not installed); psycopg 3 has an async driver.
        async_url = metadata_url.replace("postgresql+psycopg://", "postgresql+psycopg_async://", 1)
        env.setdefault("AIRFLOW__DATABASE__SQL_ALCHEMY_CONN_ASYNC", async_url)
    return env


def _airflow(*args: str, env: dict[str, str], log_path: Path) -> subprocess.CompletedProcess:
    command = [str(Path(sys.executable).with_name("airflow")), *args]
    with log_path.open("a", encoding="utf-8") as log:
        log.write(f"\n$ airflow {' '.join(args)}\n")
        log.flush()
        return subprocess.run(command, env=env, stdout=log, stderr=subprocess.STDOUT, check=False)


def prepare(settings: Settings, log_path: Path, warehouse_slots: int | None = None) -> dict[str, str]:
    """Migrate Airflow's metadata DB and create the warehouse pool (one slot on SQLite: one writer)."""
    env = airflow_environment(settings)
    if _airflow("db", "migrate", env=env, log_path=log_path).returncode != 0:
        raise RuntimeError(f"airflow db migrate failed; see {log_path}")
    slots = warehouse_slots or (1 if settings.db_url.startswith("sqlite") else 4)
    _airflow("pools", "set", WAREHOUSE_POOL, str(slots), "planeval warehouse writes", env=env, log_path=log_path)
    return env


def run_dag(dag_id: str, env: dict[str, str], log_path: Path, conf: dict | None = None) -> str:
    """Run one DAG run in-process with ``airflow dags test``; return its final state."""
    args = ["dags", "test", dag_id]
    if conf:
        args += ["-c", json.dumps(conf, ensure_ascii=False)]
    _airflow(*args, env=env, log_path=log_path)
    listing = subprocess.run(
        [str(Path(sys.executable).with_name("airflow")), "dags", "list-runs", dag_id, "-o", "json"],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    payload = next((line for line in listing.stdout.splitlines() if line.startswith("[")), "[]")
    try:
        runs = json.loads(payload)
    except ValueError:
        return "unknown"
    runs.sort(key=lambda run: run.get("start_date") or "", reverse=True)
    return runs[0]["state"] if runs else "unknown"
