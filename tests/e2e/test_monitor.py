"""Monitoring a campaign: on time, late, rejected-only and missing units in SQL, in the summary workbook,
in the reminders, in the Airflow grid of monitor_submissions, and the admins' e-mail through a real
(local) SMTP server. Files are received with a chosen clock (``collect.archive(now=…)``), everything else
is the production path: real files, GX, the warehouse and Airflow itself."""

from __future__ import annotations

import datetime as dt
import shutil
import socket
import time
from dataclasses import asdict
from email.header import decode_header, make_header
from pathlib import Path

import pytest
import yaml
from docx import Document
from helpers import filled_form
from openpyxl import load_workbook
from render_check import ascii_marks
from sqlalchemy import create_engine, text

from planeval.catalog import load_catalog
from planeval.intake.inbox import discover_inbox_files
from planeval.settings import DEFAULT_CATALOG, get_settings
from planeval.stages import collect, context, monitor, setup
from planeval.ui import airflow_runner

CAMPAIGN = "monitor_test"
PASS = "monitor-test-pass"
DUE = dt.date(2025, 6, 16)
AS_OF = "2025-06-20"
BEIJING = dt.timezone(dt.timedelta(hours=8))


@pytest.fixture
def test_catalog(tmp_path, monkeypatch) -> Path:
    """海安's catalog with one test campaign: the 附件3/4 tables due 2025-06-16 from the responsible units."""
    folder = tmp_path / "catalog"
    shutil.copytree(DEFAULT_CATALOG, folder)
    campaign = {
        "code": CAMPAIGN,
        "name": "报送监测测试",
        "year": 2025,
        "plans": ["safety", "emergency"],
        "data_cutoff": "2024-12-31",
        "opens": "2025-06-01",
        "follow_up_days": 10,
        "notice": "测试通知",
        "deadlines": [{"form": "indicator_table", "due": DUE.isoformat(), "units": "responsible"}],
    }
    (folder / "campaigns.yaml").write_text(yaml.safe_dump([campaign], allow_unicode=True), encoding="utf-8")
    monkeypatch.setenv("PLANEVAL_CATALOG", str(folder))
    return folder


def _received_at(settings, unit: str, source: Path, when: dt.datetime) -> dict:
    """Drop a file and take it in as if the pass ran at ``when`` (Beijing time)."""
    shutil.copyfile(source, settings.inbox(unit) / source.name)
    (found,) = discover_inbox_files(settings, [unit], settle_seconds=0)
    return collect.archive(asdict(found), PASS, now=when.astimezone(dt.UTC))


@pytest.fixture
def mixed_campaign(home, test_catalog, tmp_path) -> dict:
    """emergency on time, fire_rescue late, transport rejected only, every other responsible unit missing."""
    setup.init_units(CAMPAIGN)
    settings = get_settings()
    catalog = load_catalog(test_catalog)
    campaign = catalog.campaign(CAMPAIGN)
    on_time = filled_form(catalog, campaign, "emergency", tmp_path)
    late = filled_form(catalog, campaign, "fire_rescue", tmp_path)
    rejected = tmp_path / "交通局报表.xlsx"
    rejected.write_bytes(b"not a workbook at all")
    received = [
        _received_at(settings, "emergency", on_time, dt.datetime(2025, 6, 10, 9, 0, tzinfo=BEIJING)),
        _received_at(settings, "fire_rescue", late, dt.datetime(2025, 6, 18, 23, 58, tzinfo=BEIJING)),
        _received_at(settings, "transport", rejected, dt.datetime(2025, 6, 12, 15, 0, tzinfo=BEIJING)),
    ]
    summary = collect.validate_and_record(received, context.select(CAMPAIGN), PASS)
    statuses = {s["unit_code"]: s["status"] for s in summary}
    assert statuses == {"emergency": "accepted", "fire_rescue": "accepted", "transport": "rejected"}
    expected_units = {u.code for u in catalog.units if "indicator_table" in catalog.expected_forms(campaign, u)}
    return {"catalog": catalog, "expected_units": expected_units}


def test_statuses_summary_and_reminders(mixed_campaign, home):
    result = monitor.monitor_campaign(CAMPAIGN, AS_OF)
    by_unit = {u["unit_code"]: u["status"] for u in result["units"]}
    assert set(by_unit) == mixed_campaign["expected_units"]
    assert by_unit["emergency"] == "done"
    assert by_unit["fire_rescue"] == "late"
    assert by_unit["transport"] == "rejected_only"
    missing = {code for code, status in by_unit.items() if status == "missing"}
    assert missing == mixed_campaign["expected_units"] - {"emergency", "fire_rescue", "transport"}

    engine = create_engine(f"sqlite:///{home / 'warehouse.db'}")
    with engine.connect() as connection:
        totals = connection.execute(
            text(
                "SELECT expected, received, on_time, late, rejected_only, missing FROM completeness"
                " WHERE campaign_code = :c AND as_of = :d AND unit_kind = '合计'"
            ),
            {"c": CAMPAIGN, "d": AS_OF},
        ).one()
    engine.dispose()
    expected = len(mixed_campaign["expected_units"])
    assert tuple(totals) == (expected, 2, 1, 1, 1, expected - 3)

    workbook = load_workbook(monitor.write_monitor_summary(context.select(CAMPAIGN), AS_OF))
    summary_rows = [[c.value for c in row] for row in workbook["汇总"].iter_rows(min_row=3)]
    total_row = next(r for r in summary_rows if r[1] == "合计")
    assert total_row[2:8] == [expected, 2, 1, 1, 1, expected - 3]
    detail = {row[0]: row for row in workbook["明细"].iter_rows(min_row=2, values_only=True)}
    assert detail["emergency"][5] == "按时报送" and detail["fire_rescue"][5] == "逾期报送"
    assert detail["transport"][5] == "仅有退回版本" and detail["transport"][6] == "是"
    assert detail["fire_rescue"][8] == "2025-06-18 23:58"

    reminders = monitor.write_reminders(context.select(CAMPAIGN), AS_OF)
    assert len(reminders) == expected - 2  # the missing units and the rejected one
    transport = next(Path(p) for p in reminders if "市交通运输局" in p)
    body = ascii_marks("\n".join(p.text for p in Document(str(transport)).paragraphs))
    assert "市交通运输局:" in body and "测试通知" in body
    assert "已报送1次,均未通过校验(最近一次退回原因:文件无法读取" in body and "已逾期4天" in body
    assert (home / "drop" / "transport" / "notices" / transport.name).exists()
    assert not any("市应急管理局" in p or "市消防救援大队" in p for p in reminders)
    assert "市交通运输局" in monitor.overdue_units(context.select(CAMPAIGN), AS_OF)


def test_before_the_deadline_nobody_is_overdue_and_later_uploads_do_not_count(mixed_campaign):
    result = monitor.monitor_campaign(CAMPAIGN, "2025-06-15")
    by_unit = {u["unit_code"]: u["status"] for u in result["units"]}
    assert by_unit["emergency"] == "done"
    assert by_unit["fire_rescue"] == "missing"  # its upload came on the 18th
    assert monitor.overdue_units(context.select(CAMPAIGN), "2025-06-15") == []


def test_only_open_campaigns_are_monitored(mixed_campaign):
    assert monitor.monitor_campaign(None, "2025-05-01")["campaign"] is None  # before it opens
    assert monitor.monitor_campaign(None, "2025-06-20")["campaign"] == CAMPAIGN
    assert monitor.monitor_campaign(None, "2025-07-01")["campaign"] is None  # 10 follow-up days are over


def _task_states(env: dict[str, str], dag_id: str) -> dict[tuple[str, str], str]:
    """(task id, unit name) → state; a mapped task that never ran (skipped or upstream failed) carries no
    rendered name, so every row of the unit group is named after the unit's `received` task."""
    engine = create_engine(env["AIRFLOW__DATABASE__SQL_ALCHEMY_CONN"])
    with engine.connect() as connection:
        rows = connection.execute(
            text("SELECT task_id, map_index, rendered_map_index, state FROM task_instance WHERE dag_id = :dag_id"),
            {"dag_id": dag_id},
        ).all()
    engine.dispose()
    names = {index: name for task_id, index, name, _ in rows if task_id == "unit.received"}
    return {(task_id, names.get(index, str(index))): state for task_id, index, _, state in rows}


@pytest.mark.e2e
def test_monitor_dag_shows_four_states_and_mails_the_admins(mixed_campaign, home, monkeypatch):
    from aiosmtpd.controller import Controller
    from aiosmtpd.handlers import Message

    class Inbox(Message):
        def __init__(self) -> None:
            super().__init__()
            self.messages = []

        def handle_message(self, message) -> None:
            self.messages.append(message)

    with socket.socket() as probe:  # a free port for the local SMTP server
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    inbox = Inbox()
    server = Controller(inbox, hostname="127.0.0.1", port=port)
    server.start()
    try:
        monkeypatch.setenv("PLANEVAL_ADMIN_EMAILS", "admin@anweiban.example")
        monkeypatch.setenv(
            "AIRFLOW_CONN_SMTP_DEFAULT",
            f"smtp://127.0.0.1:{port}?disable_ssl=true&disable_tls=true&from_email=planeval%40anweiban.example",
        )
        settings = get_settings()
        log = home / "logs" / "monitor.log"
        log.parent.mkdir(parents=True, exist_ok=True)
        env = airflow_runner.prepare(settings, log)
        state = airflow_runner.run_dag("monitor_submissions", env, log, {"campaign": CAMPAIGN, "as_of": AS_OF})
        for _ in range(50):  # the SMTP handler runs in its own thread
            if inbox.messages:
                break
            time.sleep(0.1)
    finally:
        server.stop()

    assert state == "failed", log.read_text(encoding="utf-8")[-3000:]  # a deadline passed with units missing
    states = _task_states(env, "monitor_submissions")
    assert states[("unit.received", "市应急管理局")] == "success"
    assert states[("unit.on_time", "市应急管理局")] == "success"
    assert states[("unit.received", "市消防救援大队")] == "success"
    assert states[("unit.on_time", "市消防救援大队")] == "failed"
    assert states[("unit.received", "市交通运输局")] == "failed"
    assert states[("unit.on_time", "市交通运输局")] == "upstream_failed"
    assert states[("unit.received", "市气象局")] == "skipped"
    assert states[("unit.on_time", "市气象局")] == "skipped"
    assert states[("write_summary", "-1")] == "success"
    assert states[("write_reminders", "-1")] == "success"
    assert states[("escalate_overdue", "-1")] == "failed"

    assert (home / "reports" / CAMPAIGN / "monitor" / f"报送情况统计_{AS_OF}.xlsx").exists()
    assert len(list((home / "reports" / CAMPAIGN / "reminders").glob("*.docx"))) >= 2
    (mail,) = inbox.messages
    assert mail["To"] == "admin@anweiban.example"
    assert str(make_header(decode_header(mail["Subject"]))) == "【报送监测】截止日期已过,仍有单位未报送"
    payload = "".join(part.get_payload(decode=True).decode("utf-8") for part in mail.walk() if not part.is_multipart())
    assert "市交通运输局" in payload and "市气象局" in payload
