"""What a submitted table holds, cell by cell: the typed rows readers produce and validation and staging
consume, and how a cell's text becomes a number.

May import: planeval.catalog, planeval.records."""

from __future__ import annotations

import math
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Literal

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
    header_row: int | None = None  # Excel row of the header (1-based): where a missing column is pointed at


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
    # The reader opened the file and read its sheets (False: refused by the guards or unreadable), so a copy
    # of it may be written back to the unit, annotated (intake.annotate).
    opened: bool = False
    grid_cells: int = 0  # rows × columns of every sheet read: how large a copy of it would be


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


def normalise_number(raw: object, unit: str = "") -> tuple[float | None, str, bool]:
    """Read a number as departments type it: ``１５``, ``12.5%``, ``1,234``, ``1，234``, ``－3``, stray spaces,
    the indicator's or measure's ``unit`` typed after it (``0.15人/十万人``).

    Returns (value or None, the normalised text, whether anything had to be normalised).
    """
    typed = read_typed(raw, unit)
    return typed.value, typed.text, typed.tidied


# How a cell says it holds a percentage: its number format (Excel shows 0.95 as “95%”), or a typed “%”.
PercentMark = Literal["", "format", "sign"]


@dataclass(frozen=True)
class Typed:
    """A numeric cell as typed, before its row settles what it means (``settle_row``)."""

    value: float | None  # the number typed or stored: “95%” → 95, a percent-formatted 0.95 → 0.95
    text: str  # the normalised number text (“95”), or the cell's text when it is no number
    tidied: bool  # anything had to be tidied (full-width digits, separators, “%”, a unit, spaces)
    percent: PercentMark = ""

    @property
    def shown(self) -> str:
        """The cell as the clerk sees it: a percent-formatted 0.95 shows “95%”."""
        if self.percent == "format" and self.value is not None:
            return f"{_plain(self.value * 100)}%"
        return f"{self.text}%" if self.percent == "sign" else self.text


_MINUS_SIGNS = str.maketrans({"\u2212": "-", "\u2012": "-", "\u2013": "-", "\ufe63": "-"})


def read_typed(raw: object, unit: str = "", percent_format: bool = False) -> Typed:
    """One cell as typed (see ``normalise_number``); ``percent_format``: the cell's number format is a
    percentage (``formats.percent_cells``), which matters for a number only."""
    if raw is None or raw == "" or isinstance(raw, bool):
        return Typed(None, "" if raw is None or raw == "" else str(raw), False)
    if isinstance(raw, int | float):
        if not math.isfinite(raw):  # NaN or ±inf from the reader: never a value
            return Typed(None, cell_text(raw), False)
        return Typed(float(raw), cell_text(raw), False, "format" if percent_format else "")
    original = str(raw)
    text = unicodedata.normalize("NFKC", original).translate(_MINUS_SIGNS).strip()
    text = "".join(text.split()).replace(",", "")  # NFKC folds “，” and the no-break space
    folded_unit = "".join(unicodedata.normalize("NFKC", unit).split())
    if folded_unit and folded_unit != "%" and text.endswith(folded_unit):
        text = text.removesuffix(folded_unit)
        if folded_unit == "名":  # a place typed as a sentence says it: 第2名
            text = text.removeprefix("第")
    percent: PercentMark = "sign" if text.endswith("%") else ""
    text = text.removesuffix("%")
    try:
        value = float(text)
    except ValueError:
        return Typed(None, original.strip(), False)
    if not math.isfinite(value):  # “NaN”, “inf”, “-Infinity”, “1e999”: not a figure
        return Typed(None, original.strip(), False)
    return Typed(value, text, text != original, percent)


def _plain(value: float) -> str:
    """A figure without float noise: 0.95 × 100 → “95”, 0.125 × 100 → “12.5”."""
    return f"{round(value, 9):.9f}".rstrip("0").rstrip(".")


def plausible_range(values: list[float]) -> tuple[float, float] | None:
    """The range a figure of a row is expected in, from the row's other figures: their min–max widened by
    that range or by half their mean size, whichever is larger (DHIS2-style min–max); None without figures.
    A steady trend passes (65 beside 70–74: band 34–110), a slipped decimal point or an extra zero does not
    (7.2 or 900 beside 70–90). Figures 80–100 → 35–145; 96 alone → 48–144."""
    if not values:
        return None
    low, high = min(values), max(values)
    spread = max(high - low, 0.5 * sum(abs(v) for v in values) / len(values))
    return low - spread, high + spread


@dataclass(frozen=True)
class Ambiguity:
    """A cell whose number can be read two ways (0.95 or 95): what was typed, the reading taken (a
    warning) or none (an error: the cell is not read)."""

    key: str  # the column key (y2024, forecast, to_date …)
    typed: Typed
    readings: tuple[float, float]  # (as typed or stored, as a percentage of it or as shown)
    chosen: float | None  # the reading the row's other cells support; None when they support neither or both
    others: tuple[float, float] | None  # the min–max of the row's other figures, if any

    @property
    def severity(self) -> str:
        return "warning" if self.chosen is not None else "error"


def settle_row(
    indicator: Indicator | None, cells: Mapping[str, tuple[object, bool]]
) -> tuple[dict[str, Number], list[Ambiguity]]:
    """The numbers of an indicator row's value cells (years, forecast, 年均/累计), each cell read as typed and
    settled against the row's other cells where it can mean two things (docs/validation.md, “Percentages”):

    - a % indicator: a percent-formatted cell is its shown percentage (0.95 → 95), but one above 1 (95 typed
      before the format: shown 9500%) may be either; a plain number with 0 < |x| ≤ 1 where the target is
      above 1 (0.95 beside 80–100) may be a fraction typed for a percentage;
    - any other indicator: a percent-formatted cell, or one typed with “%”, may be the stored number or the
      shown one.

    Such a cell takes the one reading that lies in ``plausible_range`` of the row's other (unambiguous, non-zero)
    figures — a warning; when both, neither or no other figure does, it is an error and is not read.
    A fraction-like cell whose typed reading is the plausible one is simply that number (a decline of 0.5%).
    ``cells``: column key → (the cell as read, whether its number format is a percentage). A qualitative
    indicator's cells hold scale words (基本建成): each is its rank on the stated scale.
    """
    if indicator is not None and indicator.kind == "qualitative":
        ranks = {key: indicator.scale_rank(cell_text(raw)) for key, (raw, _) in cells.items()}
        return {
            key: Number(float(r), str(r), False) if r is not None else Number(None, "", False)
            for key, r in ranks.items()
        }, []
    typed = {key: read_typed(raw, indicator.unit if indicator else "", fmt) for key, (raw, fmt) in cells.items()}
    if indicator is None:  # a row naming no indicator is refused by its own rule: its numbers as typed
        return {key: Number(cell.value, cell.text, cell.tidied) for key, cell in typed.items()}, []
    percent = indicator.is_percent
    fraction_scale = percent and indicator.target.value > 1
    numbers: dict[str, Number] = {}
    doubtful: dict[str, tuple[float, float]] = {}
    for key, cell in typed.items():
        readings = _readings(cell, percent, fraction_scale)
        if readings is not None:
            doubtful[key] = readings
        elif cell.value is not None and percent and cell.percent == "format":
            numbers[key] = Number(float(_plain(cell.value * 100)), _plain(cell.value * 100), False)
        else:
            numbers[key] = Number(cell.value, cell.text, cell.tidied)
    reference = [n.value for n in numbers.values() if n.value]
    bounds = plausible_range(reference)
    ambiguities = []
    for key, (stored, other) in doubtful.items():
        fitting = [v for v in (stored, other) if bounds is not None and bounds[0] <= v <= bounds[1]]
        chosen = fitting[0] if len(fitting) == 1 else None
        cell = typed[key]
        if percent and not cell.percent and chosen == stored:  # a small decline typed as such: no doubt
            numbers[key] = Number(stored, cell.text, cell.tidied)
            continue
        numbers[key] = Number(chosen, _plain(chosen) if chosen is not None else cell.text, False)
        span = (min(reference), max(reference)) if reference else None
        ambiguities.append(Ambiguity(key, cell, (stored, other), chosen, span))
    return numbers, ambiguities


def _readings(cell: Typed, percent: bool, fraction_scale: bool) -> tuple[float, float] | None:
    """The two readings of a doubtful cell, (the number typed or stored, the other one), or None when the
    cell reads one way (``settle_row``)."""
    value = cell.value
    if value is None:
        return None
    if percent and cell.percent == "format" and abs(value) > 1:  # shows 9500%: 95 typed before the format
        return value, float(_plain(value * 100))
    if percent and not cell.percent and fraction_scale and 0 < abs(value) <= 1:
        return value, float(_plain(value * 100))
    if not percent and cell.percent:  # 15% on a rate per 100,000 people: 0.15 or 15
        return value, float(_plain(value * 100 if cell.percent == "format" else value / 100))
    return None


def ambiguity_issue(
    ambiguity: Ambiguity, indicator: Indicator | None, header: str, sheet: str, row: int, column: str
) -> Issue:
    """The receipt's cell-precise message for an ``Ambiguity``: where, which indicator and year, what was
    typed, and what was assumed (a warning) or what to type (an error)."""
    name = indicator.name if indicator else ""
    unit = indicator.unit if indicator else ""
    typed, (first, second) = ambiguity.typed, ambiguity.readings
    where = f"{sheet}!{column}{row}:指标“{name}”的“{header}”"
    if typed.percent == "format":
        what = f"单元格格式为百分比,显示为“{typed.shown}”(存储值 {_plain(first)})"
    else:
        what = f"填写为“{typed.shown}”"
    others = (
        f"同行其他数值为 {_plain(ambiguity.others[0])}~{_plain(ambiguity.others[1])}"
        if ambiguity.others
        else "同行没有可参照的其他数值"
    )
    percent = indicator is not None and indicator.is_percent
    fraction = percent and not typed.percent  # 0.95 typed in a % indicator
    if ambiguity.chosen is not None:
        if fraction:
            assumed = f"已按百分数读取为 {_plain(ambiguity.chosen)}%(即 {_plain(first)} × 100)"
            hint = f";如确为 {_plain(first)}%,请填写“{_plain(first)}%”"
        else:
            assumed = f"已按 {_plain(ambiguity.chosen)}{unit} 读取"
            hint = f";{_plain_fix(typed, unit)}"
        return Issue("assumed_reading", f"{where}{what},{others},{assumed}{hint}", sheet, row, column)
    doubt = f"无法判断是 {_plain(first)}{unit} 还是 {_plain(second)}{unit}"
    if fraction:
        fix = f"请按百分数填写(如 {_plain(second)} 或 {_plain(second)}%;确为 {_plain(first)}% 时填写“{_plain(first)}%”)"
    else:
        fix = _plain_fix(typed, unit)
    return Issue("ambiguous_number", f"{where}{what},{others},{doubt};{fix}", sheet, row, column)


def _plain_fix(typed: Typed, unit: str) -> str:
    """What to do with a cell whose percent format or “%” made it doubtful."""
    if typed.percent == "format":
        return f"请将单元格改为常规或数值格式,填写以“{unit}”计的数值"
    return f"请填写以“{unit}”计、不带“%”的数值"


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
