"""What a submitted table holds, cell by cell: the typed rows readers produce and validation and staging
consume, and how a cell's text becomes a number.

May import: planeval.catalog, planeval.records."""

from __future__ import annotations

import math
import unicodedata
from dataclasses import dataclass, field

from planeval.catalog import Indicator
from planeval.records import Issue


@dataclass(frozen=True)
class Number:
    """A numeric cell as read once by the reader: the value (None when it is not a number), the normalised
    text, and whether anything had to be tidied (full-width digits, “12.5%”, “1,234”)."""

    value: float | None
    text: str
    tidied: bool


@dataclass
class Cell:
    column: str  # Excel letter, e.g. "F"
    raw: object  # as read: str, float, int, bool, date or None
    number: Number | None = None  # set by the reader for a numeric column (years, forecast, 年均/累计)


@dataclass
class TableRow:
    sheet: str
    row: int  # Excel row number, 1-based
    plan_code: str | None  # None for tables that belong to no plan (work points, contacts)
    label: str  # the 规划指标内容 / 任务名称 / 工作要点 / 类别 as typed
    code: str | None  # the catalog indicator/project/task/plan it names, None if unrecognised
    cells: dict[str, Cell]

    def text(self, key: str) -> str:
        cell = self.cells.get(key)
        return cell_text(cell.raw) if cell else ""


@dataclass
class SheetColumns:
    sheet: str
    plan_code: str | None
    table: str  # "indicator" | "project" | "task" | "contacts"
    present: dict[str, str]  # column key → letter
    missing_required: list[str]  # headers of required columns not found
    required: list[tuple[str, str]] = field(default_factory=list)  # (key, header) of every required column


@dataclass
class ParsedWorkbook:
    indicator_rows: list[TableRow] = field(default_factory=list)
    project_rows: list[TableRow] = field(default_factory=list)
    task_rows: list[TableRow] = field(default_factory=list)
    contact_rows: list[TableRow] = field(default_factory=list)
    figure_rows: list[TableRow] = field(default_factory=list)  # 基础数据: raw figures by measure
    sheets: list[SheetColumns] = field(default_factory=list)
    errors: list[Issue] = field(default_factory=list)
    warnings: list[Issue] = field(default_factory=list)
    # No table was recognised: the form whose table the file resembles most (a truncated contacts form is
    # recorded as a contacts form, rejected), or None when it resembles none.
    closest_table: str | None = None


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


def indicator_number(indicator: Indicator | None, raw: object) -> tuple[float | None, str, bool]:
    """A yearly cell of an indicator row as a number: a qualitative indicator's scale word (基本建成) is
    its rank on the stated scale; anything else is read by ``normalise_number``."""
    if indicator is not None and indicator.kind == "qualitative":
        rank = indicator.scale_rank(cell_text(raw))
        return (float(rank), str(rank), False) if rank is not None else (None, "", False)
    return normalise_number(raw)


def normalise_number(raw: object) -> tuple[float | None, str, bool]:
    """Read a number as departments type it: ``１５``, ``12.5%``, ``1,234``, stray spaces.

    Returns (value or None, the normalised text, whether anything had to be normalised).
    """
    if raw is None or raw == "":
        return None, "", False
    if isinstance(raw, bool):
        return None, str(raw), False
    if isinstance(raw, int | float):
        if not math.isfinite(raw):  # NaN or ±inf from the reader: never a value
            return None, cell_text(raw), False
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
    if not math.isfinite(value):  # “NaN”, “inf”, “-Infinity”, “1e999”: not a figure
        return None, original.strip(), False
    return value, text, text != original


# The error values Excel shows in a cell whose formula failed (python-calamine reads them as empty; the
# reader puts their text back, so they are refused rather than read as a blank).
EXCEL_ERRORS = frozenset(
    {"#DIV/0!", "#VALUE!", "#REF!", "#N/A", "#NAME?", "#NUM!", "#NULL!", "#GETTING_DATA", "#SPILL!", "#CALC!"}
)


MAX_TEXT_CHARS = 10_000  # a text cell (分析说明, 进展情况, 主要成果 …): a few pages at most


MAX_VALUE_CHARS = 100  # a value cell (a year, a forecast, 年均/累计): a number or a scale word


def cell_refusal(raw: object, header: str, limit: int) -> tuple[str, str] | None:
    """Why a cell's content is refused, as (code, Chinese message), or None: an Excel error value, text
    longer than ``limit`` characters, or a number that is none (NaN, ±inf) whether read or typed."""
    text = raw if isinstance(raw, str) else cell_text(raw)
    if len(text) > limit:
        return (
            "oversized_cell",
            f"“{header}”内容长达 {len(text)} 个字符,超过该列 {limit} 个字符的上限,疑似异常内容,请精简后重新报送",
        )
    stripped = text.strip()
    if stripped.upper() in EXCEL_ERRORS:
        return (
            "excel_error",
            f"“{header}”为 Excel 错误值“{stripped}”(公式计算出错或引用失效),请改为具体数值或文字后重新报送",
        )
    if _not_finite(raw):
        return "not_finite", f"“{header}”填写为“{stripped}”,不是有效数字(非数值或无穷大),请填写具体数值"
    return None


def _not_finite(raw: object) -> bool:
    """Whether a cell holds NaN or an infinity: a float the reader gave, or text that reads as one."""
    if isinstance(raw, float):
        return not math.isfinite(raw)
    if not isinstance(raw, str):
        return False
    text = unicodedata.normalize("NFKC", raw).strip().replace(" ", "").replace(",", "").removesuffix("%")
    try:
        return not math.isfinite(float(text))
    except ValueError:
        return False
