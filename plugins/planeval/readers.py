"""Read submitted workbooks into rows keyed by sheet, Excel row and column, whatever their layout.

Tables are located by their header row (matched on normalised names and the catalog's aliases, never
by position); the sheet's 附件 number comes from the sheet name, the title above the table, or,
failing both, from which plan's indicators the rows name.
"""

from __future__ import annotations

import csv
import io
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

from planeval.catalog import Campaign, Catalog, Plan, normalise_text
from planeval.forms import Column, indicator_layout, project_layout
from planeval.intake import Issue

HEADER_SCAN_ROWS = 15


@dataclass
class Cell:
    column: str  # Excel letter, e.g. "F"
    raw: object  # as read: str, float, int, bool, date or None


@dataclass
class TableRow:
    sheet: str
    row: int  # Excel row number, 1-based
    plan_code: str
    label: str  # the 规划指标内容 / 任务名称 as typed
    code: str | None  # the catalog indicator/project it names, None if unrecognised
    cells: dict[str, Cell]

    def text(self, key: str) -> str:
        cell = self.cells.get(key)
        return cell_text(cell.raw) if cell else ""


@dataclass
class SheetColumns:
    sheet: str
    plan_code: str
    table: str  # "indicator" | "project"
    present: dict[str, str]  # column key → letter
    missing_required: list[str]  # headers of required columns not found


@dataclass
class ParsedWorkbook:
    indicator_rows: list[TableRow] = field(default_factory=list)
    project_rows: list[TableRow] = field(default_factory=list)
    sheets: list[SheetColumns] = field(default_factory=list)
    errors: list[Issue] = field(default_factory=list)
    warnings: list[Issue] = field(default_factory=list)


def column_letter(index: int) -> str:
    """0-based column index → Excel letters (0 → A, 26 → AA)."""
    letters = ""
    index += 1
    while index:
        index, remainder = divmod(index - 1, 26)
        letters = chr(65 + remainder) + letters
    return letters


def cell_text(raw: object) -> str:
    """A cell as the text a person sees: integers without “.0”, strings stripped."""
    if raw is None:
        return ""
    if isinstance(raw, bool):
        return str(raw)
    if isinstance(raw, float):
        return str(int(raw)) if raw.is_integer() else repr(raw)
    return str(raw).strip()


def read_sheets(path: Path) -> dict[str, list[list[object]]]:
    """All sheets of a workbook or CSV as lists of rows (raises on unreadable files)."""
    suffix = path.suffix.lower()
    if suffix == ".csv":
        return {path.stem: _read_csv(path)}
    from python_calamine import CalamineWorkbook

    workbook = CalamineWorkbook.from_path(str(path))
    return {name: workbook.get_sheet_by_name(name).to_python(skip_empty_area=False) for name in workbook.sheet_names}


def _read_csv(path: Path) -> list[list[object]]:
    from charset_normalizer import from_bytes

    data = path.read_bytes()
    best = from_bytes(data).best()
    text = str(best) if best is not None else data.decode("utf-8-sig")
    return [list(row) for row in csv.reader(io.StringIO(text.lstrip("\ufeff")))]


def _find_header(rows: list[list[object]], name_headers: frozenset[str]) -> int | None:
    for index, row in enumerate(rows[:HEADER_SCAN_ROWS]):
        if any(normalise_text(value) in name_headers for value in row):
            return index
    return None


def _map_columns(header: list[object], layout: list[Column]) -> dict[str, int]:
    mapping: dict[str, int] = {}
    for index, value in enumerate(header):
        name = normalise_text(value)
        if not name:
            continue
        for column in layout:
            if column.key not in mapping and name in column.names:
                mapping[column.key] = index
                break
    return mapping


def _identify_plan(
    catalog: Catalog, campaign: Campaign, sheet_name: str, title_rows: list[list[object]], kind: str
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
    except Exception as exc:  # any reader failure is the department's file, not our crash
        parsed.errors.append(
            Issue("unreadable_file", f"文件无法读取,请确认是有效的 Excel 文件(.xlsx/.xls)或 CSV:{exc}")
        )
        return parsed

    indicator_names = _name_headers(catalog, "indicator")
    project_names = _name_headers(catalog, "project")
    for sheet_name, rows in sheets.items():
        header_index = _find_header(rows, indicator_names)
        kind = "indicator"
        if header_index is None:
            header_index = _find_header(rows, project_names)
            kind = "project"
        if header_index is None:
            continue
        body = rows[header_index + 1 :]
        if kind == "indicator":
            _read_indicator_sheet(
                catalog, campaign, sheet_name, rows[:header_index], rows[header_index], body, header_index, parsed
            )
        else:
            _read_project_sheet(
                catalog, campaign, sheet_name, rows[:header_index], rows[header_index], body, header_index, parsed
            )

    if not parsed.sheets:
        parsed.errors.append(
            Issue(
                "no_table",
                "未找到指标表或重点工程表:请使用下发的表格,表头应包含“规划指标内容”或“任务名称”列",
            )
        )
    return parsed


def _name_headers(catalog: Catalog, kind: str) -> frozenset[str]:
    """Normalised spellings of the column that names a row (规划指标内容 / 任务名称)."""
    form = catalog.forms.indicator_table if kind == "indicator" else catalog.forms.project_table
    spec = form.column("name")
    return frozenset(normalise_text(text) for text in (spec.header, *spec.aliases))


def _read_indicator_sheet(catalog, campaign, sheet_name, title_rows, header, body, header_index, parsed) -> None:
    plan = _identify_plan(catalog, campaign, sheet_name, title_rows, "indicator")
    if plan is None:
        names = _name_headers(catalog, "indicator")
        name_index = next(i for i, value in enumerate(header) if normalise_text(value) in names)
        labels = [cell_text(row[name_index]) for row in body if name_index < len(row)]
        plan = _guess_plan_from_labels(catalog, campaign, labels)
    if plan is None:
        parsed.warnings.append(Issue("unknown_sheet", f"工作表“{sheet_name}”无法判断属于哪个附件,已忽略", sheet_name))
        return
    layout = indicator_layout(catalog, plan, campaign)
    _collect_rows(catalog, plan, sheet_name, header, body, header_index, layout, "indicator", parsed)


def _read_project_sheet(catalog, campaign, sheet_name, title_rows, header, body, header_index, parsed) -> None:
    plan = _identify_plan(catalog, campaign, sheet_name, title_rows, "project")
    if plan is None:
        parsed.warnings.append(Issue("unknown_sheet", f"工作表“{sheet_name}”无法判断属于哪个附件,已忽略", sheet_name))
        return
    _collect_rows(catalog, plan, sheet_name, header, body, header_index, project_layout(catalog), "project", parsed)


def _collect_rows(
    catalog: Catalog,
    plan: Plan,
    sheet_name: str,
    header: list[object],
    body: list[list[object]],
    header_index: int,
    layout: list[Column],
    kind: str,
    parsed: ParsedWorkbook,
) -> None:
    mapping = _map_columns(header, layout)
    parsed.sheets.append(
        SheetColumns(
            sheet=sheet_name,
            plan_code=plan.code,
            table=kind,
            present={key: column_letter(index) for key, index in mapping.items()},
            missing_required=[c.header for c in layout if c.required and c.key not in mapping],
        )
    )
    if "name" not in mapping:
        return
    value_keys = [c.key for c in layout if c.key not in ("seq", "name", "target", "attribute", "responsible")]
    for offset, row in enumerate(body):
        label = cell_text(row[mapping["name"]]) if mapping["name"] < len(row) else ""
        if not label or label.startswith("填表说明") or label.startswith("注"):
            continue
        cells = {
            key: Cell(column_letter(index), row[index] if index < len(row) else None) for key, index in mapping.items()
        }
        if not any(cell_text(cells[key].raw) for key in value_keys if key in cells):
            continue  # a row left for another unit, or not yet filled: nothing was submitted for it
        if kind == "indicator":
            match = catalog.match_indicator(label, plan.code)
            code = match.code if match else None
            target = parsed.indicator_rows
        else:
            project = catalog.match_project(label, plan.code)
            code = project.code if project else None
            target = parsed.project_rows
        target.append(TableRow(sheet_name, header_index + 2 + offset, plan.code, label, code, cells))


def normalise_number(raw: object) -> tuple[float | None, str, bool]:
    """Read a number as departments type it: ``１５``, ``12.5%``, ``1,234``, stray spaces.

    Returns (value or None, the normalised text, whether anything had to be normalised).
    """
    if raw is None or raw == "":
        return None, "", False
    if isinstance(raw, bool):
        return None, str(raw), False
    if isinstance(raw, int | float):
        return float(raw), cell_text(raw), False
    original = str(raw)
    text = unicodedata.normalize("NFKC", original).strip().replace(" ", "")
    text = text.replace(",", "").replace("，", "")
    if text.endswith("%"):
        text = text[:-1]
    try:
        value = float(text)
    except ValueError:
        return None, original.strip(), False
    return value, text, text != original


def check_document(path: Path, min_characters: int = 20) -> list[Issue]:
    """A narrative report (.docx) must open and hold text; otherwise it is rejected with the reason."""
    from docx import Document

    try:
        document = Document(str(path))
    except Exception as exc:  # not a Word file, corrupt, or encrypted
        return [Issue("unreadable_document", f"Word 文档无法打开,请确认是有效的 .docx 文件:{type(exc).__name__}")]
    text = "".join(p.text for p in document.paragraphs)
    text += "".join(cell.text for table in document.tables for row in table.rows for cell in row.cells)
    if len(text.strip()) < min_characters:
        return [Issue("empty_document", "总结评估报告内容为空或过短,请报送完整的报告正文")]
    return []
