"""The xlsx files planeval writes for people: the filled 附件3/附件4 sent upward, the work-point summary, the
报送情况统计 of a monitor run and the 联系人汇总.

Every row reaches a sheet through ``put_row``, which passes each value through ``safetext.cell_text``: a unit
name, a contact's phone or a reported sentence that looks like a formula stays text.

May import: planeval.catalog, planeval.dates, planeval.files, planeval.safetext, planeval.warehouse,
planeval.monitoring and planeval.reporting.facts, figures and titles."""

from __future__ import annotations

import datetime as dt
import re
from collections import defaultdict
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import Engine

from planeval.catalog import FORM_LABELS, Campaign, Catalog, Indicator, Plan
from planeval.catalog.layouts import Column, indicator_layout
from planeval.dates import BEIJING
from planeval.files import replace_atomically
from planeval.monitoring.obligations import STATUS_LABELS, STATUSES, ObligationStatus, completeness_rows
from planeval.reporting.facts import Row, source_notes
from planeval.reporting.figures import is_status, period_cells
from planeval.reporting.titles import campaign_title
from planeval.safetext import cell_text
from planeval.warehouse.db import fetch_all
from planeval.warehouse.quality import UnitQuality

if TYPE_CHECKING:
    from openpyxl import Workbook
    from openpyxl.worksheet.worksheet import Worksheet

TASK_SUMMARY_HEADERS = [
    "序号",
    "工作要点",
    "牵头单位",
    "配合单位",
    "报送单位",
    "职责",
    "完成情况",
    "工作进展",
    "存在问题",
    "下步打算",
]


def task_progress_rows(engine: Engine, catalog: Catalog, campaign: Campaign) -> list[list[str]]:
    """One line per work point × unit that reported on it (latest accepted version), and one line per point
    with the assigned units that have not reported, so the office sees every point's coverage."""
    reported: dict[str, list[Row]] = defaultdict(list)
    for row in fetch_all(engine, "select_latest_tasks", campaign_code=campaign.code):
        reported[row["task_code"]].append(row)
    lines = []
    for task in catalog.tasks:
        lead = task.lead_text or "、".join(catalog.unit(c).name for c in task.lead)
        cooperating = task.cooperating_text or "、".join(catalog.unit(c).name for c in task.cooperating)
        head = [task.number, task.title, lead, cooperating]
        for row in reported.get(task.code, []):
            lines.append(
                head
                + [catalog.unit(row["unit_code"]).name, row["role"] or ""]
                + [row[key] or "" for key in ("status", "progress", "problems", "next_steps")]
            )
        answered = {row["unit_code"] for row in reported.get(task.code, [])}
        silent = [catalog.unit(c).name for c in (*task.lead, *task.cooperating) if c not in answered]
        if silent:
            lines.append([*head, "、".join(silent), "", "未报送", "", "", ""])
    return lines


def write_task_summary(engine: Engine, catalog: Catalog, campaign: Campaign, output: Path) -> Path:
    """工作要点完成情况汇总.xlsx: every work point with each unit's reported progress."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font
    from openpyxl.utils import get_column_letter

    workbook = Workbook()
    sheet = _first_sheet(workbook)
    sheet.title = "工作要点完成情况"
    work = catalog.placed(campaign_title(catalog, campaign).work)
    put_row(sheet, [f"{work}:工作要点完成情况汇总(数据截至{campaign.data_cutoff.isoformat()})"])
    sheet["A1"].font = Font(bold=True, size=14)
    put_row(sheet, TASK_SUMMARY_HEADERS)
    for line in task_progress_rows(engine, catalog, campaign):
        put_row(sheet, line)
    for index, width in enumerate((8, 40, 24, 24, 16, 8, 12, 40, 30, 30), start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    for row in sheet.iter_rows(min_row=3):
        for cell in row:
            cell.alignment = Alignment(wrap_text=True, vertical="top")
    replace_atomically(output, workbook.save)
    return output


def write_annex_tables(
    engine: Engine, catalog: Catalog, campaign: Campaign, folder: Path, *, draft: bool
) -> list[Path]:
    """One workbook per indicator table (附件3, 附件4) in the official column order, filled from the
    printed-cell mart, titled as in the notice — what the office sends upward."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Border, Font, Side
    from openpyxl.utils import get_column_letter

    cells: dict[tuple[str, str], dict[str, str]] = defaultdict(dict)
    values: dict[tuple[str, str], dict[str, float]] = defaultdict(dict)
    for row in fetch_all(engine, "select_mart_indicator_cells", campaign_code=campaign.code):
        cells[(row["plan_code"], row["indicator_code"])][row["column_key"]] = row["printed"]
        if row.get("value") is not None:  # the figure behind a printed cell (a rank, for a status indicator)
            values[(row["plan_code"], row["indicator_code"])][row["column_key"]] = float(row["value"])
    # the unit's own rating and 分析说明, in columns of their own beside the computed 综合进度评价
    for row in fetch_all(engine, "select_indicator_results", campaign_code=campaign.code):
        own = cells[(row["plan_code"], row["indicator_code"])]
        own["unit_rating"], own["analysis"] = row["self_rating"] or "", row["analysis"] or ""
    thin = Side(style="thin")
    border = Border(left=thin, right=thin, top=thin, bottom=thin)
    written = []
    for plan in catalog.campaign_plans(campaign):
        layout = _annex_columns(catalog, plan, campaign)
        workbook = Workbook()
        sheet = _first_sheet(workbook)
        sheet.title = plan.indicator_table.annex
        put_row(sheet, [plan.indicator_table.annex])
        put_row(sheet, [plan.indicator_table.title])
        sheet.merge_cells(start_row=2, start_column=1, end_row=2, end_column=len(layout))
        sheet["A1"].font = Font(name="黑体", size=14)
        sheet["A2"].font = Font(name="方正小标宋简体", size=16)
        sheet["A2"].alignment = Alignment(horizontal="center")
        put_row(sheet, [c.header for c in layout])
        for seq, code in enumerate(plan.indicator_table.indicators, start=1):
            indicator = catalog.indicator(code)
            printed = _status_periods(indicator, layout, cells.get((plan.code, code), {}), values[(plan.code, code)])
            fixed = {
                "seq": seq,
                "name": indicator.name,
                "target": indicator.target_text,
                "attribute": indicator.attribute,
                "self_rating": printed.get("rating") or "暂无数据",
                "responsible": indicator.responsible_text,
            }
            put_row(sheet, [_figure(fixed.get(c.key, printed.get(c.key, ""))) for c in layout])
        for sheet_row in sheet.iter_rows(min_row=3):
            for cell in sheet_row:
                cell.border = border
                cell.alignment = Alignment(wrap_text=True, vertical="center", horizontal="center")
                if isinstance(cell.value, float):  # as printed in the report: the same decimals
                    cell.number_format = "0." + "0" * _decimals(cell.value)
        for index, column in enumerate(layout, start=1):
            sheet.column_dimensions[get_column_letter(index)].width = {
                "name": 36,
                "responsible": 20,
                "self_rating": 12,
                "unit_rating": 12,
                "analysis": 40,
            }.get(column.key, 10)
        _print_setup(sheet, header_row=3)
        name = f"{plan.indicator_table.annex}_{plan.indicator_table.title}{'(征求意见稿)' if draft else ''}.xlsx"
        output = folder / name
        replace_atomically(output, workbook.save)
        written.append(output)
    return written


def _status_periods(
    indicator: Indicator, layout: list[Column], printed: dict[str, str], values: dict[str, float]
) -> dict[str, str]:
    """The printed cells of a row, a status indicator's 年均/累计 cells as reporting/figures.py prints them in
    the report (its latest status, “—”), never a period figure of ranks."""
    if not is_status(indicator):
        return printed
    actuals = {c.year: values[c.key] for c in layout if c.year is not None and c.key != "forecast" and c.key in values}
    to_date, full_period = period_cells(indicator, actuals, None, None)
    return {**printed, "to_date": to_date, "full_period": full_period}


def _annex_columns(catalog: Catalog, plan: Plan, campaign: Campaign) -> list[Column]:
    """The official columns of 附件3/附件4, with 单位自评 after the computed 综合进度评价 and 分析说明 last; a unit's
    上报说明 stays out (the office reviews it in 已说明异常数据)."""
    columns: list[Column] = []
    analysis = None
    for column in indicator_layout(catalog, plan, campaign):
        if column.key == "explanation":
            continue
        if column.key == "analysis":
            analysis = column
            continue
        columns.append(column)
        if column.key == "self_rating":
            columns.append(Column("unit_rating", "单位自评", frozenset(), required=False))
    columns.append(analysis or Column("analysis", "分析说明", frozenset(), required=False))
    return columns


_PRINTED_NUMBER = re.compile(r"-?\d+(?:\.\d+)?")


def _figure(value: object) -> object:
    """A printed figure (“14”, “0.14”) as the number it is, so the office can sum and sort it; any other text
    (a rating, “—”, a target such as “≥95”) stays text."""
    if isinstance(value, str) and _PRINTED_NUMBER.fullmatch(value):
        return float(value) if "." in value else int(value)
    return value


def _decimals(value: float) -> int:
    text = repr(value)
    return len(text.split(".", 1)[1]) if "." in text and "e" not in text else 2


def _print_setup(sheet: Worksheet, header_row: int) -> None:
    """A4 landscape, every column on one page width, the header row printed on every page, centred."""
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0
    from openpyxl.worksheet.properties import PageSetupProperties

    sheet.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=True)
    sheet.print_title_rows = f"{header_row}:{header_row}"
    sheet.print_options.horizontalCentered = True


def write_summary_xlsx(
    path: Path,
    catalog: Catalog,
    campaign: Campaign,
    as_of: dt.date,
    statuses: list[ObligationStatus],
    contacts: list[Row] | None = None,
    figure_notes: list[Row] | None = None,
    quality: Mapping[str, UnitQuality] | None = None,
    explained: list[Row] | None = None,
) -> Path:
    """报送情况统计: a 汇总 sheet (completeness and timeliness by form and unit kind), a 明细 sheet, when the
    campaign collects them the 联系人 (附件7) received so far, and — once the indicator tables are aggregated
    and some figures need settling (``warehouse.queries.figure_notes``) — a 需核定数据 sheet, one note a row;
    with ``quality`` (``warehouse.quality.data_quality``) a 数据质量 sheet, one unit a row; and when units
    explained warned values (``warehouse.queries.explained_anomalies``) a 已说明异常数据 sheet."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    workbook = Workbook()
    summary = _first_sheet(workbook)
    summary.title = "汇总"
    work = catalog.placed(campaign_title(catalog, campaign).work)
    put_row(summary, [f"{work} 报送情况统计(截至{as_of.isoformat()})"])
    summary["A1"].font = Font(bold=True, size=14)
    put_row(summary, ["表单", "单位类型", "应报", "已报", "按时", "逾期", "仅有退回版本", "未报", "报送率", "及时率"])
    for row in completeness_rows(statuses):
        expected = row["expected"] or 1
        put_row(
            summary,
            [
                FORM_LABELS.get(row["form"], row["form"]),
                row["unit_kind"],
                row["expected"],
                row["received"],
                row["on_time"],
                row["late"],
                row["rejected_only"],
                row["missing"],
                f"{row['received'] / expected:.0%}",
                f"{row['on_time'] / expected:.0%}",
            ],
        )
    detail = workbook.create_sheet("明细")
    put_row(
        detail, ["单位代码", "单位名称", "单位类型", "表单", "截止日期", "状态", "是否逾期", "上传次数", "首次受理时间"]
    )
    for item in sorted(statuses, key=lambda s: (STATUSES.index(s.status) * -1, s.unit_code, s.form)):
        accepted = item.first_accepted_at
        put_row(
            detail,
            [
                item.unit_code,
                catalog.unit(item.unit_code).name,
                item.unit_kind,
                FORM_LABELS.get(item.form, item.form),
                item.due.isoformat(),
                STATUS_LABELS[item.status],
                "是" if item.overdue and item.status in ("missing", "rejected_only") else "",
                item.uploads,
                dt.datetime.fromisoformat(accepted).astimezone(BEIJING).strftime("%Y-%m-%d %H:%M") if accepted else "",
            ],
        )
    sheets = [summary, detail]
    if contacts is not None:
        sheets.append(_contacts_sheet(workbook.create_sheet("联系人"), contacts))
    for sheet in sheets:
        for column in "ABCDEFGHIJ":
            sheet.column_dimensions[column].width = 16
    if figure_notes:
        _figure_notes_sheet(workbook.create_sheet("需核定数据"), catalog, figure_notes)
    if quality:
        _quality_sheet(workbook.create_sheet("数据质量"), catalog, quality)
    if explained:
        _explained_sheet(workbook.create_sheet(EXPLAINED_SHEET), catalog, explained)
    return replace_atomically(path, workbook.save)


QUALITY_HEADERS = ["单位代码", "单位名称", "表单数", "一次通过", "一次通过率", "退回次数", "逾期天数", "提示条数"]


def _quality_sheet(sheet: Worksheet, catalog: Catalog, quality: Mapping[str, UnitQuality]) -> Worksheet:
    """数据质量: per unit, its forms, those accepted at the first upload (and the rate), its rejected uploads,
    the most days late and the warnings on the versions that count — units in catalog order."""
    put_row(sheet, QUALITY_HEADERS)
    for unit in catalog.units:
        if (q := quality.get(unit.code)) is not None:
            row = [unit.code, unit.name, q.forms, q.first_pass, f"{q.first_pass_rate:.0%}"]
            put_row(sheet, [*row, q.rejections, q.days_late, q.warnings])
    for column, width in zip("ABCDEFGH", (24, 20, 8, 10, 12, 10, 10, 10), strict=True):
        sheet.column_dimensions[column].width = width
    return sheet


EXPLAINED_SHEET = "已说明异常数据"
EXPLAINED_HEADERS = ["规划", "指标", "报送单位", "年份", "数值", "单元格", "警告", "上报说明"]


def _explained_sheet(sheet: Worksheet, catalog: Catalog, rows: list[Row]) -> Worksheet:
    """已说明异常数据: each warned value (警告) a unit's current indicator table carries with its 上报说明, one
    warning a row, for the office to review (docs/validation.md, “Severities”)."""
    put_row(sheet, EXPLAINED_HEADERS)
    for row in rows:
        indicator = catalog.indicator(row["indicator_code"])
        year = f"{row['year']}年{'预测值' if row['is_forecast'] else ''}"
        put_row(
            sheet,
            [
                catalog.plan(row["plan_code"]).short_name,
                indicator.plain_name,
                catalog.unit(row["unit_code"]).name,
                year,
                indicator.with_unit(row["value"]),
                f"第{row['version']}版 {row['cell']}",
                row["warning"] or "",
                row["explanation"],
            ],
        )
    for column, width in zip("ABCDEFGH", (16, 36, 20, 12, 12, 18, 60, 60), strict=True):
        sheet.column_dimensions[column].width = width
    return sheet


FIGURE_NOTE_HEADERS = ["规划", "序号", "指标", "报送单位", "需核定事项"]


def _figure_notes_sheet(sheet: Worksheet, catalog: Catalog, rows: list[Row]) -> Worksheet:
    """需核定数据: each note aggregation recorded on an indicator (the lead's figure used, a unit's differing
    figure, a cell that differs from the raw figures), with the plan's row and the units that reported it."""
    put_row(sheet, FIGURE_NOTE_HEADERS)
    for row in rows:
        indicator = catalog.indicator(row["indicator_code"])
        units = "、".join(catalog.unit(code).name for code in (row["source_units"] or "").split(",") if code)
        for note in source_notes(row["conflict"]):
            put_row(sheet, [catalog.plan(row["plan_code"]).short_name, row["seq"], indicator.plain_name, units, note])
    for column, width in zip("ABCDE", (16, 8, 36, 24, 80), strict=True):
        sheet.column_dimensions[column].width = width
    return sheet


CONTACT_HEADERS = ["单位", "类别", "姓名", "职务", "联系方式", "备注"]


def put_row(sheet: Worksheet, values: Iterable[object]) -> None:
    """Append one row to ``sheet``, each value as ``safetext.cell_text`` makes it: the only way this module
    writes a cell, so text from a submission never becomes a live formula."""
    sheet.append([cell_text(value) for value in values])


def _first_sheet(workbook: Workbook) -> Worksheet:
    """The worksheet a new Workbook opens with (openpyxl types ``active`` as any kind of sheet, or none)."""
    from openpyxl.worksheet.worksheet import Worksheet

    sheet = workbook.active
    if not isinstance(sheet, Worksheet):
        raise TypeError(f"a new workbook opens with a worksheet, not {sheet!r}")
    return sheet


def _contacts_sheet(sheet: Worksheet, contacts: list[Row]) -> Worksheet:
    put_row(sheet, CONTACT_HEADERS)
    for row in contacts:
        put_row(sheet, [row["unit_name"], row["category"], row["person"], row["position"], row["phone"], row["note"]])
    return sheet


def write_contacts_xlsx(path: Path, contacts: list[Row]) -> Path:
    """联系人汇总: the 附件7 contacts of every unit, one row per category."""
    from openpyxl import Workbook

    workbook = Workbook()
    sheet = _contacts_sheet(_first_sheet(workbook), contacts)
    sheet.title = "联系人汇总"
    for column in "ABCDEF":
        sheet.column_dimensions[column].width = 22
    return replace_atomically(path, workbook.save)
