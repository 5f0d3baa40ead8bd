"""Values as departments type them, through the real collection pass (`planeval run collect`): real .xlsx files
written with openpyxl, with percent-formatted cells, fractions typed for percentages, and a form that gives
only the raw figures (基础数据) of an indicator."""

from __future__ import annotations

import shutil
from pathlib import Path

from helpers import filled_form, header_column, receipt_json
from sqlalchemy import create_engine, text

from planeval.stages import collect, year_end
from planeval.warehouse.db import fetch_all, make_engine

RATE = "工业企业较大以上安全风险报告率(%)"  # emergency; demo 92, 96, 99, 100 | 100; target 100
INSURANCE = "高危行业领域安全生产责任险投保率(%)"  # emergency; the demo's 基础数据 give 85…98 | 100


def _values(home: Path, indicator: str) -> dict[int, float]:
    """The staged figures of an indicator (accepted or not), by year; the forecast as year 0."""
    engine = create_engine(f"sqlite:///{home / 'warehouse.db'}")
    query = "SELECT year, is_forecast, value FROM submission_value WHERE indicator_code = :code"
    with engine.connect() as connection:
        rows = {
            0 if forecast else year: value
            for year, forecast, value in connection.execute(text(query), {"code": indicator})
        }
    engine.dispose()
    return rows


def _rows_named(workbook, label: str):
    """(sheet, row) of every indicator row with this label, in every sheet of the form."""
    for sheet in workbook.worksheets:
        for row in range(1, sheet.max_row + 1):
            if sheet.cell(row=row, column=2).value == label:
                yield sheet, row


def _set(label: str, cells: dict[str, tuple[object, str | None]]):
    """Edit: set these headers of the indicator's rows to (value, number format or None)."""

    def edit(workbook):
        for sheet, row in _rows_named(workbook, label):
            for header, (value, number_format) in cells.items():
                cell = sheet.cell(row=row, column=header_column(sheet, header))
                cell.value = value
                if number_format:
                    cell.number_format = number_format

    return edit


def _collect(inboxes: Path, catalog, campaign, tmp_path: Path, edit, name: str) -> tuple[str, dict]:
    source = filled_form(catalog, campaign, "emergency", tmp_path, name=name, edit=edit)
    shutil.copyfile(source, inboxes / "emergency" / "inbox" / name)
    (result,) = collect.run_collect()
    return result["status"], receipt_json(inboxes, "emergency", name)


def test_percent_formatted_cells_are_read_as_the_percentage_they_show(inboxes, home, catalog, campaign, tmp_path):
    edit = _set(RATE, {"2023年": (0.95, "0.00%"), "2024年": (1.0, "0%")})
    status, receipt = _collect(inboxes, catalog, campaign, tmp_path, edit, "应急局.xlsx")
    assert status == "accepted" and receipt["errors"] == []
    assert not [w for w in receipt["warnings"] + receipt["notices"] if RATE in w["message"]]
    values = _values(home, "major_risk_report_rate")
    assert (values[2023], values[2024]) == (95.0, 100.0)


def test_a_fraction_typed_for_a_percentage_is_converted_and_said_so(inboxes, home, catalog, campaign, tmp_path):
    status, receipt = _collect(inboxes, catalog, campaign, tmp_path, _set(RATE, {"2024年": (1, None)}), "应急局.xlsx")
    assert status == "accepted"
    (warning,) = [w for w in receipt["notices"] if w["code"] == "assumed_reading"]  # a 提示
    column = warning["column"]
    assert warning["message"].startswith(f"{warning['sheet']}!{column}{warning['row']}:指标“{RATE}”的“2024年”填写为“1”")
    assert "已按百分数读取为 100%(即 1 × 100)" in warning["message"]
    assert _values(home, "major_risk_report_rate")[2024] == 100.0


def test_a_row_of_fractions_is_refused_cell_by_cell(inboxes, catalog, campaign, tmp_path):
    fractions = {
        f"{year}年": (value, None) for year, value in zip(range(2021, 2025), [0.92, 0.96, 0.99, 1], strict=True)
    }
    edit = _set(
        RATE, fractions | {"2025年预测值": (1, None), "前四年年均/累计": (None, None), "五年年均/累计": (None, None)}
    )
    status, receipt = _collect(inboxes, catalog, campaign, tmp_path, edit, "应急局.xlsx")
    assert status == "rejected"
    refused = [e for e in receipt["errors"] if e["code"] == "ambiguous_number"]
    assert len(refused) == 5 and {e["code"] for e in receipt["errors"]} == {"ambiguous_number"}
    first = refused[0]
    assert first["message"] == (
        f"{first['sheet']}!{first['column']}{first['row']}:指标“{RATE}”的“2021年”填写为“0.92”,同行没有可参照的"
        "其他数值,无法判断是 0.92% 还是 92%;请按百分数填写(如 92 或 92%;确为 0.92% 时填写“0.92%”)"
    )


def test_a_form_with_only_the_raw_figures_is_accepted_with_computed_cells(inboxes, home, catalog, campaign, tmp_path):
    blank = {header: (None, None) for header in ("2021年", "2022年", "2023年", "2024年", "2025年预测值")}
    edit = _set(INSURANCE, blank | {"前四年年均/累计": (None, None), "五年年均/累计": (None, None)})
    status, receipt = _collect(inboxes, catalog, campaign, tmp_path, edit, "应急局(基础数据).xlsx")
    assert status == "accepted", receipt["errors"]
    assert not [e for e in receipt["errors"] if e["code"] in ("missing_data_year", "missing_forecast")]
    notes = [w["message"] for w in receipt["notices"] if w["code"] == "computed_from_figures"]  # a 提示
    assert notes and notes[0] == (
        f"指标“{INSURANCE}”未填写“2021年”“2022年”“2023年”“2024年”“2025年预测值”,已按本表基础数据计算:"
        "2021年 85(= 340/400×100);2022年 90(= 360/400×100);2023年 95(= 380/400×100);"
        "2024年 98(= 392/400×100);2025年预测值 100(= 400/400×100)"
    )
    assert _values(home, "liability_insurance_rate") == {}  # nothing typed: the cells are the figures'
    year_end.refresh_results()
    engine = make_engine(f"sqlite:///{home / 'warehouse.db'}")
    cells = {
        c["column_key"]: c["printed"]
        for c in fetch_all(engine, "select_mart_indicator_cells", campaign_code=campaign.code)
        if c["indicator_code"] == "liability_insurance_rate"
    }
    engine.dispose()
    assert [cells[k] for k in ("y2021", "y2022", "y2023", "y2024", "forecast")] == ["85", "90", "95", "98", "100"]
