"""预审 (dry run): a file in a unit's ``check/`` folder, or uploaded with 仅预审 ticked, is validated exactly as a
submission would be and answered with a 预审回执 — and leaves no trace in the warehouse, the monitor's figures
or the submissions' archive."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path
from typing import Any

import pytest
from helpers import filled_form, header_column, row_of
from sqlalchemy import Engine, inspect, text

from planeval.settings import get_settings
from planeval.stages import collect, monitor, setup
from planeval.ui.demo import fill_form, load_demo_spec
from planeval.warehouse.db import make_engine

AS_OF = "2025-06-20"


def _row_counts(engine: Engine) -> dict[str, int]:
    """Every warehouse table's row count."""
    with engine.connect() as connection:
        return {
            table: connection.execute(text(f'select count(*) from "{table}"')).scalar_one()
            for table in inspect(engine).get_table_names()
        }


def _files(folder: Path) -> list[str]:
    return sorted(str(p.relative_to(folder)) for p in folder.rglob("*") if p.is_file()) if folder.exists() else []


def _receipt(home: Path, unit: str, name: str) -> dict[str, Any]:
    return json.loads((home / "drop" / unit / "receipts" / f"预审_{name}.json").read_text(encoding="utf-8"))


@pytest.fixture
def accepted(home, catalog, campaign, tmp_path) -> dict[str, Any]:
    """市消防救援支队's table accepted as 第1版, the monitor run once; the warehouse's row counts after it."""
    setup.init_units(campaign.code)
    first = filled_form(catalog, campaign, "fire_rescue", tmp_path, name="v1.xlsx")
    shutil.copyfile(first, home / "drop" / "fire_rescue" / "inbox" / "消防.xlsx")
    (result,) = collect.run_collect()
    assert result["status"] == "accepted"
    statistics = monitor.monitor_campaign(campaign.code, AS_OF)
    engine = make_engine(get_settings().db_url)
    return {"statistics": statistics, "engine": engine, "counts": _row_counts(engine)}


def test_setup_creates_the_check_folder(home, campaign):
    setup.init_units(campaign.code)
    assert (home / "drop" / "emergency" / "check").is_dir()
    assert setup.list_units()[0]["check"].endswith("/check")


def test_a_check_pass_leaves_no_trace_and_answers_with_a_dry_run_receipt(accepted, home, catalog, campaign, tmp_path):
    archive_before = _files(home / "archive")

    def edit(workbook):
        sheet = workbook["附件4"]
        sheet.cell(row=row_of(sheet, "新增专职消防人员"), column=header_column(sheet, "2023年")).value = 95

    changed = filled_form(catalog, campaign, "fire_rescue", tmp_path, name="v2.xlsx", edit=edit)
    shutil.copyfile(changed, home / "drop" / "fire_rescue" / "check" / "消防(更正).xlsx")
    spec = load_demo_spec(catalog)
    form = tmp_path / "blank" / "emergency.xlsx"
    filled_form(catalog, campaign, "emergency", tmp_path)  # writes the blank form too
    spoiled = home / "drop" / "emergency" / "check" / "错.xlsx"
    fill_form(catalog, campaign, catalog.unit("emergency"), form, spoiled, spec, spoil=True)

    assert collect.run_collect() == []  # nothing submitted
    assert _row_counts(accepted["engine"]) == accepted["counts"]
    assert monitor.monitor_campaign(campaign.code, AS_OF) == accepted["statistics"]

    good = _receipt(home, "fire_rescue", "消防(更正).xlsx")
    assert good["dry_run"] is True and good["status"] == "accepted" and good["version"] is None
    changes = [w for w in good["notices"] if w["code"] == "changed_value"]  # a 提示
    assert changes and "与已受理的第1版(90)不同" in changes[0]["message"]  # checked against the accepted version
    readable = (home / "drop" / "fire_rescue" / "receipts" / "预审_消防(更正).xlsx.txt").read_text(encoding="utf-8")
    assert readable.startswith("预审回执\n") and "预审结果:预审通过(正式报送时将予受理)" in readable
    assert "仅预审,未计入报送" in readable and "版本:" not in readable
    bad = _receipt(home, "emergency", "错.xlsx")
    assert bad["status"] == "rejected" and bad["errors"]
    assert "预审未通过" in (home / "drop" / "emergency" / "receipts" / "预审_错.xlsx.txt").read_text(encoding="utf-8")
    assert not (home / "drop" / "fire_rescue" / "receipts" / "消防(更正).xlsx.json").exists()  # no real receipt

    for unit, name, source in (("fire_rescue", "消防(更正).xlsx", changed), ("emergency", "错.xlsx", None)):
        assert not any((home / "drop" / unit / "check").iterdir())
        (kept,) = (home / "archive" / unit / "check").iterdir()
        assert kept.name.endswith(f"_{name}") and not kept.stat().st_mode & 0o222
        if source is not None:
            assert kept.read_bytes() == source.read_bytes()
    archived = [f for f in _files(home / "archive") if "/check/" not in f]
    assert archived == archive_before  # not archived as a submission version
    assert not (home / "data_docs").exists() or all("check" not in f for f in _files(home / "data_docs"))


def test_a_check_file_receipted_before_a_stop_is_released_not_checked_again(
    accepted, home, catalog, campaign, tmp_path
):
    source = filled_form(catalog, campaign, "fire_rescue", tmp_path, name="again.xlsx")
    check = home / "drop" / "fire_rescue" / "check" / "again.xlsx"
    shutil.copyfile(source, check)
    stamp = check.stat().st_mtime_ns
    collect.run_collect()
    history = home / "drop" / "fire_rescue" / "receipts" / "history"
    written = sorted(p.name for p in history.glob("*预审_again.xlsx.*"))
    assert len(written) == 2  # .json and .txt
    shutil.copyfile(source, check)  # as if the pass had stopped before the file left check/
    os.utime(check, ns=(stamp, stamp))
    assert collect.check_files() == []
    assert not check.exists() and sorted(p.name for p in history.glob("*预审_again.xlsx.*")) == written
    assert len(list((home / "archive" / "fire_rescue" / "check").iterdir())) == 1
    assert _row_counts(accepted["engine"]) == accepted["counts"]


def test_check_files_use_the_inbox_guards(home, campaign, tmp_path):
    setup.init_units(campaign.code)
    check = home / "drop" / "emergency" / "check"
    (tmp_path / "secret.xlsx").write_bytes(b"private-bytes")
    (check / "link.xlsx").symlink_to(tmp_path / "secret.xlsx")
    (check / "~$open.xlsx").write_bytes(b"lock")
    (results,) = [collect.check_files()]
    assert [(r["file"], r["status"]) for r in results] == [("link.xlsx", "rejected")]
    receipt = _receipt(home, "emergency", "link.xlsx")
    assert receipt["errors"][0]["code"] == "not_a_file_symlink"
    assert (tmp_path / "secret.xlsx").read_bytes() == b"private-bytes"
    assert sorted(p.name for p in check.iterdir()) == ["~$open.xlsx"]  # a lock file is never taken
    (note,) = (home / "archive" / "emergency" / "check").iterdir()
    assert b"private-bytes" not in note.read_bytes()  # a note of what was found, never the link's target


def test_the_upload_page_with_check_ticked_puts_the_file_in_check(home, catalog, campaign, tmp_path):
    from types import SimpleNamespace

    from fastapi import FastAPI
    from fastapi.testclient import TestClient

    from planeval.ui import board, board_access

    setup.init_units(campaign.code)
    app = board.create_app()
    user = SimpleNamespace(username="emergency", roles=[SimpleNamespace(name="planeval_unit")])
    app.dependency_overrides[board_access.current_user] = lambda: user
    root = FastAPI()
    root.mount("/planeval", app)
    client = TestClient(root, base_url="http://airflow.local")
    page = client.get("/planeval/board")
    assert 'name="check"' in page.text and "仅预审" in page.text

    source = filled_form(catalog, campaign, "emergency", tmp_path)
    answer = client.post("/planeval/upload", files={"file": ("应急局.xlsx", source.read_bytes())}, data={"check": "1"})
    assert answer.status_code == 201, answer.text
    assert answer.json()["check"] is True and "预审" in answer.json()["detail"]
    drop = home / "drop" / "emergency"
    assert [p.name for p in (drop / "check").iterdir()] == ["应急局.xlsx"] and not any((drop / "inbox").iterdir())
    shown = client.post(
        "/planeval/upload",
        files={"file": ("应急局.xlsx", source.read_bytes())},
        data={"check": "1"},
        headers={"accept": "text/html"},
        follow_redirects=True,
    )
    assert "预审_应急局(2).xlsx.txt" in shown.text

    engine = make_engine(get_settings().db_url)
    counts = _row_counts(engine)
    assert collect.run_collect() == []
    assert _row_counts(engine) == counts
    assert _receipt(home, "emergency", "应急局.xlsx")["status"] == "accepted"
    assert not any((drop / "check").iterdir())
