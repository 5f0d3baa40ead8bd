"""The pre-filled Excel forms each unit receives: one workbook per form it owes in a campaign, with only the
rows it answers for, dropdowns for its choices and the 填表说明 under the table. Every cell is written
through ``put`` (``safetext.cell_text``), catalog text included, as every workbook planeval writes.

May import: planeval.catalog, planeval.safetext."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from planeval.catalog import Campaign, Catalog, Indicator, Plan, TableForm, Unit
from planeval.catalog.layouts import figures_layout, indicator_layout, project_layout, row_table_layout
from planeval.catalog.model import role_in
from planeval.safetext import cell_text

if TYPE_CHECKING:  # openpyxl is imported where a form is written
    from openpyxl import Workbook
    from openpyxl.cell.cell import Cell
    from openpyxl.styles import Alignment, Border, PatternFill
    from openpyxl.worksheet.worksheet import Worksheet

FormValue = str | int | None  # what a pre-filled cell holds
FormWriter = Callable[[Catalog, Campaign, Unit, Path], Path | None]


def period_label(campaign: Campaign) -> str:
    return f"{campaign.year}年上半年" if campaign.kind == "half_year" else f"{campaign.year}年"


def form_filename(catalog: Catalog, campaign: Campaign, unit: Unit, form: str = "indicator_table") -> str:
    return f"{unit.name}_{period_label(campaign)}{getattr(catalog.forms, form).label}.xlsx"


def put(sheet: Worksheet, row: int, column: int, value: FormValue) -> Cell:
    """Write one cell, the value as ``safetext.cell_text`` makes it: the only way this module writes a cell."""
    return sheet.cell(row=row, column=column, value=cell_text(value))


# Under the indicator table of a unit that cooperates on some of its rows (docs/assessment.md, “Cooperating units”).
COOPERATING_NOTE = (
    "注:责任单位一栏标“本单位配合”的指标由牵头单位负责报送,本单位为配合单位,可填报本单位掌握的数据,也可留空;"
    "汇总时采用牵头单位的数据,本单位数据与之不一致的,由{office}核定。"
)
EXPLANATION_NOTE = (
    "注:回执中标为“警告”的数值(如明显偏离其他年份、降幅为负),须在本行“上报说明”列写明原因方可受理;"
    "未出现警告的指标无需填写。"
)


def cooperating_indicators(catalog: Catalog, unit_code: str, plan_codes: tuple[str, ...]) -> list[Indicator]:
    """The indicators of these plans the unit cooperates on (配合), in table order, each once."""
    found = {
        indicator.code: indicator
        for plan_code in plan_codes
        for indicator in catalog.plan_indicators(plan_code)
        if unit_code in indicator.cooperating
    }
    return list(found.values())


def offered_forms(catalog: Catalog, campaign: Campaign, unit: Unit) -> list[str]:
    """The forms the unit receives: those it owes (``Catalog.expected_forms``) and, where the campaign asks
    for the indicator table, that table for a unit that only cooperates on indicators — offered, not owed:
    its figures are optional, so no obligation is recorded and no reminder sent for it."""
    forms = catalog.expected_forms(campaign, unit)
    asks = campaign.due("indicator_table") is not None
    if asks and "indicator_table" not in forms and cooperating_indicators(catalog, unit.code, campaign.plans):
        forms.append("indicator_table")
    return forms


def write_unit_forms(catalog: Catalog, campaign: Campaign, unit: Unit, folder: Path) -> list[Path]:
    """Every pre-filled workbook the unit receives in the campaign (one file per form: each has its own due
    date and its own receipt); existing files are kept, so a unit's own edits are never overwritten."""
    writers: dict[str, FormWriter] = {
        "indicator_table": write_unit_form,
        "task_table": write_task_form,
        "contacts": write_contacts_form,
        "figures_table": write_figures_form,
    }
    written: list[Path] = []
    for form in offered_forms(catalog, campaign, unit):
        if form not in writers:
            continue
        path = folder / form_filename(catalog, campaign, unit, form)
        if path.exists() or writers[form](catalog, campaign, unit, path):
            written.append(path)
    return written


def _write_row_table(
    path: Path, unit: Unit, form: TableForm, title: str, rows: list[dict[str, FormValue]], choices: tuple[str, ...] = ()
) -> Path:
    """A one-sheet workbook: title, 填报单位, the form's header, pre-filled rows, a dropdown for the
    form's choices (``ratings``) in its ``status`` column and the 填表说明 under the table."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.datavalidation import DataValidation

    workbook = Workbook()
    sheet = workbook.worksheets[0]  # the sheet a new workbook starts with (its active one)
    sheet.title = form.label[:31]
    layout = row_table_layout(form)
    put(sheet, 1, 1, title).font = Font(bold=True, size=14)
    put(sheet, 1, max(len(layout) - 1, 2), f"填报单位:{unit.name}")
    for index, column in enumerate(layout, start=1):
        cell = put(sheet, 2, index, column.header)
        cell.font = Font(bold=True)
        cell.alignment = Alignment(wrap_text=True, horizontal="center", vertical="center")
        sheet.column_dimensions[get_column_letter(index)].width = 28 if column.key != "seq" else 8
    for offset, values in enumerate(rows):
        for index, column in enumerate(layout, start=1):
            cell = put(sheet, 3 + offset, index, values.get(column.key))
            cell.alignment = Alignment(wrap_text=True, vertical="center")
    keys = [c.key for c in layout]
    if choices and "status" in keys and rows:
        letter = get_column_letter(keys.index("status") + 1)
        dropdown = DataValidation(type="list", formula1='"' + ",".join(choices) + '"', allow_blank=True)
        dropdown.add(f"{letter}3:{letter}{2 + len(rows)}")
        sheet.add_data_validation(dropdown)
    if form.instructions:
        put(sheet, 4 + len(rows), 1, form.instructions)
    path.parent.mkdir(parents=True, exist_ok=True)
    workbook.save(path)
    return path


def write_task_form(catalog: Catalog, campaign: Campaign, unit: Unit, path: Path) -> Path | None:
    """The work points the unit leads or cooperates on, with its role, ready for its progress."""
    tasks = catalog.tasks_of_unit(unit.code)
    form = catalog.forms.task_table
    if not tasks or form is None:
        return None
    rows: list[dict[str, FormValue]] = [
        {
            "seq": task.number,
            "name": task.title,
            "lead": task.lead_text or "、".join(catalog.unit(code).name for code in task.lead),
            "cooperating": task.cooperating_text or "、".join(catalog.unit(code).name for code in task.cooperating),
            "role": role,
        }
        for task, role in tasks
    ]
    title = f"{catalog.city}{period_label(campaign)}{form.label}"
    return _write_row_table(path, unit, form, title, rows, form.ratings)


def write_contacts_form(catalog: Catalog, campaign: Campaign, unit: Unit, path: Path) -> Path | None:
    """附件7 报送回执: one row per plan of the campaign (类别), for the unit's contact person."""
    form = catalog.forms.contacts
    if form is None:
        return None
    categories = [plan.short_name for plan in catalog.campaign_plans(campaign)] or [campaign.name]
    return _write_row_table(path, unit, form, form.label, [{"name": c} for c in categories])


def write_figures_form(catalog: Catalog, campaign: Campaign, unit: Unit, path: Path) -> Path | None:
    """A town's 基础数据表: the raw figures of its area that the city's figures are summed from."""
    from openpyxl import Workbook

    workbook = Workbook()
    workbook.remove(workbook.worksheets[0])
    if not _add_figures_sheet(workbook, catalog, campaign, unit):
        return None
    path.parent.mkdir(parents=True, exist_ok=True)
    workbook.save(path)
    return path


def _add_figures_sheet(workbook: Workbook, catalog: Catalog, campaign: Campaign, unit: Unit) -> bool:
    """Append the 基础数据 sheet (the unit's measures, base year first); False when it reports none."""
    from openpyxl.styles import Alignment, Font
    from openpyxl.utils import get_column_letter

    form = catalog.forms.figures_table
    if form is None or not campaign.plans:
        return False
    measures = catalog.measures_of_unit(unit.code, campaign.plans)
    if not measures:
        return False
    layout = figures_layout(catalog, campaign)
    sheet: Worksheet = workbook.create_sheet(form.label[:31])
    put(sheet, 1, 1, f"{catalog.city}{period_label(campaign)}{form.label}").font = Font(bold=True, size=14)
    put(sheet, 1, max(len(layout) - 1, 2), f"填报单位:{unit.name}")
    for index, column in enumerate(layout, start=1):
        cell = put(sheet, 2, index, column.header)
        cell.font = Font(bold=True)
        cell.alignment = Alignment(wrap_text=True, horizontal="center", vertical="center")
        sheet.column_dimensions[get_column_letter(index)].width = 36 if column.key in ("name", "note") else 12
    for offset, measure in enumerate(measures):
        values: dict[str, FormValue] = {"seq": offset + 1, "name": measure.name, "unit": measure.unit}
        for index, column in enumerate(layout, start=1):
            put(sheet, 3 + offset, index, values.get(column.key))
    put(
        sheet,
        4 + len(measures),
        1,
        "填表说明:填写本单位(本区域)的基础数据原始数值(起数、人数、金额等),不填百分比;"
        "已在指标表中填写比率或降幅的,基础数据可供核对。",
    )
    return True


def write_unit_form(catalog: Catalog, campaign: Campaign, unit: Unit, path: Path) -> Path | None:
    """Write the unit's pre-filled workbook; None when it answers for no indicator or project.

    One sheet per 附件 table with only the rows this unit answers for (the official 序号 kept), empty
    value cells, a dropdown for 综合进度评价 and the 填表说明 under the table.
    """
    from openpyxl import Workbook

    styles = _TableStyles.create()
    workbook = Workbook()
    workbook.remove(workbook.worksheets[0])
    wrote_any = False
    for plan in catalog.campaign_plans(campaign):
        wrote_any |= _add_indicator_sheet(workbook, styles, catalog, campaign, unit, plan)
    for plan in catalog.campaign_plans(campaign):
        wrote_any |= _add_project_sheet(workbook, styles, catalog, campaign, unit, plan)
    if not wrote_any:
        return None
    _add_figures_sheet(workbook, catalog, campaign, unit)
    path.parent.mkdir(parents=True, exist_ok=True)
    workbook.save(path)
    return path


@dataclass(frozen=True)
class _TableStyles:
    """The look of the 附件 tables: bordered cells, a coloured header, grey pre-filled cells."""

    border: Border
    header_fill: PatternFill
    locked_fill: PatternFill
    wrap: Alignment

    @classmethod
    def create(cls) -> _TableStyles:
        from openpyxl.styles import Alignment, Border, PatternFill, Side

        thin = Side(style="thin")
        return cls(
            border=Border(left=thin, right=thin, top=thin, bottom=thin),
            header_fill=PatternFill("solid", fgColor="DDEBF7"),
            locked_fill=PatternFill("solid", fgColor="F2F2F2"),
            wrap=Alignment(wrap_text=True, vertical="center", horizontal="center"),
        )


def _start_sheet(
    workbook: Workbook, styles: _TableStyles, unit: Unit, title: str, sheet_title: str, headers: list[str]
) -> Worksheet:
    """A new sheet named after the 附件: its title, 填报单位 and the styled header row, frozen below it."""
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    sheet: Worksheet = workbook.create_sheet(title)  # the stubs type it Any (write-only or not)
    put(sheet, 1, 1, f"{title}  {sheet_title}").font = Font(bold=True, size=14)
    put(sheet, 1, len(headers) - 1, f"填报单位:{unit.name}")
    for index, header in enumerate(headers, start=1):
        cell = put(sheet, 2, index, header)
        cell.font = Font(bold=True)
        cell.fill = styles.header_fill
        cell.alignment = styles.wrap
        cell.border = styles.border
        sheet.column_dimensions[get_column_letter(index)].width = 12
    sheet.freeze_panes = "C3"
    return sheet


def _add_indicator_sheet(
    workbook: Workbook, styles: _TableStyles, catalog: Catalog, campaign: Campaign, unit: Unit, plan: Plan
) -> bool:
    """Append the plan's indicator table (附件3/4) with the unit's indicators; False when it has none."""
    from openpyxl.styles import Alignment
    from openpyxl.utils import get_column_letter

    table = plan.indicator_table
    mine = [
        (seq, indicator, role)
        for seq, code in enumerate(table.indicators, start=1)
        if (role := role_in(unit.code, (indicator := catalog.indicator(code)).responsible, indicator.cooperating))
    ]
    if not mine:
        return False
    layout = indicator_layout(catalog, plan, campaign)
    sheet = _start_sheet(workbook, styles, unit, table.annex, table.title, [c.header for c in layout])
    keys = [c.key for c in layout]
    sheet.column_dimensions[get_column_letter(keys.index("name") + 1)].width = 40
    sheet.column_dimensions[get_column_letter(keys.index("analysis") + 1)].width = 40
    if "explanation" in keys:
        sheet.column_dimensions[get_column_letter(keys.index("explanation") + 1)].width = 40
    prefilled = {"seq", "name", "target", "attribute", "responsible"}
    for offset, (seq, indicator, role) in enumerate(mine):
        row = 3 + offset
        values: dict[str, FormValue] = {
            "seq": seq,
            "name": indicator.name,
            "target": indicator.target_text,
            "attribute": indicator.attribute,
            "responsible": responsible_cell(catalog, indicator, role),
        }
        for index, key in enumerate(keys, start=1):
            cell = put(sheet, row, index, values.get(key))
            cell.border = styles.border
            if key in prefilled:
                cell.fill = styles.locked_fill
                cell.alignment = Alignment(wrap_text=True, vertical="center")
    _add_rating_dropdown(catalog, sheet, get_column_letter(keys.index("self_rating") + 1), 2 + len(mine))
    if any(role == "配合" for *_, role in mine):
        put(sheet, 2 + len(mine) + 3, 1, COOPERATING_NOTE.format(office=catalog.short_office))
    if "explanation" in keys:
        put(sheet, 2 + len(mine) + 4, 1, EXPLANATION_NOTE)
    return True


def responsible_cell(catalog: Catalog, indicator: Indicator, role: str) -> str:
    """The 责任单位 cell of a unit's row: the table's wording (else the responsible units' names), marked
    “(本单位配合)” on a row the unit cooperates on (a responsible unit's row keeps the wording as it is)."""
    if role != "配合":
        return indicator.responsible_text
    text = indicator.responsible_text or "、".join(catalog.unit(code).name for code in indicator.responsible)
    return f"{text}(本单位配合)"


def _add_rating_dropdown(catalog: Catalog, sheet: Worksheet, letter: str, last_row: int) -> None:
    """The 综合进度评价 dropdown over the rows of column ``letter``, and the 填表说明 under the table."""
    from openpyxl.worksheet.datavalidation import DataValidation

    form = catalog.forms.indicator_table
    assert form is not None, "an indicator table is written only with the indicator form"
    dropdown = DataValidation(
        type="list",
        formula1='"' + ",".join(form.ratings) + '"',
        allow_blank=True,
        showErrorMessage=True,
        errorTitle="综合进度评价",
        error="请从下拉列表中选择:" + "、".join(form.ratings),
    )
    dropdown.add(f"{letter}3:{letter}{last_row}")
    sheet.add_data_validation(dropdown)
    put(sheet, last_row + 2, 1, form.instructions)


def _add_project_sheet(
    workbook: Workbook, styles: _TableStyles, catalog: Catalog, campaign: Campaign, unit: Unit, plan: Plan
) -> bool:
    """Append the plan's key-project table with the unit's projects; False when it has none."""
    from openpyxl.styles import Alignment
    from openpyxl.utils import get_column_letter

    if plan.project_table is None:
        return False
    projects = catalog.projects_of_unit(unit.code, [plan.code])
    if not projects:
        return False
    layout = project_layout(catalog)
    sheet = _start_sheet(
        workbook, styles, unit, plan.project_table.annex, plan.project_table.title, [c.header for c in layout]
    )
    keys = [c.key for c in layout]
    for key in ("name", "breakdown", "progress", "results"):
        sheet.column_dimensions[get_column_letter(keys.index(key) + 1)].width = 36
    all_projects = [p for p in catalog.projects if p.plan == plan.code]
    for offset, project in enumerate(projects):
        values: dict[str, FormValue] = {
            "seq": all_projects.index(project) + 1,
            "name": project.name,
            "breakdown": project.content,
            "responsible": "、".join(catalog.unit(code).name for code in project.responsible),
        }
        for index, key in enumerate(keys, start=1):
            cell = put(sheet, 3 + offset, index, values.get(key))
            cell.border = styles.border
            cell.alignment = Alignment(wrap_text=True, vertical="center")
    cutoff = campaign.progress_cutoff or campaign.data_cutoff
    put(sheet, 4 + len(projects), 1, f"填表说明:请填写截至{cutoff}的进展情况和主要成果。")
    return True
