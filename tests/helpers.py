"""Building submissions for tests: a unit's own generated form, filled, then edited like a clerk would."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook

from planeval.catalog import Campaign, Catalog
from planeval.intake.unit_forms import write_unit_form
from planeval.ui.demo import fill_form, load_demo_spec

Edit = Callable[[object], None]  # receives the openpyxl workbook


def filled_form(
    catalog: Catalog,
    campaign: Campaign,
    unit_code: str,
    folder: Path,
    name: str | None = None,
    edit: Edit | None = None,
    spec: dict | None = None,
) -> Path:
    """The unit's pre-filled form, filled with the demo figures, optionally edited, saved under ``folder``."""
    unit = catalog.unit(unit_code)
    blank = folder / "blank" / f"{unit_code}.xlsx"
    write_unit_form(catalog, campaign, unit, blank)
    target = folder / (name or f"{unit_code}.xlsx")
    fill_form(catalog, campaign, unit, blank, target, spec if spec is not None else load_demo_spec(catalog))
    if edit is not None:
        workbook = load_workbook(target)
        edit(workbook)
        workbook.save(target)
    return target


def header_column(sheet, header: str, header_row: int = 2) -> int:
    """1-based column index of a header in our generated forms."""
    for cell in sheet[header_row]:
        if cell.value == header:
            return cell.column
    raise KeyError(header)


def row_of(sheet, label: str, name_column: int = 2) -> int:
    for row in range(1, sheet.max_row + 1):
        if sheet.cell(row=row, column=name_column).value == label:
            return row
    raise KeyError(label)


# The 附件3 columns as the official table prints them, for the 2025 summary assessment (data to 2024).
ANNEX_HEADERS = [
    "序号",
    "规划指标内容",
    "规划目标",
    "规划属性",
    "2021年",
    "2022年",
    "2023年",
    "2024年",
    "2025年预测值",
    "前四年年均/累计",
    "五年年均/累计",
    "综合进度评价",
    "责任单位",
]


def demo_in_home(root: Path) -> tuple[pytest.MonkeyPatch, Any, Any, Catalog, Campaign]:
    """A module's own PLANEVAL_HOME under ``root`` (embedded default catalog and warehouse, no settle time),
    every unit's folders and the demo's submissions in their inboxes. Returns the patch (undo it when done),
    the selection, settings, catalog and campaign of the 2025 assessment."""
    from planeval.stages import context, setup
    from planeval.ui.demo import drop_demo_submissions

    monkeypatch = pytest.MonkeyPatch()
    monkeypatch.setenv("PLANEVAL_HOME", str(root / "home"))
    monkeypatch.delenv("PLANEVAL_DB_URL", raising=False)
    monkeypatch.delenv("PLANEVAL_CATALOG", raising=False)
    monkeypatch.setenv("PLANEVAL_SETTLE_SECONDS", "0")
    try:
        selection = context.select(year=2025)
        settings, catalog, campaign = context.open_selection(selection)
        setup.init_units(campaign.code)
        drop_demo_submissions(settings, catalog, campaign)
    except BaseException:
        monkeypatch.undo()
        raise
    return monkeypatch, selection, settings, catalog, campaign


def receipt_json(inboxes: Path, unit: str, name: str) -> dict:
    """A unit's receipt (回执) as JSON, by the submitted file's name."""
    return json.loads((inboxes / unit / "receipts" / f"{name}.json").read_text(encoding="utf-8"))
