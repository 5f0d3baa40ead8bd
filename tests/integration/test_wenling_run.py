"""温岭's 2023 work points (seed 002) run by configuration alone: the catalog folder is the only difference.

Forms are generated from tasks.yaml, a unit's progress table is collected and validated (a 滞后 row must
say why), the half-year campaign is monitored against its 6月15日 deadline, and the office gets the
work-point summary."""

from __future__ import annotations

import datetime as dt
import json
import shutil
from dataclasses import asdict

import pytest
from openpyxl import load_workbook

from planeval.catalog import load_catalog
from planeval.intake.inbox import discover_inbox_files
from planeval.settings import REPO_ROOT, get_settings
from planeval.stages import collect, context, monitor, setup, year_end

WENLING = REPO_ROOT / "catalog" / "wenling"
HALF_YEAR = "wenling_2023_half_year"
BEIJING = dt.timezone(dt.timedelta(hours=8))


@pytest.fixture
def wenling(home, monkeypatch):
    monkeypatch.setenv("PLANEVAL_CATALOG", str(WENLING))
    setup.init_units(HALF_YEAR)
    return load_catalog(WENLING)


def _fill(path, status_of=lambda number: "按序时推进", problems=""):
    workbook = load_workbook(path)
    sheet = workbook.active
    headers = {cell.value: cell.column for cell in sheet[2]}
    for row in range(3, sheet.max_row + 1):
        number = sheet.cell(row=row, column=headers["序号"]).value
        if not number or str(number).startswith("填表"):
            continue
        sheet.cell(row=row, column=headers["完成情况"]).value = status_of(str(number))
        sheet.cell(row=row, column=headers["工作进展"]).value = f"第{number}项:已按计划推进 & 完成阶段目标"
        if problems:
            sheet.cell(row=row, column=headers["存在问题"]).value = problems
    workbook.save(path)
    return path


def _collect_at(unit: str, source, when: dt.datetime) -> dict:
    settings = get_settings()
    shutil.copyfile(source, settings.inbox(unit) / source.name)
    (found,) = discover_inbox_files(settings, [unit], settle_seconds=0)
    received = collect.archive(asdict(found), "pass-1", now=when.astimezone(dt.UTC))
    (result,) = collect.validate_and_record([received], context.select(HALF_YEAR), "pass-1")
    return result


def test_forms_list_the_points_each_unit_leads_or_cooperates_on(wenling, home):
    form = home / "forms" / "emergency" / "市应急管理局_2023年上半年工作要点完成情况表.xlsx"
    sheet = load_workbook(form).active
    headers = [c.value for c in sheet[2]]
    assert headers[:6] == ["序号", "工作要点", "牵头单位", "配合单位", "本单位职责", "完成情况"]
    rows = {sheet.cell(row=r, column=1).value: sheet.cell(row=r, column=5).value for r in range(3, sheet.max_row)}
    roles = {task.number: role for task, role in wenling.tasks_of_unit("emergency")}
    assert {k: v for k, v in rows.items() if k in roles} == roles
    assert roles["13"] == "牵头"


def test_progress_is_validated_collected_monitored_and_summarised(wenling, home, tmp_path):
    blank = home / "forms" / "emergency" / "市应急管理局_2023年上半年工作要点完成情况表.xlsx"

    def point_13_lags(number: str) -> str:
        return "滞后" if number == "13" else "按序时推进"

    lagging = _fill(shutil.copy(blank, tmp_path / "应急局_第一次.xlsx"), point_13_lags)
    first = _collect_at("emergency", lagging, dt.datetime(2023, 6, 14, 10, 0, tzinfo=BEIJING))
    assert first["status"] == "rejected" and first["form"] == "task_table"
    receipt = json.loads((home / "drop" / "emergency" / "receipts" / "应急局_第一次.xlsx.json").read_text("utf-8"))
    (error,) = receipt["errors"]
    assert error["code"] == "missing_problems" and error["column"] == "H"  # 存在问题
    assert "完成情况为“滞后”,请在“存在问题”中说明原因" in error["message"]

    fixed = _fill(
        shutil.copy(blank, tmp_path / "应急局_修改.xlsx"),
        point_13_lags,
        problems="直升机临时起降点选址待批复",
    )
    assert _collect_at("emergency", fixed, dt.datetime(2023, 6, 15, 23, 58, tzinfo=BEIJING))["status"] == "accepted"

    monitored = monitor.monitor_campaign(HALF_YEAR, "2023-06-20")
    by_unit = {u["unit_code"]: u["status"] for u in monitored["units"]}
    assert by_unit["emergency"] == "done"  # 23:58 Beijing time on the due day is on time
    assert len(by_unit) == len(wenling.units)  # every unit owes the half-year table (units: all)
    assert {s for code, s in by_unit.items() if code != "emergency"} == {"missing"}
    assert len(monitor.write_reminders(context.select(HALF_YEAR), "2023-06-20")) == len(wenling.units) - 1

    written = year_end.render_reports(context.select(HALF_YEAR))
    (summary,) = [p for p in written if p.endswith(".xlsx")]
    assert len([p for p in written if "反馈函" in p]) == len(wenling.units)  # a letter to every unit
    sheet = load_workbook(summary).active
    lines = [[c.value for c in row] for row in sheet.iter_rows(min_row=3)]
    point_13 = [line for line in lines if line[0] == "13"]
    assert ["13", "市应急管理局", "牵头", "滞后"] == [point_13[0][i] for i in (0, 4, 5, 6)]
    assert point_13[0][8] == "直升机临时起降点选址待批复"
    assert point_13[0][7] == "第13项:已按计划推进 & 完成阶段目标"  # department text kept literally
    silent = [line for line in lines if line[6] == "未报送"]
    assert silent and all("市应急管理局" not in (line[4] or "") for line in silent)
