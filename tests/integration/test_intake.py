"""Intake a department can trust: half-written files wait, every upload is a version, re-uploads are
recognised, hundreds of files go in one pass and a bad one never blocks the rest. Real files, real GX,
real warehouse."""

from __future__ import annotations

import json
import shutil
import threading
import time
from pathlib import Path

import pytest
from helpers import filled_form, header_column, row_of
from sqlalchemy import create_engine, text

from planeval.intake.archive import FileNotSettled, fingerprint
from planeval.intake.inbox import discover_inbox_files
from planeval.settings import get_settings
from planeval.stages import collect, year_end
from planeval.ui.cli import main


def _rows(home: Path, query: str, **params) -> list[tuple]:
    engine = create_engine(f"sqlite:///{home / 'warehouse.db'}")
    with engine.connect() as connection:
        rows = [tuple(row) for row in connection.execute(text(query), params)]
    engine.dispose()
    return rows


def _slow_copy(source: Path, target: Path, chunks: int, pause: float) -> None:
    """A department's copy over a slow share: the file grows in pieces."""
    data = source.read_bytes()
    step = len(data) // chunks + 1
    with target.open("wb") as handle:
        for start in range(0, len(data), step):
            handle.write(data[start : start + step])
            handle.flush()
            time.sleep(pause)


def test_a_file_still_being_written_is_left_until_it_settles(inboxes, catalog, campaign, tmp_path):
    source = filled_form(catalog, campaign, "emergency", tmp_path)
    target = inboxes / "emergency" / "inbox" / "应急局.xlsx"
    writer = threading.Thread(target=_slow_copy, args=(source, target, 12, 0.1))
    writer.start()
    time.sleep(0.15)
    settings = get_settings()
    assert discover_inbox_files(settings, ["emergency"], settle_seconds=0.3) == []  # growing between looks
    writer.join()
    (ready,) = discover_inbox_files(settings, ["emergency"], settle_seconds=0.3)
    assert ready.size_bytes == source.stat().st_size
    received = collect.archive(vars(ready) | {"unit_name": "市应急管理局"}, "pass-1")
    summary = collect.validate_and_record([received], pass_id="pass-1")
    assert [s["status"] for s in summary] == ["accepted"]
    assert not target.exists()


def test_a_file_that_changes_after_discovery_is_not_archived(inboxes, catalog, campaign, tmp_path):
    source = filled_form(catalog, campaign, "emergency", tmp_path)
    target = inboxes / "emergency" / "inbox" / "应急局.xlsx"
    shutil.copyfile(source, target)
    settings = get_settings()
    (found,) = discover_inbox_files(settings, ["emergency"], settle_seconds=0)
    with target.open("ab") as handle:  # the copy was still going on
        handle.write(b"more bytes")
    with pytest.raises(FileNotSettled):
        fingerprint(found)
    assert collect.archive(vars(found), "pass-1")["skipped"]
    assert target.exists() and not list((settings.archive_dir).rglob("*.xlsx"))


def test_lock_temp_and_partial_files_are_never_taken(inboxes):
    inbox = inboxes / "water" / "inbox"
    for name in ("~$报表.xlsx", "报表.xlsx.tmp", "报表.xlsx.part", ".~lock.报表.xlsx#", "下载.crdownload"):
        (inbox / name).write_bytes(b"partial")
    (inbox / "子文件夹").mkdir()
    assert discover_inbox_files(get_settings(), ["water"], settle_seconds=0) == []


def test_hundreds_of_files_in_one_pass_bad_ones_never_block(inboxes, home, catalog, campaign, tmp_path):
    good = filled_form(catalog, campaign, "fire_rescue", tmp_path)
    units = [u.code for u in catalog.units]
    expected = {}
    for number in range(240):
        unit = units[number % len(units)]
        name = f"第{number:03d}份.xlsx"
        target = inboxes / unit / "inbox" / name
        if number % 40 == 0:
            shutil.copyfile(good, target)  # a real form, dropped into whichever folder: it belongs there
        else:
            target.write_bytes(f"garbage {number}".encode())
        expected[(unit, name)] = target.read_bytes()
    summary = collect.run_collect()
    assert len(summary) == 240
    assert sum(s["status"] == "rejected" for s in summary) >= 234
    for (unit, name), data in expected.items():
        receipt = json.loads((inboxes / unit / "receipts" / f"{name}.json").read_text(encoding="utf-8"))
        assert receipt["unit"] == unit
        (kept,) = (home / "archive" / unit).glob(f"*_{name}")
        assert kept.read_bytes() == data
    assert not list(inboxes.glob("*/inbox/*.xlsx"))


def _with_value(value: float):
    def edit(workbook) -> None:
        for sheet in (workbook["附件3"], workbook["附件4"]):  # the indicator is in both tables
            row = row_of(sheet, "生产安全事故起数下降(%)")
            sheet.cell(row=row, column=header_column(sheet, "2024年")).value = value

    return edit


def test_reupload_storm_loads_once_and_keeps_every_version(inboxes, home, catalog, campaign, tmp_path):
    first = filled_form(catalog, campaign, "emergency", tmp_path, name="v1.xlsx")
    inbox = inboxes / "emergency" / "inbox"
    for copy in range(15):  # the same file, sent again and again under several names
        shutil.copyfile(first, inbox / f"应急局报表({copy}).xlsx")
    first_pass = collect.run_collect()
    assert sorted(s["status"] for s in first_pass) == ["accepted"] + ["duplicate"] * 14
    assert sorted(s["version"] for s in first_pass) == list(range(1, 16))

    for _ in range(3):  # the storm goes on in the next passes
        shutil.copyfile(first, inbox / "应急局报表(0).xlsx")
        (again,) = collect.run_collect()
        assert again["status"] == "duplicate"
    receipt = json.loads((inboxes / "emergency" / "receipts" / "应急局报表(0).xlsx.json").read_text("utf-8"))
    assert receipt["status"] == "duplicate" and receipt["duplicate_of"]["version"] == 1
    text_receipt = (inboxes / "emergency" / "receipts" / "应急局报表(0).xlsx.txt").read_text("utf-8")
    assert "重复提交" in text_receipt and "与第1版完全相同" in text_receipt
    # one receipt per upload kept in the history, never overwritten
    assert len(list((inboxes / "emergency" / "receipts" / "history").glob("*.json"))) == 18

    corrected = filled_form(catalog, campaign, "emergency", tmp_path, name="v2.xlsx", edit=_with_value(17.2))
    shutil.copyfile(corrected, inbox / "应急局报表(修改).xlsx")
    (latest,) = collect.run_collect()
    assert latest["status"] == "accepted" and latest["version"] == 19

    assert len(list((home / "archive" / "emergency").iterdir())) == 19  # every upload archived
    staged = _rows(home, "SELECT COUNT(DISTINCT submission_id) FROM submission_value")
    assert staged == [(2,)]  # the original and the correction; duplicates never loaded
    accepted = _rows(
        home,
        "SELECT version, superseded_by IS NULL FROM submission WHERE status = 'accepted' ORDER BY version",
    )
    assert accepted == [(1, False), (19, True)]
    year_end.refresh_results()
    value = _rows(
        home, "SELECT value FROM indicator_result_value WHERE indicator_code = 'accident_count_decline' AND year = 2024"
    )
    assert value == [(17.2,)]


def test_history_prints_the_audit_trail(inboxes, catalog, campaign, tmp_path, capsys):
    first = filled_form(catalog, campaign, "transport", tmp_path)
    inbox = inboxes / "transport" / "inbox"
    shutil.copyfile(first, inbox / "交通局.xlsx")
    collect.run_collect()
    shutil.copyfile(first, inbox / "交通局.xlsx")
    collect.run_collect()
    assert main(["history", "transport"]) == 0
    out = capsys.readouterr().out
    assert "transport 报送记录(共 2 次上传)" in out
    assert "| v1 | 交通局.xlsx |" in out and "| 受理 |" in out
    assert "| v2 | 交通局.xlsx |" in out and "| 重复提交 |" in out
    assert main(["history", "transport", "--json"]) == 0
    rows = json.loads(capsys.readouterr().out)
    assert [(r["version"], r["status"]) for r in rows] == [(1, "accepted"), (2, "duplicate")]
    assert rows[1]["duplicate_of"] == rows[0]["submission_id"]


def test_twins_as_documented_rejected_in_the_same_pass_or_superseded_are_not_read_again(
    inboxes, catalog, campaign, tmp_path
):
    """docs/intake-and-monitoring.md, “Versions and the audit trail”: a twin of a file earlier in the same
    pass is 重复提交 even when that file is rejected; a twin of a rejected file from an earlier pass is read
    again; a twin of an accepted version is 重复提交 even after a newer version superseded it."""
    inbox = inboxes / "emergency" / "inbox"
    bad = filled_form(catalog, campaign, "emergency", tmp_path, name="bad.xlsx", edit=_with_value("#DIV/0!"))
    shutil.copyfile(bad, inbox / "a.xlsx")
    shutil.copyfile(bad, inbox / "b.xlsx")
    assert sorted(s["status"] for s in collect.run_collect()) == ["duplicate", "rejected"]
    shutil.copyfile(bad, inbox / "a.xlsx")
    assert [s["status"] for s in collect.run_collect()] == ["rejected"]  # read again, rejected again

    first = filled_form(catalog, campaign, "emergency", tmp_path, name="v1.xlsx")
    second = filled_form(catalog, campaign, "emergency", tmp_path, name="v2.xlsx", edit=_with_value(17.2))
    for source in (first, second):
        shutil.copyfile(source, inbox / source.name)
        assert [s["status"] for s in collect.run_collect()] == ["accepted"]
    shutil.copyfile(first, inbox / "v1(再次).xlsx")
    (again,) = collect.run_collect()
    assert again["status"] == "duplicate"  # v1 stays superseded: the figures in force are v2's
