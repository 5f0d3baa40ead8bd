"""The approved snapshot locked (issue 18, part D): the office's approval freezes the campaign's figures, a later
upload is receipted 已锁定 and changes nothing, a reopening with a reason lets uploads count again and a new
approval locks anew; and the data-quality figures per unit. On SQLite and PostgreSQL."""

from __future__ import annotations

import datetime as dt
import json
import shutil
from pathlib import Path

import pytest
from docx import Document
from helpers import filled_form, header_column, row_of
from openpyxl import load_workbook
from sqlalchemy import Engine, text

from planeval.intake.archive import sha256_of
from planeval.reporting.letters import quality_sentence
from planeval.reporting.workbooks import QUALITY_HEADERS, write_summary_xlsx
from planeval.stages import collect, context, setup, year_end
from planeval.stages.approval import APPROVE, COMMENT
from planeval.ui import cli
from planeval.warehouse import locks
from planeval.warehouse.db import make_engine
from planeval.warehouse.migrate import ensure_schema
from planeval.warehouse.quality import UnitQuality, data_quality

ACCIDENTS = "accident_count_decline"  # the emergency bureau's 附件3 row 生产安全事故起数下降(%)


def _edited_2024(value: float):
    def edit(workbook):
        for name in ("附件3", "附件4"):  # the indicator is in both plans' tables: one figure
            sheet = workbook[name]
            sheet.cell(
                row=row_of(sheet, "生产安全事故起数下降(%)"), column=header_column(sheet, "2024年")
            ).value = value

    return edit


def _drop(home: Path, unit: str, source: Path, name: str) -> None:
    shutil.copyfile(source, home / "drop" / unit / "inbox" / name)


def _figures(engine: Engine, campaign_code: str) -> list[tuple]:
    """Every computed yearly cell and rating of the campaign: what the report prints."""
    with engine.connect() as connection:
        values = connection.execute(
            text(
                "SELECT indicator_code, year, value, source_cell FROM indicator_result_value "
                "WHERE campaign_code = :c ORDER BY indicator_code, year"
            ),
            {"c": campaign_code},
        ).all()
        ratings = connection.execute(
            text(
                "SELECT plan_code, indicator_code, computed_rating, to_date_value FROM indicator_result "
                "WHERE campaign_code = :c ORDER BY plan_code, indicator_code"
            ),
            {"c": campaign_code},
        ).all()
    return [tuple(row) for row in [*values, *ratings]]


def _staged_2024(engine: Engine) -> list[float]:
    with engine.connect() as connection:
        return list(
            connection.execute(
                text(
                    "SELECT v.value FROM submission_value AS v JOIN submission AS s USING (submission_id) "
                    "WHERE v.indicator_code = :i AND v.year = 2024 AND s.status = 'accepted' "
                    "AND s.superseded_by IS NULL"
                ),
                {"i": ACCIDENTS},
            ).scalars()
        )


def test_approval_locks_a_later_upload_is_receipted_and_a_reopening_lets_it_count(
    db_url, home, catalog, campaign, tmp_path
):
    setup.init_units()
    selection = context.select(campaign.code)
    engine = make_engine(db_url)
    original = filled_form(catalog, campaign, "emergency", tmp_path)
    _drop(home, "emergency", original, "应急局报表.xlsx")
    assert [s["status"] for s in collect.run_collect(campaign.code)] == ["accepted"]
    year_end.refresh_results(selection)
    before = _figures(engine, campaign.code)
    assert before and _staged_2024(engine) == [16.6, 16.6]

    lock = year_end.freeze(selection, "office", "同意")
    assert lock.lock_id == f"{campaign.code}-L1" and locks.current_lock(engine, campaign.code) == lock
    frozen = locks.frozen_items(engine, lock.lock_id)
    submissions = [item for item in frozen if item.item_kind == "submission"]
    assert [(s.unit_code, s.form, s.version) for s in submissions] == [("emergency", "indicator_table", 1)]
    assert submissions[0].sha256 == sha256_of(original.read_bytes())
    assert {item.item_kind for item in frozen} >= {"submission", "indicator_result", "indicator_value"}
    assert lock.item_count == len(frozen) and lock.snapshot_sha256 == locks.snapshot_digest(frozen)
    assert year_end.freeze(selection, "office", "同意") == lock  # a retried final report keeps the same lock

    corrected = filled_form(
        catalog, campaign, "emergency", tmp_path / "v2", edit=_edited_2024(19.5)
    )  # a correction within the years' band
    _drop(home, "emergency", corrected, "应急局报表(更正).xlsx")
    summary = collect.run_collect(campaign.code)
    assert [(s["unit_code"], s["status"]) for s in summary] == [("emergency", "locked")]
    receipts = home / "drop" / "emergency" / "receipts"
    data = json.loads((receipts / "应急局报表(更正).xlsx.json").read_text(encoding="utf-8"))
    approved_day = dt.datetime.fromisoformat(lock.approved_at).astimezone(dt.timezone(dt.timedelta(hours=8)))
    notice = (
        f"本期评估已于{approved_day.year}年{approved_day.month}月{approved_day.day}日经审核定稿,数据已锁定;"
        "如需更正,请联系市安委办。"
    )
    assert data["status"] == "locked" and data["notice"] == notice
    receipt_text = (receipts / "应急局报表(更正).xlsx.txt").read_text(encoding="utf-8")
    assert "处理结果:已锁定(未入库)" in receipt_text and notice in receipt_text
    assert len(list((home / "archive" / "emergency").iterdir())) == 2  # archived all the same
    assert not any((home / "drop" / "emergency" / "inbox").iterdir())
    with engine.connect() as connection:
        assert connection.execute(text("SELECT count(*) FROM submission")).scalar() == 1  # not staged
    year_end.refresh_results(selection)
    assert _staged_2024(engine) == [16.6, 16.6] and _figures(engine, campaign.code) == before

    with pytest.raises(ValueError, match="原因"):
        year_end.reopen(selection, "  ", "office")
    ended = year_end.reopen(selection, "应急局更正2024年事故起数", "office")
    assert ended == lock and locks.current_lock(engine, campaign.code) is None
    with pytest.raises(locks.NotLocked):
        year_end.reopen(selection, "再次", "office")

    _drop(home, "emergency", corrected, "应急局报表(更正).xlsx")
    assert [s["status"] for s in collect.run_collect(campaign.code)] == ["accepted"]
    year_end.refresh_results(selection)
    assert _staged_2024(engine) == [19.5, 19.5] and _figures(engine, campaign.code) != before

    second = year_end.freeze(selection, "office", "更正后同意")
    assert second.lock_id == f"{campaign.code}-L2" and second.snapshot_sha256 != lock.snapshot_sha256
    history = locks.lock_history(engine, campaign.code)
    assert [(h["lock_id"], h["reopened_by"], h["reason"]) for h in history] == [
        (lock.lock_id, "office", "应急局更正2024年事故起数"),
        (second.lock_id, None, None),
    ]
    assert [s.version for s in locks.frozen_items(engine, second.lock_id) if s.item_kind == "submission"] == [2]


def test_a_changed_figure_under_a_lock_is_refused_not_locked_over(db_url, home, catalog, campaign, tmp_path):
    setup.init_units()
    selection = context.select(campaign.code)
    engine = make_engine(db_url)
    _drop(home, "emergency", filled_form(catalog, campaign, "emergency", tmp_path), "应急局报表.xlsx")
    collect.run_collect(campaign.code)
    year_end.refresh_results(selection)
    year_end.freeze(selection, "office", "")
    with engine.begin() as connection:  # a figure changed behind the lock's back (say, a catalog edit)
        connection.execute(text("UPDATE indicator_result_value SET value = value + 1 WHERE year = 2024"))
    with pytest.raises(locks.CampaignLocked, match="重新开放"):
        year_end.freeze(selection, "office", "")
    reopen = ["campaign", "reopen", "--campaign", campaign.code, "--by", "张三"]
    assert cli.main([*reopen, "--reason", "目录修订后重新汇总"]) == 0
    assert cli.main([*reopen, "--reason", "再次"]) == 1  # nothing locked any more
    assert cli.main([*reopen, "--reason", " "]) == 2  # no reason, refused
    history = locks.lock_history(engine, campaign.code)
    assert [(h["reopened_by"], h["reason"]) for h in history] == [("张三", "目录修订后重新汇总")]


def test_the_final_report_names_the_snapshot_it_was_built_from(home, catalog, campaign, tmp_path):
    setup.init_units()
    selection = context.select(campaign.code)
    _drop(home, "emergency", filled_form(catalog, campaign, "emergency", tmp_path), "应急局报表.xlsx")
    collect.run_collect(campaign.code)
    year_end.refresh_results(selection)
    answer = {"chosen_options": [APPROVE], "params_input": {COMMENT: ""}, "responded_by_user": {"name": "office"}}
    paths = year_end.finish_after_approval(selection, answer)
    report = next(Path(p) for p in paths if p.endswith("报告(定稿).docx"))
    lock = locks.current_lock(make_engine(f"sqlite:///{home / 'warehouse.db'}"), campaign.code)
    assert lock is not None and lock.approved_by == "office"
    properties = Document(str(report)).core_properties
    assert properties.identifier == lock.lock_id
    assert properties.comments == year_end.snapshot_note(lock) and lock.snapshot_sha256 in properties.comments

    from planeval.settings import get_settings
    from planeval.ui.demo import drop_late_correction

    late = drop_late_correction(get_settings(), catalog, campaign)  # what `planeval demo` does after approval
    assert late is not None
    assert [item["status"] for item in collect.run_collect(campaign.code)] == ["locked"]


def _submission(connection, submission_id: str, unit: str, status: str, received_at: str, warnings: int = 0):
    connection.execute(
        text(
            "INSERT INTO submission (submission_id, campaign_code, unit_code, form, original_name, archive_path,"
            " sha256, size_bytes, uploaded_at, received_at, status, error_count, warning_count, version,"
            " superseded_by, duplicate_of) VALUES (:id, 'c', :unit, 'indicator_table', 'f.xlsx', '/a', :sha, 1,"
            " :at, :at, :status, :errors, :warnings, 1, NULL, NULL)"
        ),
        {
            "id": submission_id,
            "unit": unit,
            "sha": submission_id,
            "at": received_at,
            "status": status,
            "errors": int(status == "rejected"),
            "warnings": warnings,
        },
    )


def test_data_quality_per_unit_its_sheet_and_its_letter_sentence(db_url, home, catalog, campaign, tmp_path):
    engine = make_engine(db_url)
    ensure_schema(engine)
    with engine.begin() as connection:
        for unit in ("emergency", "development_reform", "science_tech"):
            connection.execute(
                text(
                    "INSERT INTO obligation (campaign_code, unit_code, unit_kind, form, due_date)"
                    " VALUES ('c', :unit, '市级部门', 'indicator_table', '2025-06-16')"
                ),
                {"unit": unit},
            )
        _submission(connection, "a1", "emergency", "rejected", "2025-06-10T02:00:00+00:00")
        _submission(connection, "a2", "emergency", "accepted", "2025-06-12T02:00:00+00:00", warnings=2)
        # 2025-06-18 17:00 UTC is 2025-06-19 01:00 in Beijing: three days after the due date, not two
        _submission(connection, "b1", "development_reform", "accepted", "2025-06-18T17:00:00+00:00", warnings=1)
        _submission(connection, "b2", "development_reform", "duplicate", "2025-06-19T03:00:00+00:00")
    figures = data_quality(engine, "c", dt.date(2025, 6, 20), "Asia/Shanghai")
    assert figures == {
        unit: UnitQuality(unit, *numbers)  # forms, first pass, rejections, days late, warnings
        for unit, numbers in {
            "emergency": (1, 0, 1, 0, 2),
            "development_reform": (1, 1, 0, 3, 1),
            "science_tech": (1, 0, 0, 4, 0),  # still missing on 6月20日
        }.items()
    }
    assert figures["development_reform"].first_pass_rate == 1.0 and figures["emergency"].first_pass_rate == 0.0
    assert quality_sentence(figures["development_reform"]) == (
        "本期数据质量:应报1项材料中1项首次报送即通过校验(一次通过率100%),被退回0次,最多逾期3天,采用版本中校验提示1条。"
    )
    assert "被退回1次,均按时报送," in quality_sentence(figures["emergency"])
    workbook = load_workbook(
        write_summary_xlsx(tmp_path / "统计.xlsx", catalog, campaign, dt.date(2025, 6, 20), [], quality=figures)
    )
    rows = [list(row) for row in workbook["数据质量"].iter_rows(values_only=True)]
    assert rows[0] == QUALITY_HEADERS
    assert rows[1:] == [  # in the catalog's order of units
        ["development_reform", "市发改委", 1, 1, "100%", 0, 3, 1],
        ["science_tech", "市科技局", 1, 0, "0%", 0, 4, 0],
        ["emergency", "市应急管理局", 1, 0, "0%", 1, 0, 2],
    ]
