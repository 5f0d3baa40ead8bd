"""The 报送情况 pages (planeval.ui.board) mounted at /planeval as the api-server mounts them, on a demo
collection: who sees what, downloads confined to their folders, uploads through the intake path.

The Airflow login is replaced by a fixed user (the ``current_user`` dependency overridden); one test runs the
real resolver on a request without a token.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from helpers import demo_in_home, filled_form

from planeval.settings import REPO_ROOT
from planeval.stages import collect, setup
from planeval.ui import board, board_access
from planeval.ui.board_access import ViewerKind, viewer_of
from planeval.ui.demo import fill_form, load_demo_spec

OFFICE = SimpleNamespace(username="office", roles=[SimpleNamespace(name="planeval_office")])
ADMIN = SimpleNamespace(username="admin", roles=[SimpleNamespace(name="planeval_admin")])
EMERGENCY = SimpleNamespace(username="emergency", roles=[SimpleNamespace(name="planeval_unit")])
HOUSING = SimpleNamespace(username="housing", roles=[SimpleNamespace(name="planeval_unit")])


def client_as(user: Any | None) -> TestClient:
    """The board mounted at /planeval under a parent app, logged in as ``user`` (None: the real resolver)."""
    app = board.create_app()
    if user is not None:
        app.dependency_overrides[board_access.current_user] = lambda: user
    root = FastAPI()
    root.mount("/planeval", app)
    return TestClient(root, base_url="http://airflow.local")


@pytest.fixture(scope="module")
def demo(tmp_path_factory) -> Iterator[dict[str, Any]]:
    """One demo collection; 市气象局's only table is spoiled (退回待改); a few report files."""
    root = tmp_path_factory.mktemp("board")
    monkeypatch, _selection, settings, catalog, campaign = demo_in_home(root)
    try:
        inbox = settings.inbox("meteorology")
        for path in inbox.glob("*.xlsx"):
            if "联系人" not in path.name:
                path.unlink()
        meteorology = catalog.unit("meteorology")
        form = next((settings.forms_dir / "meteorology").glob("*.xlsx"))
        spec = load_demo_spec(catalog)
        fill_form(catalog, campaign, meteorology, form, inbox / "市气象局_错误报送.xlsx", spec, spoil=True)
        collect.run_collect()
        folder = settings.reports_dir / campaign.code
        (folder / "反馈函").mkdir(parents=True)
        for name in ("海安市评估报告(征求意见稿).docx", "海安市评估报告(定稿).docx", "反馈函/市应急管理局_反馈函.docx"):
            (folder / name).write_bytes(b"PK-demo")
        (root / "secret.txt").write_text("secret", encoding="utf-8")
        (folder / "link.docx").symlink_to(root / "secret.txt")
        yield {"settings": settings, "catalog": catalog, "campaign": campaign, "root": root}
    finally:
        monkeypatch.undo()


@pytest.fixture
def as_demo(demo, monkeypatch: pytest.MonkeyPatch) -> dict[str, Any]:
    """The demo's environment for the test (the module fixture undoes its own when the module ends)."""
    monkeypatch.setenv("PLANEVAL_HOME", str(demo["settings"].home))
    monkeypatch.delenv("PLANEVAL_DB_URL", raising=False)
    monkeypatch.delenv("PLANEVAL_CATALOG", raising=False)
    return demo


def test_viewer_of_roles_and_unit_accounts(catalog):
    from airflow.api_fastapi.auth.managers.simple.user import SimpleAuthManagerUser

    assert viewer_of(OFFICE).kind == ViewerKind.OFFICE
    assert viewer_of(SimpleAuthManagerUser(username="x", role="planeval_admin")).kind == ViewerKind.ADMIN
    unit = viewer_of(EMERGENCY, catalog)
    assert unit is not None and (unit.kind, unit.unit_code) == (ViewerKind.UNIT, "emergency")
    assert viewer_of(SimpleNamespace(username="nobody", roles=[SimpleNamespace(name="planeval_unit")]), catalog) is None
    assert viewer_of(SimpleNamespace(username="viewer", roles=[SimpleNamespace(name="Viewer")])) is None


def test_real_resolver_rejects_a_request_without_token(as_demo):
    client = client_as(None)
    answer = client.get("/planeval/board.json")
    assert answer.status_code == 401 and "未登录" in answer.json()["detail"]
    page = client.get("/planeval/board", headers={"accept": "text/html"}, follow_redirects=False)
    assert page.status_code == 303 and page.headers["location"] == "/auth/login/?next=/planeval/board"
    assert client.post("/planeval/upload", files={"file": ("a.xlsx", b"x")}).status_code == 401


def test_office_sees_every_unit_by_name_with_states(as_demo):
    catalog = as_demo["catalog"]
    client = client_as(OFFICE)
    data = client.get("/planeval/board.json").json()
    units = {row["unit_code"]: row for row in data["units"]}
    assert len(units) == len(catalog.units) and data["campaign"] == "haian_2025_summary"
    assert units["ethnic_religious"]["label"] == "未报送" and units["ethnic_religious"]["last_file"] is None
    assert units["meteorology"]["label"] == "退回待改" and units["meteorology"]["reasons"]
    assert units["emergency"]["label"] in ("按时", "逾期") and units["emergency"]["receipt"]
    assert re.fullmatch(r"\d{4}-\d\d-\d\d \d\d:\d\d", units["emergency"]["last_time"])
    counts = data["counts"]
    assert counts["应报"] == len(catalog.units) and counts["未报送"] == 3 and counts["退回待改"] == 1
    assert counts["已报"] == counts["应报"] - 4
    page = client.get("/planeval/board")
    assert page.status_code == 200
    assert all(unit.name in page.text for unit in catalog.units)
    assert "市气象局" in page.text and "退回待改" in page.text and "应报" in page.text
    assert client_as(ADMIN).get("/planeval/board.json").json()["counts"] == counts


def test_unit_sees_only_its_own_row(as_demo):
    client = client_as(EMERGENCY)
    data = client.get("/planeval/board.json").json()
    assert [row["unit_code"] for row in data["units"]] == ["emergency"] and data["counts"] is None
    page = client.get("/planeval/board")
    assert page.status_code == 200 and "市应急管理局" in page.text and "市气象局" not in page.text
    assert 'action="/planeval/upload"' in page.text


def test_receipts_only_for_the_unit_itself(as_demo):
    own = client_as(EMERGENCY).get("/planeval/board.json").json()["units"][0]
    receipt = f"/planeval/receipts/emergency/{own['receipt']}"
    answer = client_as(EMERGENCY).get(receipt)
    assert answer.status_code == 200 and "报送回执" in answer.content.decode("utf-8")
    assert client_as(HOUSING).get(receipt).status_code == 403
    assert client_as(OFFICE).get(receipt).status_code == 200
    assert client_as(EMERGENCY).get("/planeval/receipts/nowhere/x.txt").status_code == 404


def test_a_rejected_units_annotated_workbook_is_offered_beside_its_receipt(as_demo):
    rows = {row["unit_code"]: row for row in client_as(OFFICE).get("/planeval/board.json").json()["units"]}
    assert rows["meteorology"]["annotated"] == ["市气象局_错误报送.xlsx-批注.xlsx"]
    copy = "/planeval/receipts/meteorology/市气象局_错误报送.xlsx-批注.xlsx"
    answer = client_as(OFFICE).get(copy)
    assert answer.status_code == 200 and answer.content[:2] == b"PK"
    assert client_as(EMERGENCY).get(copy).status_code == 403


def test_units_cannot_open_reports_or_the_summary(as_demo):
    unit = client_as(EMERGENCY)
    assert unit.get("/planeval/reports").status_code == 403
    assert "仅限" in unit.get("/planeval/reports", headers={"accept": "text/html"}).text
    assert unit.get("/planeval/reports/haian_2025_summary/海安市评估报告(定稿).docx").status_code == 403
    assert unit.get("/planeval/summary/haian_2025_summary.xlsx").status_code == 403


def test_office_lists_and_downloads_reports(as_demo):
    client = client_as(OFFICE)
    page = client.get("/planeval/reports")
    assert page.status_code == 200
    assert "征求意见稿" in page.text and "定稿" in page.text and "反馈函" in page.text and "link.docx" not in page.text
    answer = client.get("/planeval/reports/haian_2025_summary/反馈函/市应急管理局_反馈函.docx")
    assert answer.status_code == 200 and answer.content == b"PK-demo"
    summary = client.get("/planeval/summary/haian_2025_summary.xlsx")
    assert summary.status_code == 200 and summary.content[:2] == b"PK"


@pytest.mark.parametrize(
    "path",
    [
        "/planeval/reports/haian_2025_summary/..%2F..%2Fwarehouse.db",
        "/planeval/reports/haian_2025_summary/%2E%2E/%2E%2E/warehouse.db",
        "/planeval/reports/haian_2025_summary/link.docx",
        "/planeval/reports/nope/海安市评估报告(定稿).docx",
        "/planeval/reports/haian_2025_summary/.hidden",
        "/planeval/receipts/emergency/..",
        "/planeval/receipts/emergency/%2E%2E%2Fhistory",
        "/planeval/reminders/haian_2025_summary/..",
    ],
)
def test_path_traversal_is_rejected(as_demo, path):
    answer = client_as(OFFICE).get(path)
    assert answer.status_code == 404, answer.text
    assert b"secret" not in answer.content and b"SQLite" not in answer.content


def test_upload_lands_in_the_inbox_and_is_collected(home, catalog, campaign, tmp_path):
    setup.init_units(campaign.code)
    source = filled_form(catalog, campaign, "emergency", tmp_path)
    client = client_as(EMERGENCY)
    answer = client.post("/planeval/upload", files={"file": ("../应急局 报表.xlsx", source.read_bytes())})
    assert answer.status_code == 201, answer.text
    stored = answer.json()["file"]
    inbox = home / "drop" / "emergency" / "inbox"
    assert stored == "应急局 报表.xlsx" and [p.name for p in inbox.iterdir()] == [stored]
    again = client.post("/planeval/upload", files={"file": ("应急局 报表.xlsx", b"second")})
    assert again.json()["file"] == "应急局 报表(2).xlsx" and (inbox / stored).read_bytes() == source.read_bytes()
    (inbox / "应急局 报表(2).xlsx").unlink()
    summary = collect.run_collect()
    assert [(s["unit_code"], s["status"]) for s in summary] == [("emergency", "accepted")]
    receipt = json.loads((home / "drop" / "emergency" / "receipts" / f"{stored}.json").read_text(encoding="utf-8"))
    assert receipt["status"] == "accepted" and not any(inbox.iterdir())


def test_upload_refusals(home, campaign):
    setup.init_units(campaign.code)
    assert client_as(OFFICE).post("/planeval/upload", files={"file": ("a.xlsx", b"x")}).status_code == 403
    unit = client_as(EMERGENCY)
    assert unit.post("/planeval/upload", files={"file": ("a.exe", b"x")}).status_code == 400
    assert unit.post("/planeval/upload", files={"file": ("a.xlsx", b"")}).status_code == 400
    foreign = unit.post("/planeval/upload", files={"file": ("a.xlsx", b"x")}, headers={"origin": "http://evil.example"})
    assert foreign.status_code == 403
    assert not any((home / "drop" / "emergency" / "inbox").iterdir())


def test_plugin_registers_the_app_and_imports_cheaply(tmp_path):
    probe = (
        "import sys\n"
        "from airflow import plugins_manager\n"
        "apps, _ = plugins_manager.get_fastapi_plugins()\n"
        "views, _ = plugins_manager._get_ui_plugins()\n"
        "print([a['url_prefix'] for a in apps], sorted(v['href'] for v in views),"
        " 'planeval.ui.board' in sys.modules, 'fastapi' in sys.modules and 'planeval.catalog' in sys.modules)\n"
    )
    env = dict(
        os.environ,
        AIRFLOW_HOME=str(tmp_path / "airflow"),
        AIRFLOW__CORE__PLUGINS_FOLDER=str(REPO_ROOT / "plugins"),
        AIRFLOW__CORE__LOAD_EXAMPLES="False",
    )
    done = subprocess.run([sys.executable, "-c", probe], env=env, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip().splitlines()[-1] == "['/planeval'] ['/planeval/board', '/planeval/reports'] False False"


def test_plugins_folder_holds_only_plugin_files():
    top = sorted(p.name for p in (REPO_ROOT / "plugins").glob("*.py"))
    assert top == ["planeval_board.py"]
    assert Path(REPO_ROOT / "plugins" / ".airflowignore").read_text(encoding="utf-8").splitlines().count("planeval/")
