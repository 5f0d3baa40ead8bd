"""`planeval up` / `planeval down`: the long-running local Airflow on SQLite, on a free port in a temporary
PLANEVAL_HOME: healthy, the DAGs listed through the REST API as the generated account, a second `up` says it
runs, `down` leaves no process of the stack behind and a second `down` does nothing."""

from __future__ import annotations

import json
import socket

import httpx
import pytest

from planeval.settings import get_settings
from planeval.ui import stack

pytestmark = pytest.mark.e2e

DAGS = {"collect_submissions", "monitor_submissions", "refresh_indicator_tables", "year_end_assessment"}


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


@pytest.fixture
def stack_ports(monkeypatch: pytest.MonkeyPatch) -> int:
    """The UI's port and the log servers' ports, all free (other Airflows may run on this machine)."""
    port = free_port()
    monkeypatch.setenv("PLANEVAL_UI_PORT", str(port))
    monkeypatch.setenv("AIRFLOW__LOGGING__WORKER_LOG_SERVER_PORT", str(free_port()))
    monkeypatch.setenv("AIRFLOW__LOGGING__TRIGGER_LOG_SERVER_PORT", str(free_port()))
    monkeypatch.delenv("AIRFLOW_HOME", raising=False)
    return port


def token(base_url: str, accounts_file) -> dict[str, str]:
    accounts = json.loads(accounts_file.read_text(encoding="utf-8"))
    user = next(name for name, account in accounts.items() if account["role"] in ("office", "admin"))
    response = httpx.post(
        f"{base_url}/auth/token", json={"username": user, "password": accounts[user]["password"]}, timeout=30
    )
    response.raise_for_status()
    return {"Authorization": f"Bearer {response.json()['access_token']}"}


def wait_for_dags(base_url: str, headers: dict[str, str], timeout: float = 300) -> set[str]:
    import time

    deadline = time.monotonic() + timeout
    found: set[str] = set()
    while time.monotonic() < deadline and not DAGS <= found:
        response = httpx.get(f"{base_url}/api/v2/dags", headers=headers, timeout=30)
        response.raise_for_status()
        found = {dag["dag_id"] for dag in response.json()["dags"]}
        time.sleep(2)
    return found


def test_up_serves_the_dags_and_down_stops_every_process(home, stack_ports, capsys):
    settings = get_settings()
    base_url = f"http://localhost:{stack_ports}"
    stack.up(settings)
    try:
        started = stack.running(settings)
        assert set(started) == {"api-server", "scheduler", "dag-processor", "triggerer"}
        out = capsys.readouterr().out
        assert base_url in out and str(home / "ui-accounts.json") in out
        assert "首次启动" in out  # the demo inbox, seeded once
        assert list((home / "drop").glob("*/inbox/*.xlsx"))

        report = stack.health(base_url)
        assert report and all(report[k]["status"] == "healthy" for k in ("metadatabase", "scheduler", "triggerer"))
        assert report["dag_processor"]["status"] == "healthy"
        assert wait_for_dags(base_url, token(base_url, home / "ui-accounts.json")) >= DAGS

        stack.up(settings)  # already up: says so, starts nothing
        assert "已在运行" in capsys.readouterr().out
        assert stack.running(settings) == started
        sessions = list(started.values())
    finally:
        stack.down(settings)
    stopped = capsys.readouterr().out
    print(stopped)  # shown with -rP: which processes, and whether any had to be killed
    assert "已停止" in stopped, stopped
    assert stack.running(settings) == {}
    assert not [pid for session in sessions for pid in stack._session_members(session)]
    assert not list((home / "stack").glob("*.pid"))
    assert stack.health(base_url) is None

    stack.down(settings)  # nothing runs: a no-op
    assert "未在运行" in capsys.readouterr().out
