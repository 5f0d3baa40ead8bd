"""Run planeval's DAGs through Airflow itself on the embedded default (SQLite), as ``make demo`` does.

Each step is an ``airflow`` subprocess so Airflow reads its configuration from the environment set here
(AIRFLOW_HOME under PLANEVAL_HOME, this repository's dags/ and plugins/), never from the caller's state.
"""

from __future__ import annotations

import json
import os
import secrets
import socket
import subprocess
import sys
import time
from pathlib import Path

from planeval.settings import REPO_ROOT, WAREHOUSE_POOL, Settings


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
    _airflow(*_test_args(dag_id, conf), env=env, log_path=log_path)
    return last_run_state(dag_id, env)


def _test_args(dag_id: str, conf: dict | None) -> list[str]:
    args = ["dags", "test", dag_id]
    if conf:
        args += ["-c", json.dumps(conf, ensure_ascii=False)]
    return args


REVIEWER = "office"  # the demo's reviewer: a SimpleAuthManager user with the admin role


def reviewer_environment(env: dict[str, str]) -> tuple[dict[str, str], str]:
    """Airflow's own login for one reviewer user (never all-admins mode: apache/airflow#59348), with a
    password written to a file only this home can read. Returns the environment and the password."""
    home = Path(env["AIRFLOW_HOME"])
    passwords = home / "planeval_reviewers.json"
    if passwords.exists():
        password = json.loads(passwords.read_text(encoding="utf-8"))[REVIEWER]
    else:
        password = secrets.token_urlsafe(16)
        passwords.write_text(json.dumps({REVIEWER: password}), encoding="utf-8")
        passwords.chmod(0o600)
    reviewer_env = dict(env)
    reviewer_env.update(
        {
            "AIRFLOW__CORE__SIMPLE_AUTH_MANAGER_USERS": f"{REVIEWER}:admin",
            "AIRFLOW__CORE__SIMPLE_AUTH_MANAGER_PASSWORDS_FILE": str(passwords),
            "AIRFLOW__CORE__SIMPLE_AUTH_MANAGER_ALL_ADMINS": "False",
        }
    )
    # one secret for the api-server and the run, so tokens it issues are accepted everywhere
    reviewer_env.setdefault("AIRFLOW__API_AUTH__JWT_SECRET", secrets.token_urlsafe(32))
    return reviewer_env, password


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def run_dag_answering_approval(
    dag_id: str,
    env: dict[str, str],
    log_path: Path,
    conf: dict | None,
    *,
    approve: bool,
    comment: str,
    timeout: float = 900,
) -> tuple[str, dict]:
    """Run the DAG with ``airflow dags test`` beside an ``airflow api-server`` on the same metadata DB, and
    answer its approval task through the REST API the UI uses, as the reviewer user. ``dags test`` keeps
    a run whose task awaits input alive until the answer arrives (airflow/sdk/definitions/dag.py).
    Returns the run's final state and the API's record of the answer."""
    from planeval.ui.approval import AirflowApi

    env, password = reviewer_environment(env)
    port = _free_port()
    airflow = str(Path(sys.executable).with_name("airflow"))
    with log_path.open("a", encoding="utf-8") as log:
        log.write(f"\n$ airflow api-server --port {port} & airflow {' '.join(_test_args(dag_id, conf))}\n")
        log.flush()
        server = subprocess.Popen(
            [airflow, "api-server", "--host", "127.0.0.1", "--port", str(port), "--workers", "1"],
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        run = subprocess.Popen([airflow, *_test_args(dag_id, conf)], env=env, stdout=log, stderr=subprocess.STDOUT)
        try:
            base_url = f"http://127.0.0.1:{port}"
            _wait_until_up(base_url, server, timeout=180)
            api = AirflowApi(base_url, REVIEWER, password)
            pending = api.wait_for_pending(dag_id, timeout=timeout)
            answer = api.answer(pending, approve, comment)
            run.wait(timeout=timeout)
        finally:
            for process in (run, server):
                if process.poll() is None:
                    process.terminate()
                    try:
                        process.wait(timeout=30)
                    except subprocess.TimeoutExpired:
                        process.kill()
    return last_run_state(dag_id, env), answer


def _wait_until_up(base_url: str, server: subprocess.Popen, timeout: float) -> None:
    import httpx

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError(f"airflow api-server exited with {server.returncode}")
        try:
            if httpx.get(f"{base_url}/api/v2/monitor/health", timeout=5).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(1)
    raise TimeoutError(f"airflow api-server did not answer at {base_url} within {timeout:.0f} s")


def last_run_state(dag_id: str, env: dict[str, str]) -> str:
    """The state of the DAG's most recent run, from Airflow's metadata DB."""
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
