"""Read submitted workbooks into rows keyed by sheet, Excel row and column, whatever their layout.

Tables are located by their header row (matched on normalised names and the catalog's aliases, never
by position); the sheet's 附件 number comes from the sheet name, the title above the table, or,
failing both, from which plan's indicators the rows name.

May import: planeval.catalog, planeval.records, planeval.intake.cells, planeval.intake.formats,
planeval.intake.guards."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from planeval.catalog import Campaign, Catalog, Plan, normalise_text
from planeval.catalog.layouts import (
    Column,
    figures_layout,
    indicator_layout,
    period_columns,
    project_layout,
    row_table_layout,
    year_columns,
)
from planeval.intake.cells import (
    MAX_TEXT_CHARS,
    MAX_VALUE_CHARS,
    Cell,
    Number,
    ParsedWorkbook,
    SheetColumns,
    TableRow,
    ambiguity_issue,
    cell_refusal,
    cell_text,
    column_letter,
    normalise_number,
    settle_row,
)
from planeval.intake.formats import percent_cells
from planeval.intake.guards import (
    MAX_COLUMNS,
    MAX_ROWS,
    RejectedFile,
    check_extent,
    extent_refusal,
    scan_xls,
    scan_xlsx,
    sniff_workbook,
)
from planeval.records import Issue

HEADER_SCAN_ROWS = 15


@dataclass
class Sheet:
    rows: Sequence[Sequence[object]]
    merged: list[tuple[int, int, int, int]] = field(default_factory=list)  # (first row, first col, last row, last col)
    name: str = ""
    source: Path | None = None  # the workbook, for the number formats of the few cells that need them


def read_sheets(path: Path) -> dict[str, Sheet]:
    """All sheets of a workbook or CSV, with their merged ranges (raises on unreadable files). A sheet whose
    data area is absurd is refused before it is read (RejectedFile); a cell holding an Excel error
    (#DIV/0!, #REF! …), which python-calamine reads as empty, holds the error's text."""
    sniff_workbook(path)
    suffix = path.suffix.lower()
    if suffix == ".csv":
        return {path.stem: Sheet(_read_csv(path))}
    with path.open("rb") as handle:
        zipped = handle.read(2) == b"PK"
    errors = scan_xlsx(path) if zipped else scan_xls(path)
    from python_calamine import CalamineWorkbook

    workbook = CalamineWorkbook.from_path(str(path))
    sheets = {}
    for name in workbook.sheet_names:
        sheet = workbook.get_sheet_by_name(name)
        last_row, last_column = sheet.end or (-1, -1)
        check_extent(name, last_column + 1, last_row + 1)  # what the grid will hold, before it is built
        merged = [(start[0], start[1], end[0], end[1]) for start, end in (sheet.merged_cell_ranges or [])]
        rows = sheet.to_python(skip_empty_area=False)  # the grid from A1, empty cells as ""
        sheets[name] = Sheet(_with_errors(rows, errors.get(name, {})), merged, name, path)
    return sheets


def _with_errors(rows: Sequence[Sequence[object]], errors: dict[tuple[int, int], str]) -> list[Sequence[object]]:
    """The grid with each Excel error's text (``#DIV/0!``) in its cell, by 0-based (row, column) from A1."""
    grid = list(rows)
    for (row, column), text in errors.items():
        if row < len(grid) and column < len(grid[row]):
            grid[row] = [*grid[row][:column], text or "#N/A", *grid[row][column + 1 :]]
    return grid


def _read_csv(path: Path) -> list[list[object]]:
    """The rows of a CSV, refused (RejectedFile) as soon as it is wider or longer than a form, or holds a
    cell longer than the csv module's field limit."""
    from charset_normalizer import from_bytes

    data = path.read_bytes()
    best = from_bytes(data).best()
    text = str(best) if best is not None else data.decode("utf-8-sig")
    reader = csv.reader(io.StringIO(text.lstrip("\ufeff")))
    rows: list[list[object]] = []
    width = 0
    try:
        for row in reader:
            width = max(width, len(row))
            if width > MAX_COLUMNS or len(rows) >= MAX_ROWS:
                height = len(rows) + 1 + sum(1 for _ in reader)
                raise extent_refusal(path.stem, width, height)
            rows.append(list(row))
    except csv.Error as exc:
        raise RejectedFile(
            Issue(
                "oversized_cell",
                f"CSV 文件第 {reader.line_num} 行无法读取({exc}):单元格内容过长或引号不配对,疑似异常文件,不予读取",
                path.stem,
                reader.line_num or None,
            )
        ) from exc
    return rows


def _find_header(rows: Sequence[Sequence[object]], name_headers: frozenset[str]) -> int | None:
    for index, row in enumerate(rows[:HEADER_SCAN_ROWS]):
        if any(normalise_text(value) in name_headers for value in row):
            return index
    return None


def _spread_merged(sheet: Sheet, row_index: int) -> list[object]:
    """The row with each horizontally merged cell's value repeated over its span (a parent header such as
    “年度完成情况” over 2021年…2024年)."""
    row = list(sheet.rows[row_index]) if row_index < len(sheet.rows) else []
    for first_row, first_col, _last_row, last_col in sheet.merged:
        if first_row == row_index and first_col < len(row):
            row += [None] * (last_col + 1 - len(row))
            for column in range(first_col + 1, last_col + 1):
                row[column] = row[first_col]
    return row


def _header_block(sheet: Sheet, header_index: int, layout: list[Column]) -> tuple[list[list[str]], int]:
    """Per column, the normalised header texts to match, and how many header rows there are (1 or 2).

    Official tables often have a two-row header: a parent cell merged over year columns on top and the
    years below, with 序号 / 规划指标内容 merged down over both rows. The row below the header counts as a
    second header row when it names at least two columns of the layout that the top row does not.
    """
    known = {name for column in layout for name in column.names}
    top = _spread_merged(sheet, header_index)
    below = sheet.rows[header_index + 1] if header_index + 1 < len(sheet.rows) else []
    top_names = {normalise_text(value) for value in top}
    new_below = {normalise_text(v) for v in below if normalise_text(v) in known and normalise_text(v) not in top_names}
    width = max(len(top), len(below))
    if len(new_below) < 2:
        return [[normalise_text(top[j])] if j < len(top) else [] for j in range(width)], 1
    candidates = []
    for j in range(width):
        parent = normalise_text(top[j]) if j < len(top) else ""
        child = normalise_text(below[j]) if j < len(below) else ""
        candidates.append([text for text in (child, parent, parent + child) if text])
    return candidates, 2


def _map_columns(candidates: list[list[str]], layout: list[Column]) -> dict[str, int]:
    """Column key → index, by normalised header names and aliases (never by position)."""
    mapping: dict[str, int] = {}
    for index, texts in enumerate(candidates):
        for text in texts:
            column = next((c for c in layout if c.key not in mapping and text in c.names), None)
            if column is not None:
                mapping[column.key] = index
                break
    return mapping


def _identify_plan(
    catalog: Catalog, campaign: Campaign, sheet_name: str, title_rows: Sequence[Sequence[object]], kind: str
) -> Plan | None:
    texts = [normalise_text(sheet_name)] + [normalise_text(v) for row in title_rows for v in row if v]
    for plan in catalog.campaign_plans(campaign):
        table = plan.indicator_table if kind == "indicator" else plan.project_table
        if table is None:
            continue
        annex, title = normalise_text(table.annex), normalise_text(table.title)
        if any(text == annex or text.startswith(annex) or title in text for text in texts):
            return plan
    return None


def _guess_plan_from_labels(catalog: Catalog, campaign: Campaign, labels: list[str]) -> Plan | None:
    """Pick the plan whose table names the most of these labels, if exactly one does best."""
    scores = []
    for plan in catalog.campaign_plans(campaign):
        score = sum(catalog.match_indicator(label, plan.code) is not None for label in labels)
        scores.append((score, plan))
    scores.sort(key=lambda pair: pair[0], reverse=True)
    if scores and scores[0][0] > 0 and (len(scores) == 1 or scores[0][0] > scores[1][0]):
        return scores[0][1]
    return None


def parse_workbook(catalog: Catalog, campaign: Campaign, path: Path) -> ParsedWorkbook:
    """Locate the 附件 tables in a submitted file and return their filled rows with cell positions."""
    parsed = ParsedWorkbook()
    try:
        sheets = read_sheets(path)
    except RejectedFile as refused:
        parsed.errors.append(refused.issue)
        return parsed
    except Exception as exc:  # any reader failure is the department's file, not our crash
        parsed.errors.append(
            Issue("unreadable_file", f"文件无法读取,请确认是有效的 Excel 文件(.xlsx/.xls)或 CSV:{exc}")
        )
        return parsed
    parsed.opened = True
    parsed.grid_cells = sum(len(sheet.rows) * max(map(len, sheet.rows), default=0) for sheet in sheets.values())

    readers: dict[str, SheetReader] = {
        "indicator": _read_indicator_sheet,
        "project": _read_project_sheet,
        "task": _read_row_table_sheet,
        "contacts": _read_row_table_sheet,
        "figures": _read_figures_sheet,
    }
    names = {kind: _name_headers(catalog, kind) for kind in readers}
    layouts = _layouts(catalog, campaign)
    partial: list[tuple[str, _Recognition]] = []  # sheets that name a table's rows but lack its columns
    for sheet_name, sheet in sheets.items():
        for kind, read in readers.items():
            header_index = _find_header(sheet.rows, names[kind]) if names[kind] else None
            if header_index is None:
                continue
            recognition = _recognise(sheet, header_index, kind, layouts[kind])
            if recognition.sufficient:
                read(catalog, campaign, sheet_name, sheet, header_index, parsed, kind)
                break
            partial.append((sheet_name, recognition))
        else:
            closest = _closest(sheet, layouts)
            if closest is not None and not any(name == sheet_name for name, _ in partial):
                partial.append((sheet_name, closest))

    if parsed.sheets:
        for sheet_name, recognition in partial:
            if "name" in recognition.found:  # another table was read: this sheet is set aside, said so
                parsed.warnings.append(_unrecognised(catalog, sheet_name, recognition, "unrecognised_sheet"))
    elif partial:
        best = max(partial, key=lambda item: item[1].score)[1]
        parsed.closest_table = _FORM_OF_TABLE[best.kind]
        parsed.errors += [
            _unrecognised(catalog, name, recognition, "unrecognised_table") for name, recognition in partial
        ]
    else:
        expected = "、".join(f"“{header}”" for header in _table_name_headers(catalog))
        parsed.errors.append(Issue("no_table", f"未找到下发的表格:请使用下发的表格,表头应包含{expected}列"))
    return parsed


@dataclass(frozen=True)
class _Recognition:
    """How well a header row matches a table kind's layout."""

    kind: str
    header_index: int  # 0-based row of the header
    found: frozenset[str]  # keys of the layout columns the header names
    required: tuple[str, ...]  # headers of the layout's required columns
    missing: tuple[str, ...]  # those the header lacks
    header_rows: int = 1  # 2: the row below completes it (years under a merged parent)

    @property
    def sufficient(self) -> bool:
        """Read as this kind only with the column that names rows and at least half of the required columns:
        a truncated form is not taken for a table that shares one header with it."""
        return "name" in self.found and 2 * (len(self.required) - len(self.missing)) >= len(self.required)

    @property
    def score(self) -> tuple[int, int, int]:
        """Required columns found, columns found, then a one-row header before a title row over it."""
        return len(self.required) - len(self.missing), len(self.found), -self.header_rows


def _layouts(catalog: Catalog, campaign: Campaign) -> dict[str, list[list[Column]]]:
    """Per table kind, the layouts a sheet of that kind may have in the campaign (an indicator table's
    years depend on its plan); none for a form the catalog does not collect."""
    forms, plans = catalog.forms, catalog.campaign_plans(campaign)
    layouts: dict[str, list[list[Column]]] = {kind: [] for kind in _FORM_OF_TABLE}
    if forms.indicator_table is not None:
        layouts["indicator"] = [indicator_layout(catalog, p, campaign) for p in plans if p.indicator_table]
    if forms.project_table is not None:
        layouts["project"] = [project_layout(catalog)]
    for kind in ("task", "contacts"):
        form = getattr(forms, _FORM_OF_TABLE[kind])
        layouts[kind] = [row_table_layout(form)] if form is not None else []
    if forms.figures_table is not None and plans:
        layouts["figures"] = [figures_layout(catalog, campaign)]
    return layouts


def _recognise(sheet: Sheet, header_index: int, kind: str, layouts: list[list[Column]]) -> _Recognition:
    """The best match of the header at ``header_index`` against the kind's layouts."""
    matches = []
    for layout in layouts:
        candidates, header_rows = _header_block(sheet, header_index, layout)
        found = frozenset(_map_columns(candidates, layout))
        required = tuple(c.header for c in layout if c.required)
        missing = tuple(c.header for c in layout if c.required and c.key not in found)
        matches.append(_Recognition(kind, header_index, found, required, missing, header_rows))
    return max(matches, key=lambda match: match.score, default=_Recognition(kind, header_index, frozenset(), (), ()))


def _closest(sheet: Sheet, layouts: dict[str, list[list[Column]]]) -> _Recognition | None:
    """For a sheet without the column that names rows: the table kind and header row it resembles most,
    when at least two of its columns are there (a truncated form), else None."""
    candidates = [
        _recognise(sheet, index, kind, kind_layouts)
        for kind, kind_layouts in layouts.items()
        if kind_layouts
        for index in range(min(HEADER_SCAN_ROWS, len(sheet.rows)))
    ]
    best = max(candidates, key=lambda match: match.score, default=None)
    return best if best is not None and best.score[0] >= 1 and len(best.found) >= 2 else None


def _unrecognised(catalog: Catalog, sheet_name: str, recognition: _Recognition, code: str) -> Issue:
    """The sheet's header lacks columns of the form it resembles: which, and what the form has."""
    form = getattr(catalog.forms, _FORM_OF_TABLE[recognition.kind])
    missing = "".join(f"“{header}”" for header in dict.fromkeys(recognition.missing))
    required = "".join(f"“{header}”" for header in dict.fromkeys(recognition.required))
    ignored = ",已忽略该工作表" if code == "unrecognised_sheet" else ""
    return Issue(
        code,
        f"无法识别表格类型:工作表“{sheet_name}”第{recognition.header_index + 1}行的表头缺少列{missing}"
        f"(下发的“{form.label}”应有{required}列){ignored};请使用下发的表格,勿删除或改写表头",
        sheet_name,
        recognition.header_index + 1,
    )


# Reads one table found in a sheet: (catalog, campaign, sheet name, sheet, header row index, parsed, table kind).
SheetReader = Callable[[Catalog, Campaign, str, Sheet, int, ParsedWorkbook, str], None]

_FORM_OF_TABLE = {
    "indicator": "indicator_table",
    "project": "project_table",
    "task": "task_table",
    "contacts": "contacts",
    "figures": "figures_table",
}


def _table_name_headers(catalog: Catalog) -> list[str]:
    forms = [getattr(catalog.forms, form) for form in _FORM_OF_TABLE.values()]
    return [form.column("name").header for form in forms if form is not None]


def _name_headers(catalog: Catalog, kind: str) -> frozenset[str]:
    """Normalised spellings of the column that names a row (规划指标内容 / 任务名称 / 工作要点 / 类别)."""
    form = getattr(catalog.forms, _FORM_OF_TABLE[kind])
    if form is None:
        return frozenset()
    spec = form.column("name")
    return frozenset(normalise_text(text) for text in (spec.header, *spec.aliases))


def _read_indicator_sheet(
    catalog: Catalog,
    campaign: Campaign,
    sheet_name: str,
    sheet: Sheet,
    header_index: int,
    parsed: ParsedWorkbook,
    kind: str,
) -> None:
    plan = _identify_plan(catalog, campaign, sheet_name, sheet.rows[:header_index], "indicator")
    if plan is None:
        names = _name_headers(catalog, "indicator")
        name_index = next(i for i, value in enumerate(sheet.rows[header_index]) if normalise_text(value) in names)
        labels = [cell_text(row[name_index]) for row in sheet.rows[header_index + 1 :] if name_index < len(row)]
        plan = _guess_plan_from_labels(catalog, campaign, labels)
    if plan is None:
        parsed.warnings.append(Issue("unknown_sheet", f"工作表“{sheet_name}”无法判断属于哪个附件,已忽略", sheet_name))
        return
    layout = indicator_layout(catalog, plan, campaign)
    _collect_rows(catalog, plan, sheet_name, sheet, header_index, layout, "indicator", parsed)


def _read_project_sheet(
    catalog: Catalog,
    campaign: Campaign,
    sheet_name: str,
    sheet: Sheet,
    header_index: int,
    parsed: ParsedWorkbook,
    kind: str,
) -> None:
    plan = _identify_plan(catalog, campaign, sheet_name, sheet.rows[:header_index], "project")
    if plan is None:
        parsed.warnings.append(Issue("unknown_sheet", f"工作表“{sheet_name}”无法判断属于哪个附件,已忽略", sheet_name))
        return
    _collect_rows(catalog, plan, sheet_name, sheet, header_index, project_layout(catalog), "project", parsed)


def _read_figures_sheet(
    catalog: Catalog,
    campaign: Campaign,
    sheet_name: str,
    sheet: Sheet,
    header_index: int,
    parsed: ParsedWorkbook,
    kind: str,
) -> None:
    """A 基础数据 sheet: raw figures by measure, base year first (no plan: measures serve every plan)."""
    if not campaign.plans:
        return
    _collect_rows(catalog, None, sheet_name, sheet, header_index, figures_layout(catalog, campaign), kind, parsed)


def _read_row_table_sheet(
    catalog: Catalog,
    campaign: Campaign,
    sheet_name: str,
    sheet: Sheet,
    header_index: int,
    parsed: ParsedWorkbook,
    kind: str,
) -> None:
    """Tables that belong to no plan: the work-point progress table and the contacts form (附件7)."""
    layout = row_table_layout(getattr(catalog.forms, _FORM_OF_TABLE[kind]))
    _collect_rows(catalog, None, sheet_name, sheet, header_index, layout, kind, parsed)


def _collect_rows(
    catalog: Catalog,
    plan: Plan | None,
    sheet_name: str,
    sheet: Sheet,
    header_index: int,
    layout: list[Column],
    kind: str,
    parsed: ParsedWorkbook,
) -> None:
    candidates, header_rows = _header_block(sheet, header_index, layout)
    mapping = _map_columns(candidates, layout)
    first_body = header_index + header_rows
    body = sheet.rows[first_body:]
    parsed.sheets.append(
        SheetColumns(
            sheet=sheet_name,
            plan_code=plan.code if plan else None,
            table=kind,
            present={key: column_letter(index) for key, index in mapping.items()},
            missing_required=[c.header for c in layout if c.required and c.key not in mapping],
            required=[(c.key, c.header) for c in layout if c.required],
            header_row=header_index + 1,
        )
    )
    if "name" not in mapping:
        return
    fixed = {"seq", "name", "target", "attribute", "responsible", "lead", "cooperating", "role", "unit"}
    value_keys = [c.key for c in layout if c.key not in fixed]
    numeric_keys = {c.key for c in [*year_columns(layout), *period_columns(layout)]}
    headers = {c.key: c.header for c in layout}
    read: list[tuple[TableRow, list[TableRow]]] = []
    for offset, row in enumerate(body):
        label = cell_text(row[mapping["name"]]) if mapping["name"] < len(row) else ""
        if not label or label.startswith("填表说明") or label.startswith("注"):
            continue
        cells = {
            key: Cell(column_letter(index), row[index] if index < len(row) else None) for key, index in mapping.items()
        }
        if not any(cell_text(cells[key].raw) for key in value_keys if key in cells):
            continue  # a row left for another unit, or not yet filled: nothing was submitted for it
        refused = _refused_cells(sheet_name, first_body + 1 + offset, cells, layout, numeric_keys)
        if refused:  # the row is not read: a refused cell never reaches validation or the warehouse
            parsed.errors += refused
            continue
        code, target = _row_code(catalog, plan.code if plan else None, kind, label, cells, parsed)
        read.append(
            (TableRow(sheet_name, first_body + 1 + offset, plan.code if plan else None, label, code, cells), target)
        )
    formatted = _percent_formatted(sheet, [row for row, _ in read if kind == "indicator"], numeric_keys, mapping)
    for table_row, target in read:  # each number is read here, once
        if kind == "indicator":
            _settle_indicator_row(catalog, table_row, numeric_keys, headers, mapping, formatted, parsed)
        else:
            unit = catalog.measure(table_row.code).unit if kind == "figures" and table_row.code else ""
            for key in numeric_keys & table_row.cells.keys():
                table_row.cells[key].number = Number(*normalise_number(table_row.cells[key].raw, unit))
        target.append(table_row)


def _percent_formatted(
    sheet: Sheet, rows: list[TableRow], numeric_keys: set[str], mapping: dict[str, int]
) -> set[tuple[int, int]]:
    """The numeric value cells of these indicator rows that are formatted as a percentage, by 0-based (row,
    column): only cells holding a number are asked about, and only when there is a workbook to ask."""
    wanted = {
        (row.row - 1, mapping[key])
        for row in rows
        for key in numeric_keys & row.cells.keys()
        if isinstance(row.cells[key].raw, int | float) and not isinstance(row.cells[key].raw, bool)
    }
    return percent_cells(sheet.source, sheet.name, wanted) if sheet.source is not None and wanted else set()


def _settle_indicator_row(
    catalog: Catalog,
    row: TableRow,
    numeric_keys: set[str],
    headers: dict[str, str],
    mapping: dict[str, int],
    formatted: set[tuple[int, int]],
    parsed: ParsedWorkbook,
) -> None:
    """The row's numbers settled together (``cells.settle_row``): a cell read one of two ways is a warning
    naming the reading taken, one that cannot be settled an error (its number is not read)."""
    indicator = catalog.indicator(row.code) if row.code else None
    keys = sorted(numeric_keys & row.cells.keys())
    letters = {key: row.cells[key].column for key in keys}
    numbers, ambiguities = settle_row(
        indicator,
        {key: (row.cells[key].raw, (row.row - 1, mapping[key]) in formatted) for key in keys},
    )
    for key in keys:
        row.cells[key].number = numbers[key]
    for ambiguity in ambiguities:
        issue = ambiguity_issue(
            ambiguity, indicator, headers[ambiguity.key], row.sheet, row.row, letters[ambiguity.key]
        )
        (parsed.warnings if ambiguity.severity == "warning" else parsed.errors).append(issue)


def _refused_cells(
    sheet_name: str, row: int, cells: dict[str, Cell], layout: list[Column], numeric_keys: set[str]
) -> list[Issue]:
    """An error per cell of the row whose content cannot be taken (``cells.cell_refusal``): value cells
    (years, forecast, 年均/累计) are held to MAX_VALUE_CHARS, text cells to MAX_TEXT_CHARS."""
    headers = {column.key: column.header for column in layout}
    issues = []
    for key, cell in cells.items():
        limit = MAX_VALUE_CHARS if key in numeric_keys else MAX_TEXT_CHARS
        refusal = cell_refusal(cell.raw, headers[key], limit)
        if refusal is not None:
            issues.append(Issue(refusal[0], refusal[1], sheet_name, row, cell.column))
    return issues


def _row_code(
    catalog: Catalog, plan_code: str | None, kind: str, label: str, cells: dict[str, Cell], parsed: ParsedWorkbook
) -> tuple[str | None, list[TableRow]]:
    """The catalog entry a row names, and the list of rows it belongs to (indicators and key projects are
    matched within the sheet's plan: their readers always know it)."""
    if kind == "indicator":
        match = catalog.match_indicator(label, plan_code)
        return (match.code if match else None), parsed.indicator_rows
    if kind == "project":
        project = catalog.match_project(label, plan_code)
        return (project.code if project else None), parsed.project_rows
    if kind == "figures":
        measure = catalog.match_measure(label)
        return (measure.code if measure else None), parsed.figure_rows
    if kind == "task":
        task = catalog.match_task(label)
        if task is None and "seq" in cells:  # the 序号 column holds the point's number ("10-一")
            number = normalise_text(cell_text(cells["seq"].raw))
            task = next((t for t in catalog.tasks if normalise_text(t.number) == number), None)
        return (task.code if task else None), parsed.task_rows
    wanted = normalise_text(label)  # contacts: the 类别 names a plan, or is free text
    plan_match = next(
        (p for p in catalog.plans if wanted in {normalise_text(p.name), normalise_text(p.short_name)}), None
    )
    return (plan_match.code if plan_match else None), parsed.contact_rows
