"""The production path without docker: `planeval up` with the CeleryExecutor on the local PostgreSQL (a fresh
metadata database and a fresh warehouse per test) and Redis, a real `airflow celery worker` beside the
api-server, scheduler, dag-processor and triggerer. collect_submissions and then year_end_assessment run on
the worker (their queue, and the worker's own log), the office approves through the REST API as the
stack's account, and the draft and final reports exist. Skipped when PostgreSQL or Redis is not reachable
locally (failed in CI, where .ci/run starts both)."""

from __future__ import annotations

import datetime as dt
import json
import os
import socket
import time
import uuid

import pytest
from conftest import create_pg_database, drop_pg_database, require_postgres

from planeval.settings import get_settings
from planeval.ui import stack
from planeval.ui.approval import AirflowApi

pytestmark = pytest.mark.e2e

REDIS = ("127.0.0.1", 6379)
REDIS_DB = 13  # one the other tests do not use; the queue name below keeps this run's tasks apart anyway


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def require_redis() -> None:
    try:
        socket.create_connection(REDIS, timeout=2).close()
    except OSError:
        message = f"Redis unreachable at {REDIS[0]}:{REDIS[1]}"
        if os.environ.get("CI"):
            pytest.fail(f"{message} (CI must have it: .ci/run starts it)")
        pytest.skip(message)


@pytest.fixture
def celery_stack(home, monkeypatch: pytest.MonkeyPatch):
    require_postgres()
    require_redis()
    metadata, warehouse = create_pg_database("planeval_airflow"), create_pg_database()
    queue = f"planeval_test_{uuid.uuid4().hex[:8]}"
    port = free_port()
    for key, value in {
        "PLANEVAL_DB_URL": warehouse,
        "PLANEVAL_UI_PORT": str(port),
        "AIRFLOW__CORE__EXECUTOR": "CeleryExecutor",
        "AIRFLOW__DATABASE__SQL_ALCHEMY_CONN": metadata,
        "AIRFLOW__CELERY__BROKER_URL": f"redis://{REDIS[0]}:{REDIS[1]}/{REDIS_DB}",
        "AIRFLOW__CELERY__RESULT_BACKEND": "db+" + metadata,
        "AIRFLOW__CELERY__WORKER_CONCURRENCY": "4",
        "AIRFLOW__OPERATORS__DEFAULT_QUEUE": queue,  # tasks go to this run's worker only
        "AIRFLOW__LOGGING__WORKER_LOG_SERVER_PORT": str(free_port()),
        "AIRFLOW__LOGGING__TRIGGER_LOG_SERVER_PORT": str(free_port()),
    }.items():
        monkeypatch.setenv(key, value)
    monkeypatch.delenv("AIRFLOW_HOME", raising=False)
    monkeypatch.delenv("AIRFLOW__DATABASE__SQL_ALCHEMY_CONN_ASYNC", raising=False)
    settings = get_settings()
    try:
        stack.up(settings)
        yield settings, f"http://localhost:{port}", queue
    finally:
        stack.down(settings)
        drop_pg_database(metadata)
        drop_pg_database(warehouse)


def trigger(api: AirflowApi, dag_id: str, conf: dict[str, object] | None = None) -> str:
    body = {"logical_date": None, "conf": conf or {}}
    response = api.client.post(f"/api/v2/dags/{dag_id}/dagRuns", json=body)
    response.raise_for_status()
    run_id: str = response.json()["dag_run_id"]
    return run_id


def wait_for_run(api: AirflowApi, dag_id: str, run_id: str, timeout: float = 900) -> str:
    deadline = time.monotonic() + timeout
    state = "queued"
    while time.monotonic() < deadline:
        response = api.client.get(f"/api/v2/dags/{dag_id}/dagRuns/{run_id}")
        response.raise_for_status()
        state = response.json()["state"]
        if state in ("success", "failed"):
            return state
        time.sleep(3)
    return state


def wait_for_dag(api: AirflowApi, dag_id: str, timeout: float = 300) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if api.client.get(f"/api/v2/dags/{dag_id}").status_code == 200:
            return
        time.sleep(2)
    raise AssertionError(f"{dag_id} not parsed within {timeout} s")


def test_collect_and_year_end_run_on_the_celery_worker(celery_stack, campaign):
    settings, base_url, queue = celery_stack
    assert "celery-worker" in stack.running(settings)
    accounts = json.loads((settings.home / "ui-accounts.json").read_text(encoding="utf-8"))
    user = next(name for name, account in accounts.items() if account["role"] in ("office", "admin"))
    api = AirflowApi(base_url, user, accounts[user]["password"])
    for dag_id in ("collect_submissions", "year_end_assessment"):
        wait_for_dag(api, dag_id)

    collect_run = trigger(api, "collect_submissions")
    assert wait_for_run(api, "collect_submissions", collect_run) == "success"

    started = dt.datetime.now(dt.UTC)
    conf = {"campaign": campaign.code, "year": campaign.year, "data_cutoff": campaign.data_cutoff.isoformat()}
    year_end_run = trigger(api, "year_end_assessment", conf)
    pending = api.wait_for_pending("year_end_assessment", timeout=900, since=started)
    assert pending.run_id == year_end_run
    drafts = list((settings.reports_dir / campaign.code).glob("*征求意见稿*.docx"))
    assert drafts, "the draft report is written before the approval"
    answer = api.answer(pending, approve=True, comment="Celery 测试:批准")
    assert answer["chosen_options"] == ["批准"]
    assert wait_for_run(api, "year_end_assessment", year_end_run) == "success"
    assert list((settings.reports_dir / campaign.code).glob("*定稿*.docx"))

    worker_log = (settings.home / "stack" / "celery-worker.log").read_text(encoding="utf-8")
    for dag_id, run_id in (("collect_submissions", collect_run), ("year_end_assessment", year_end_run)):
        instances = api.task_instances(dag_id, run_id)
        ran = [ti for ti in instances if ti["state"] == "success"]
        assert ran and all(ti["queue"] == queue for ti in ran), [(ti["task_id"], ti["queue"]) for ti in ran]
        for ti in ran:
            assert f"task_id='{ti['task_id']}'" in worker_log, ti["task_id"]
    assert "Executing workload in Celery" in worker_log
