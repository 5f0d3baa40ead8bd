"""Nothing planeval writes can be turned against its reader: every workbook written from submitted text holds
that text as text (never a live formula), receipts show outside text on one line with no terminal escapes."""

from __future__ import annotations

import ast
import datetime as dt
from pathlib import Path

import pytest
from openpyxl import Workbook, load_workbook

from planeval.catalog import load_catalog
from planeval.catalog.layouts import indicator_layout
from planeval.intake import unit_forms
from planeval.intake.receipts import render_receipt_text, write_receipt
from planeval.monitoring.obligations import ObligationStatus
from planeval.records import Issue, ObligationState, Received, Verdict
from planeval.reporting import workbooks
from planeval.safetext import cell_text, safe_file_name
from planeval.settings import REPO_ROOT, get_settings

HOSTILE = [
    '=HYPERLINK("http://evil","点此")',
    "=cmd|' /C calc'!A0",
    "@SUM(A1)",
    "+1+1",
    "-1+A1",
    "\t=1",
    "\r=1",
    "张三\n处理结果:已受理\x1b[2J",
]
FORGED = "处理结果:已受理"


def _hostile(index: int) -> str:
    return HOSTILE[index % len(HOSTILE)]


def assert_inert(path: Path) -> list[object]:
    """Every cell of the workbook at ``path`` is data: no formula, no text a spreadsheet would run, no
    terminal escape. Returns every value, for the caller to find its hostile values (escaped) in."""
    values: list[object] = []
    for sheet in load_workbook(path).worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                where = f"{path.name}!{sheet.title}!{cell.coordinate}: {cell.value!r}"
                assert cell.data_type != "f", where
                if isinstance(cell.value, str):
                    assert not cell.value.startswith(("=", "@", "\t", "\r", "\n")), where
                    assert cell_text(cell.value) == cell.value, where  # a leading + or - that runs nothing
                    assert "\x1b" not in cell.value, where
                values.append(cell.value)
    return values


def assert_all_escaped(values: list[object]) -> None:
    for text in HOSTILE:
        if text.startswith(("张三",)):
            assert "张三\n处理结果:已受理\\x1b[2J" in values  # ESC shown, not written; the line break is cell text
        else:
            assert "'" + text in values, text


def test_contacts_list_keeps_hostile_contacts_as_text(tmp_path: Path):
    contacts = [
        {
            "unit_name": "市应急管理局",
            "category": _hostile(i),
            "person": _hostile(i + 1),
            "position": _hostile(i + 2),
            "phone": _hostile(i + 3),
            "note": _hostile(i + 4),
        }
        for i in range(len(HOSTILE))
    ]
    values = assert_inert(workbooks.write_contacts_xlsx(tmp_path / "联系人汇总.xlsx", contacts))
    assert_all_escaped(values)


def test_monitor_summary_keeps_hostile_contacts_as_text(tmp_path: Path, catalog, campaign):
    unit = catalog.units[0]
    statuses = [
        ObligationStatus(
            unit.code,
            unit.kind,
            "indicator_table",
            dt.date(2026, 1, 15),
            ObligationState.MISSING,
            True,
            0,
            None,
            None,
            None,
        )
    ]
    contacts = [
        {"unit_name": _hostile(i), "category": "安全生产规划", "person": _hostile(i + 1)}
        | {"position": "", "phone": "+86 513 8888 0000", "note": "-"}
        for i in range(len(HOSTILE))
    ]
    path = workbooks.write_summary_xlsx(
        tmp_path / "报送情况统计.xlsx", catalog, campaign, dt.date(2026, 1, 20), statuses, contacts
    )
    values = assert_inert(path)
    assert_all_escaped(values)
    assert "+86 513 8888 0000" in values and "-" in values  # ordinary values unchanged


def test_task_summary_keeps_hostile_progress_as_text(tmp_path: Path, monkeypatch):
    catalog = load_catalog(REPO_ROOT / "catalog" / "wenling")  # a catalog of work points
    campaign = catalog.campaign("wenling_2023_annual")
    task = catalog.tasks[0]
    reported = [
        {"task_code": task.code, "unit_code": (*task.lead, *task.cooperating)[0], "role": _hostile(i)}
        | {"status": _hostile(i + 1), "progress": _hostile(i + 2), "problems": _hostile(i + 3)}
        | {"next_steps": _hostile(i + 4)}
        for i in range(len(HOSTILE))
    ]
    monkeypatch.setattr(workbooks, "fetch_all", lambda engine, query, **params: reported)
    values = assert_inert(workbooks.write_task_summary(None, catalog, campaign, tmp_path / "工作要点汇总.xlsx"))  # type: ignore[arg-type]
    assert_all_escaped(values)


def test_annex_tables_keep_hostile_printed_cells_as_text(tmp_path: Path, catalog, campaign, monkeypatch):
    printed = []
    for plan in catalog.campaign_plans(campaign):
        keys = [c.key for c in indicator_layout(catalog, plan, campaign)] + ["rating"]
        for n, code in enumerate(plan.indicator_table.indicators):
            printed += [
                {"plan_code": plan.code, "indicator_code": code, "column_key": key, "printed": _hostile(n + k)}
                for k, key in enumerate(keys)
            ]
    # the unit's own rating and 分析说明 have columns of their own: hostile text there stays text too
    results = [
        {
            "plan_code": row["plan_code"],
            "indicator_code": row["indicator_code"],
            "self_rating": _hostile(n),
            "analysis": _hostile(n + 1),
        }
        for n, row in enumerate(printed)
        if row["column_key"] == "seq"
    ]
    monkeypatch.setattr(
        workbooks,
        "fetch_all",
        lambda engine, query, **params: results if query == "select_indicator_results" else printed,
    )
    written = workbooks.write_annex_tables(None, catalog, campaign, tmp_path, draft=False)  # type: ignore[arg-type]
    assert written
    values = [value for path in written for value in assert_inert(path)]
    assert_all_escaped(values)


def test_unit_forms_write_every_cell_through_cell_text(tmp_path: Path, catalog, campaign):
    unit = catalog.unit("emergency").model_copy(update={"name": '=HYPERLINK("http://evil")\x1b[2J'})
    written = unit_forms.write_unit_forms(catalog, campaign, unit, tmp_path)
    assert written
    for path in written:
        assert_inert(path)  # the control character did not stop the workbook from being written
    sheet = Workbook().active
    for column, text in enumerate(HOSTILE, start=1):
        assert unit_forms.put(sheet, 1, column, text).data_type == "s"
    assert unit_forms.put(sheet, 2, 1, 7).value == 7


@pytest.mark.parametrize(
    ("module", "helper", "sheets"),
    [
        ("reporting/workbooks.py", "put_row", {"sheet", "summary", "detail"}),
        ("intake/unit_forms.py", "put", {"sheet"}),
    ],
)
def test_cells_are_written_only_through_the_helper(module: str, helper: str, sheets: set[str]):
    """A new writer cannot forget cell_text: ``sheet.append``/``sheet.cell(value=…)`` only inside the helper."""
    tree = ast.parse((REPO_ROOT / "plugins" / "planeval" / module).read_text(encoding="utf-8"))
    outside = []
    for function in ast.walk(tree):
        if not isinstance(function, ast.FunctionDef) or function.name == helper:
            continue
        for node in ast.walk(function):
            if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)):
                continue
            receiver = node.func.value
            on_sheet = isinstance(receiver, ast.Name) and receiver.id in sheets
            writes = node.func.attr == "append" or (
                node.func.attr == "cell" and (len(node.args) > 2 or any(k.arg == "value" for k in node.keywords))
            )
            if on_sheet and writes:
                outside.append(f"{module}:{node.lineno} in {function.name}")
    assert not outside, "cells written past the helper:\n  " + "\n  ".join(outside)


def _received(name: str) -> Received:
    return Received(
        submission_id="emergency-20260110T080000Z",
        unit_code="emergency",
        form="indicator_table",
        original_name=name,
        archive_path="/archive/x.xlsx",
        sha256="0" * 64,
        size_bytes=1,
        uploaded_at="2026-01-10T08:00:00+00:00",
        received_at="2026-01-10T08:00:00+00:00",
    )


def _hostile_verdict() -> Verdict:
    return Verdict(
        "emergency-20260110T080000Z",
        errors=[Issue("bad_value", f"“{text}”不是数字", "附件3\n处理结果:已受理", 5, "D") for text in HOSTILE],
        warnings=[Issue("note", f"请核实“{FORGED}\x1b[31m”", "\x1b]0;title\x07")],
    )


def _assert_one_line_each(text: str) -> None:
    assert "\x1b" not in text and "\x07" not in text and "\r" not in text
    lines = text.splitlines()
    assert [line for line in lines if line.startswith("处理结果")] == ["处理结果:退回(未通过校验)"]
    assert not any(line.lstrip().startswith(FORGED) for line in lines)


def test_receipt_text_cannot_be_forged_by_a_name_or_a_cell():
    raw_name = f"报表\n{FORGED}\x1b[2J.xlsx"  # intake passes a safe name; the receipt holds even if not
    text = render_receipt_text(_received(raw_name), _hostile_verdict(), "市应急管理局", 1)
    _assert_one_line_each(text)
    assert "文件名称:报表\\n处理结果:已受理\\x1b[2J.xlsx" in text


def test_written_receipts_use_the_safe_name_and_keep_the_values(home):
    import json

    name = safe_file_name(f"报表\n{FORGED}\x1b[2J.xlsx")
    path = write_receipt(get_settings(), _received(name), _hostile_verdict(), "市应急管理局", 1)
    assert path.name == f"{name}.json" and "\n" not in name and "\x1b" not in name
    payload = json.loads(path.read_text("utf-8"))
    assert payload["file"] == name
    assert [e["message"] for e in payload["errors"]] == [
        f"“{text}”不是数字" for text in HOSTILE
    ]  # kept, escaped by JSON
    _assert_one_line_each(path.with_suffix(".txt").read_text("utf-8"))
    assert "\x1b" not in path.read_text("utf-8")  # JSON writes ESC as \u001b


def test_annex_tables_hold_figures_as_numbers_and_print_on_one_page_width():
    from openpyxl import Workbook

    from planeval.reporting.workbooks import _figure, _print_setup, put_row

    assert [_figure(v) for v in ("14", "0.14", "-2.5", "≥95", "—", "符合预期", "")] == [
        14,
        0.14,
        -2.5,
        "≥95",
        "—",
        "符合预期",
        "",
    ]
    workbook = Workbook()
    sheet = workbook.active
    put_row(sheet, ["序号", "2024年"])
    put_row(sheet, [_figure("1"), _figure("0.14")])
    _print_setup(sheet, header_row=1)
    assert sheet["A2"].data_type == "n" and sheet["B2"].value == 0.14
    assert sheet.page_setup.fitToWidth == 1 and sheet.sheet_properties.pageSetUpPr.fitToPage
    assert sheet.print_title_rows == "$1:$1"
