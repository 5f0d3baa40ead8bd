"""The UI as its three users meet it, in a real browser (Playwright driving Debian's Chromium) against the
long-running local stack (`planeval up`) and the accounts it writes to ui-accounts.json:

- the office logs in, sees every unit of the campaign by name on 报送情况, triggers the year-end run from the
  DAG page's 触发 dialog without touching a field, approves it on the task's 待操作 tab with 意见 left empty
  once the task awaits input, and downloads the final report from 年终评估文件;
- a unit account sees only its own row and uploads a file that lands in its inbox;
- the admin sees the board but may not answer the approval (refused by the API and on the same page)."""

from __future__ import annotations

import datetime as dt
import json
import shutil
import socket
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from planeval.settings import get_settings

pytestmark = pytest.mark.e2e

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


@pytest.fixture(scope="module")
def running(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Any]]:
    """`planeval up` on a temporary home and free ports; `planeval down` afterwards."""
    from planeval.ui import stack

    if not Path(CHROMIUM).exists():
        message = "browser check needs Debian's chromium (system-packages.txt; run: tools/system-deps.sh test)"
        pytest.fail(message) if __import__("os").environ.get("CI") else pytest.skip(message)
    patch = pytest.MonkeyPatch()
    home = tmp_path_factory.mktemp("stack") / "home"
    port = _free_port()
    patch.setenv("PLANEVAL_HOME", str(home))
    patch.setenv("PLANEVAL_UI_PORT", str(port))
    patch.setenv("AIRFLOW__LOGGING__WORKER_LOG_SERVER_PORT", str(_free_port()))
    patch.setenv("AIRFLOW__LOGGING__TRIGGER_LOG_SERVER_PORT", str(_free_port()))
    patch.delenv("AIRFLOW_HOME", raising=False)
    patch.delenv("PLANEVAL_DB_URL", raising=False)
    patch.delenv("PLANEVAL_CATALOG", raising=False)
    settings = get_settings()
    try:
        stack.up(settings)
        accounts = json.loads((home / "ui-accounts.json").read_text(encoding="utf-8"))
        yield {"base": f"http://localhost:{port}", "accounts": accounts, "settings": settings}
    finally:
        stack.down(settings)
        patch.undo()


@pytest.fixture(scope="module")
def browser(running: dict[str, Any]) -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        yield launched
        launched.close()


def _login(browser: Any, running: dict[str, Any], username: str) -> Any:
    """A new browser context logged in through the login form as ``username``."""
    context = browser.new_context(locale="zh-CN", timezone_id="Asia/Shanghai")
    page = context.new_page()
    page.goto(f"{running['base']}/auth/login/", wait_until="domcontentloaded")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", running["accounts"][username]["password"])
    page.press("input[name=password]", "Enter")
    page.wait_for_url(lambda url: "/auth/login" not in url, timeout=60_000)
    return page


def _user(running: dict[str, Any], role: str) -> str:
    return next(name for name, account in running["accounts"].items() if account["role"] == role)


def test_the_office_sees_every_unit_by_name(browser: Any, running: dict[str, Any]) -> None:
    from planeval.stages.context import settings_and_catalog

    _, catalog = settings_and_catalog()
    page = _login(browser, running, _user(running, "office"))
    page.goto(f"{running['base']}/planeval/board", wait_until="domcontentloaded")
    rows = page.locator("tr[data-unit]")
    shown = {rows.nth(i).get_attribute("data-unit") for i in range(rows.count())}
    expected = {u.code for u in catalog.units if catalog.expected_forms(catalog.campaign(), u)}
    assert shown == expected
    text = page.inner_text("body")
    assert "市应急管理局" in text and any(state in text for state in ("按时", "逾期", "未报送", "退回待改"))


def test_a_unit_sees_only_itself_and_uploads_into_its_inbox(browser: Any, running: dict[str, Any]) -> None:
    username = "emergency" if "emergency" in running["accounts"] else _user(running, "unit")
    page = _login(browser, running, username)
    page.goto(f"{running['base']}/planeval/board", wait_until="domcontentloaded")
    rows = page.locator("tr[data-unit]")
    assert rows.count() == 1 and rows.first.get_attribute("data-unit") == username
    upload = running["settings"].home / "browser-upload.csv"
    upload.write_text("类别,姓名,联系方式\n安全生产规划,张三,13900000000\n", encoding="utf-8")
    page.set_input_files("input[name=file]", str(upload))
    page.locator("form[action$='/upload'] [type=submit]").click()
    page.wait_for_load_state("domcontentloaded")
    inbox = running["settings"].inbox(username)
    receipts = inbox.parent / "receipts"
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:  # in the inbox, or already collected and receipted
        if any(p.name.endswith(".csv") for p in inbox.iterdir()) or any(
            "browser-upload" in p.name for p in receipts.glob("*")
        ):
            break
        time.sleep(1)
    else:
        raise AssertionError("the uploaded file reached neither the inbox nor a receipt")
    reports = page.request.get(f"{running['base']}/planeval/reports")
    assert reports.status == 403  # the office's documents are not a unit's


def test_the_office_approves_without_a_comment_and_the_admin_may_not(browser: Any, running: dict[str, Any]) -> None:
    """Through Airflow's own pages: the DAG's 触发 dialog submitted as it opens, then the task's 待操作 tab, where
    the admin's 批准 is refused and the office's 批准 (意见 left empty) goes through."""
    import httpx

    from planeval.stages.approval import APPROVE
    from planeval.ui.approval import AirflowApi

    office, admin = _user(running, "office"), _user(running, "admin")
    api = AirflowApi(running["base"], office, running["accounts"][office]["password"])
    since = dt.datetime.now(dt.UTC)
    page = _login(browser, running, office)
    page.goto(f"{running['base']}/dags/year_end_assessment", wait_until="domcontentloaded")
    page.get_by_test_id("trigger-dag-button").click()
    page.get_by_test_id("trigger-dag-submit").click()  # no field touched: the form's defaults
    pending = api.wait_for_pending("year_end_assessment", timeout=900, since=since)
    answer_page = (
        f"{running['base']}/dags/year_end_assessment/runs/{pending.run_id}/tasks/{pending.task_id}/required_actions"
    )

    other = AirflowApi(running["base"], admin, running["accounts"][admin]["password"])
    with pytest.raises(httpx.HTTPStatusError) as refused:
        other.answer(pending, approve=True, comment="")
    assert refused.value.response.status_code in (401, 403)
    admin_page = _login(browser, running, admin)
    admin_page.goto(answer_page, wait_until="domcontentloaded")
    admin_button = admin_page.get_by_test_id(f"hitl-option-{APPROVE}")
    if admin_button.count():  # shown to the admin at all: the answer is refused
        if admin_button.is_enabled():
            admin_button.click()
            admin_page.wait_for_timeout(3000)
        assert api.task_instance(pending)["state"] == "awaiting_input"

    page.goto(answer_page, wait_until="domcontentloaded")
    approve = page.get_by_test_id(f"hitl-option-{APPROVE}")
    approve.wait_for(timeout=60_000)
    assert approve.is_enabled()  # 意见 may stay empty for 批准
    approve.click()
    deadline = time.monotonic() + 600
    while time.monotonic() < deadline:
        state = api.runs("year_end_assessment", since)[0]["state"]
        if state in ("success", "failed"):
            break
        time.sleep(3)
    if state != "success":  # say which task failed and why, not only that the run did
        raise AssertionError(f"the year-end run ended {state}: {api.failure('year_end_assessment', since)}")
    page.goto(f"{running['base']}/planeval/reports", wait_until="domcontentloaded")
    link = page.locator("a", has_text="定稿").first  # the href is percent-encoded; the text is the file name
    href = link.get_attribute("href") or ""
    download = page.request.get(href if href.startswith("http") else f"{running['base']}{href}")
    assert download.status == 200 and download.body()[:2] == b"PK"  # a .docx, from the browser's session
