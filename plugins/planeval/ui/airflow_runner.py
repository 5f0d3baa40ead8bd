"""Run planeval's DAGs through Airflow itself on the embedded default (SQLite), as ``make demo`` does.

Each step is an ``airflow`` subprocess so Airflow reads its configuration from the environment set here
(AIRFLOW_HOME under PLANEVAL_HOME, this repository's dags/ and plugins/), never from the caller's state.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import secrets
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterable
from dataclasses import replace
from pathlib import Path
from typing import Any, TextIO

from planeval.settings import REPO_ROOT, WAREHOUSE_POOL, Settings, get_settings
from planeval.ui.approval import RunFailed


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


def _airflow(*args: str, env: dict[str, str], log_path: Path) -> subprocess.CompletedProcess[bytes]:
    command = [str(Path(sys.executable).with_name("airflow")), *args]
    with log_path.open("a", encoding="utf-8") as log:
        log.write(f"\n$ airflow {' '.join(args)}\n")
        log.flush()
        return subprocess.run(command, env=env, stdout=log, stderr=subprocess.STDOUT, check=False)


def prepare(settings: Settings, log_path: Path, warehouse_slots: int | None = None) -> dict[str, str]:
    """Migrate Airflow's metadata DB (with the FAB auth manager's tables) and create the warehouse pool (one
    slot on SQLite: one writer)."""
    from planeval.ui.accounts import auth_environment

    env = auth_environment(settings)
    if _airflow("db", "migrate", env=env, log_path=log_path).returncode != 0:
        raise RuntimeError(f"airflow db migrate failed; see {log_path}")
    slots = warehouse_slots or (1 if settings.db_url.startswith("sqlite") else 4)
    _airflow("pools", "set", WAREHOUSE_POOL, str(slots), "planeval warehouse writes", env=env, log_path=log_path)
    return env


def run_dag(dag_id: str, env: dict[str, str], log_path: Path, conf: dict[str, Any] | None = None) -> str:
    """Run one DAG run in-process with ``airflow dags test``; return its final state."""
    _airflow(*_test_args(dag_id, conf), env=env, log_path=log_path)
    return last_run_state(dag_id, env)


def _test_args(dag_id: str, conf: dict[str, Any] | None) -> list[str]:
    args = ["dags", "test", dag_id]
    if conf:
        args += ["-c", json.dumps(conf, ensure_ascii=False)]
    return args


REVIEWER = "office"  # the demo's reviewer: the catalog's approver, a FAB user with the role planeval_office


def reviewer_environment(env: dict[str, str]) -> tuple[dict[str, str], str]:
    """The environment with planeval's FAB auth manager, its roles and users ensured in the metadata DB
    (``planeval.ui.accounts``), and the reviewer's password from ``$PLANEVAL_HOME/ui-accounts.json``."""
    from planeval.ui.accounts import AUTH_MANAGER, ensure_accounts

    reviewer_env = {**env, "AIRFLOW__CORE__AUTH_MANAGER": AUTH_MANAGER}
    settings = replace(get_settings(), home=Path(env["PLANEVAL_HOME"]), catalog_dir=Path(env["PLANEVAL_CATALOG"]))
    listed = json.loads(ensure_accounts(reviewer_env, settings).read_text(encoding="utf-8"))
    password = (listed.get(REVIEWER) or {}).get("password")
    if not password:
        raise RuntimeError(f"审核用户 {REVIEWER} 的密码不在 ui-accounts.json 中(目录有 roster.yaml 时不保存密码)")
    # one secret for the api-server and the run, so tokens it issues are accepted everywhere
    reviewer_env.setdefault("AIRFLOW__API_AUTH__JWT_SECRET", secrets.token_urlsafe(32))
    return reviewer_env, str(password)


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def run_dag_answering_approval(
    dag_id: str,
    env: dict[str, str],
    log_path: Path,
    conf: dict[str, Any] | None,
    *,
    approve: bool,
    comment: str,
    timeout: float = 900,
) -> tuple[str, dict[str, Any]]:
    """Run the DAG with ``airflow dags test`` beside an ``airflow api-server`` on the same metadata DB, and
    answer its approval task through the REST API the UI uses, as the reviewer user. ``dags test`` keeps
    a run whose task awaits input alive until the answer arrives (airflow/sdk/definitions/dag.py).
    Returns the run's final state and the API's record of the answer.

    The wait watches the run itself: when a task before the approval fails, the run ends or the ``dags test``
    process exits, it raises ``RunFailed`` at once with the failed task and its own error (read from the
    run's output); every wait has a deadline and raises ``WaitFailed`` saying which one passed."""
    from planeval.ui.approval import AirflowApi, WaitTimeout

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
        started = dt.datetime.now(dt.UTC)
        run = subprocess.Popen(
            [airflow, *_test_args(dag_id, conf)],
            env={**env, "PYTHONUNBUFFERED": "1"},  # its output is read as it comes (RunOutput)
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            encoding="utf-8",
            errors="replace",
        )
        output = RunOutput(run, log)
        failure: RunFailed | None = None
        try:
            base_url = f"http://127.0.0.1:{port}"
            _wait_until_up(base_url, server, timeout=180)
            api = AirflowApi(base_url, REVIEWER, password, triggerer=False)
            try:
                pending = api.wait_for_pending(dag_id, timeout=timeout, since=started, alive=lambda: run.poll() is None)
            except RunFailed as exc:
                failure = exc
                try:
                    run.wait(timeout=30)  # `dags test` marks the run failed and exits by itself
                except subprocess.TimeoutExpired:
                    pass
            else:
                answer = api.answer(pending, approve, comment)
                try:
                    run.wait(timeout=timeout)
                except subprocess.TimeoutExpired:
                    raise WaitTimeout(f"审核后运行超过 {timeout:.0f} 秒仍未结束:{dag_id},见 {log_path}") from None
        finally:
            for process in (run, server):
                if process.poll() is None:
                    process.terminate()
                    try:
                        process.wait(timeout=30)
                    except subprocess.TimeoutExpired:
                        process.kill()
            output.finish(run)
    if failure is not None:
        raise failure.with_message(output.error_of(failure.task_id))
    return last_run_state(dag_id, env), answer


class RunOutput:
    """The ``airflow dags test`` output, copied line by line into the log while it is read for each task's
    own error: between ``[DAG TEST] starting task_id=…`` and its end, the last line of the traceback that
    follows ``Task failed with exception`` (``planeval.reporting.charts.NoCjkFont: 未找到中文字体…``)."""

    _TIMESTAMPED = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d")
    _STARTING = re.compile(r"\[DAG TEST\] starting task_id=(\S+)")

    def __init__(self, process: subprocess.Popen[str], log: TextIO) -> None:
        self.errors: dict[str, str] = {}
        self.last_error = ""
        self._log = log
        self._thread = threading.Thread(target=self._read, args=(process.stdout,), daemon=True)
        self._thread.start()

    def _read(self, stream: Iterable[str]) -> None:
        task_id: str | None = None
        traceback: list[str] | None = None
        for line in stream:
            self._log.write(line)
            self._log.flush()
            if self._TIMESTAMPED.match(line):
                if traceback is not None:
                    self._keep(task_id, traceback)
                    traceback = None
                if started := self._STARTING.search(line):
                    task_id = started.group(1)
                elif "Task failed with exception" in line or "Traceback" in line:
                    traceback = []
            elif traceback is not None:
                traceback.append(line.rstrip("\n"))
        if traceback is not None:
            self._keep(task_id, traceback)

    def _keep(self, task_id: str | None, traceback: list[str]) -> None:
        # the exception is what follows the last indented (frame) line
        frames = [i for i, line in enumerate(traceback) if line.startswith(" ")]
        tail = [line for line in traceback[(frames[-1] + 1 if frames else 0) :] if line.strip()]
        if not tail:
            return
        message = _exception_text("\n".join(tail))
        self.last_error = message
        if task_id and task_id not in self.errors:
            self.errors[task_id] = message

    def finish(self, process: subprocess.Popen[str], timeout: float = 30) -> None:
        if process.poll() is not None:
            self._thread.join(timeout=timeout)

    def error_of(self, task_id: str | None) -> str:
        return self.errors.get(task_id, "") if task_id else self.last_error


def _exception_text(line: str) -> str:
    """``planeval.reporting.charts.NoCjkFont: 未找到…`` → ``未找到…``: planeval's own errors are written for the user;
    any other keeps its type (``NotADirectoryError: [Errno 20] …``)."""
    kind, sep, message = line.partition(": ")
    if sep and re.fullmatch(r"[\w.]+", kind):
        # planeval's own errors, and those a task re-raises as AirflowFailException (not retried), are the
        # office's message already
        own = kind.startswith("planeval.") or kind.endswith("AirflowFailException")
        return message if own else f"{kind.rsplit('.', 1)[-1]}: {message}"
    return line


def _wait_until_up(base_url: str, server: subprocess.Popen[bytes], timeout: float) -> None:
    import httpx

    from planeval.ui.approval import WaitFailed, WaitTimeout

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise WaitFailed(f"airflow api-server 启动失败(退出码 {server.returncode}),见日志")
        try:
            if httpx.get(f"{base_url}/api/v2/monitor/health", timeout=5).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(1)
    raise WaitTimeout(f"airflow api-server 超过 {timeout:.0f} 秒未在 {base_url} 应答")


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
