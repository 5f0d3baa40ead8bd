"""Clearing and re-running a task is harmless: every collect and year-end stage function, called twice for the
same pass (an Airflow run id), finishes without error, reports what it did the first time and adds no row."""

from __future__ import annotations

import logging
import shutil

import pytest
from helpers import filled_form
from sqlalchemy import create_engine, text

from planeval.stages import collect, context, monitor, setup, year_end

PASS = "manual__2025-06-20T08:00:00+00:00"
TABLES = (
    "intake_claim",
    "submission",
    "submission_issue",
    "submission_indicator",
    "submission_value",
    "indicator_result",
    "indicator_result_value",
    "project_result",
    "obligation_status",
)


def _counts(home) -> dict[str, int]:
    engine = create_engine(f"sqlite:///{home / 'warehouse.db'}")
    with engine.connect() as connection:
        return {table: connection.execute(text(f"SELECT count(*) FROM {table}")).scalar_one() for table in TABLES}


@pytest.fixture
def dropped(home, catalog, campaign, tmp_path):
    """Two files in two inboxes: one to accept, one to reject."""
    setup.init_units()
    good = filled_form(catalog, campaign, "emergency", tmp_path / "good")
    shutil.copyfile(good, home / "drop" / "emergency" / "inbox" / "应急局报表.xlsx")
    (home / "drop" / "fire_rescue" / "inbox" / "消防报表.xlsx").write_bytes(b"not a workbook")
    return home


def test_every_collect_task_run_twice_for_one_pass_records_each_file_once(dropped, caplog):
    caplog.set_level(logging.INFO, logger="planeval")
    selection = collect.select_collecting(None)
    assert collect.select_collecting(None) == selection
    found = collect.discover()
    assert len(found) == 2
    archived = [collect.archive(item, PASS) for item in found]
    assert [collect.archive(item, PASS) for item in found] == archived  # cleared before validation
    first = collect.validate_and_record(archived, selection, PASS)
    counts = _counts(dropped)
    assert sorted(item["status"] for item in first) == ["accepted", "rejected"]
    assert counts["submission"] == 2 and counts["intake_claim"] == 2

    again = [collect.archive(item, PASS) for item in found]  # cleared after the run: the inbox copies are gone
    assert again == archived
    second = collect.validate_and_record(again, selection, PASS)
    assert sorted(second, key=lambda s: s["submission_id"]) == sorted(first, key=lambda s: s["submission_id"])
    assert _counts(dropped) == counts
    assert collect.validate_and_record(archived, selection, PASS) == second  # and a third time

    lines = [record.getMessage() for record in caplog.records if record.name == "planeval.stages.collect"]
    assert any(line.startswith("市应急管理局 · 应急局报表.xlsx:已受理(第1版") for line in lines)
    assert any(line.startswith("市消防救援大队 · 消防报表.xlsx:退回(1处错误:") for line in lines)
    assert not any(record.exc_info for record in caplog.records)  # an expected rejection is no traceback


def test_every_year_end_and_monitor_task_run_twice_changes_nothing(dropped):
    collect.run_collect()
    selection = context.select()
    first = year_end.refresh_results(selection)
    assert year_end.refresh_results(selection) == first
    status = monitor.monitor_campaign(selection.campaign, "2025-06-20")
    counts = _counts(dropped)
    assert monitor.monitor_campaign(selection.campaign, "2025-06-20") == status
    assert monitor.write_monitor_summary(selection, "2025-06-20") == monitor.write_monitor_summary(
        selection, "2025-06-20"
    )
    assert monitor.write_reminders(selection, "2025-06-20") == monitor.write_reminders(selection, "2025-06-20")
    assert monitor.overdue_units(selection, "2025-06-20") == monitor.overdue_units(selection, "2025-06-20")
    assert _counts(dropped) == counts


def test_a_bad_form_value_is_refused_in_chinese(home):
    with pytest.raises(KeyError) as unknown:
        context.select("no_such_campaign")
    listed = "目录中没有代码为 no_such_campaign 的评估任务;可选:haian_2025_summary(2025年,总结评估:"
    assert str(unknown.value).startswith(listed)
    with pytest.raises(KeyError, match="年度为 1999"):
        context.select("haian_2025_summary", 1999)
    with pytest.raises(ValueError, match="年度数据截止日期“昨天”不是有效日期"):
        context.select(data_cutoff="昨天")
    with pytest.raises(ValueError, match="检查日期“2025-13-45”不是有效日期"):
        monitor.monitor_campaign(None, "2025-13-45")
