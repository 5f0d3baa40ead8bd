"""The catalog's entities as typed, frozen models: units, targets, measures, indicators, plans, projects, work
points, campaigns and the forms' columns. One model per fact of a plan; validation messages in Chinese.

May import: planeval.catalog.text, planeval.dates."""

from __future__ import annotations

import datetime as dt
import re
from functools import cached_property
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from planeval.catalog.text import normalise_text
from planeval.dates import monitoring_window

Comparator = Literal[">", "≥", "<", "≤", "="]


IndicatorKind = Literal["decline", "level", "average", "cumulative", "zero", "qualitative", "ranking"]


Rating = Literal["提前实现", "符合预期", "滞后预期"]


RATINGS: tuple[str, ...] = ("提前实现", "符合预期", "滞后预期")


# A target's comparator as printed: symbols, or the plan's words. 低于/少于 and 超过/高于 are strict (exactly the
# number does not pass); 不超过/不高于, 不低于/不少于 and 达到 include it (达到95% is met by 95%).
_WORD_COMPARATORS = {
    "不低于": "≥",
    "不少于": "≥",
    "达到": "≥",
    "不超过": "≤",
    "不高于": "≤",
    "不多于": "≤",
    "低于": "<",
    "少于": "<",
    "超过": ">",
    "高于": ">",
    "多于": ">",
}


_COMPARATOR_SPELLINGS = {
    ">=": "≥",
    "<=": "≤",
    "≧": "≥",
    "≦": "≤",
    "=": "=",
    ">": ">",
    "<": "<",
    "≥": "≥",
    "≤": "≤",
    **_WORD_COMPARATORS,
}


_TARGET_RE = re.compile(
    r"^\s*("
    + "|".join(sorted((re.escape(s) for s in _COMPARATOR_SPELLINGS), key=len, reverse=True))
    + r")?\s*([0-9]+(?:\.[0-9]+)?)\s*(.*?)\s*$"
)


class FrozenModel(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


DEFAULT_KIND_LABELS = {"department": "市级部门", "town": "区镇街道"}


class Unit(FrozenModel):
    code: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    name: str
    kind: Literal["department", "town"] = "department"
    aliases: tuple[str, ...] = ()
    lists: tuple[str, ...] = ()
    demo: bool = False


class Target(FrozenModel):
    text: str
    comparator: Comparator
    value: float
    suffix: str = ""

    def is_met(self, figure: float) -> bool:
        match self.comparator:
            case ">":
                return figure > self.value
            case "≥":
                return figure >= self.value
            case "<":
                return figure < self.value
            case "≤":
                return figure <= self.value
            case "=":
                return abs(figure - self.value) < 1e-9
        raise AssertionError(self.comparator)

    @property
    def is_ceiling(self) -> bool:
        return self.comparator in ("<", "≤")


def parse_target(text: str, comparator: str | None = None) -> Target:
    """Parse a target as printed in the 附件 table (``>15``, ``≥2.5m²``, ``≤10h``, ``100``, ``零``)."""
    match = _TARGET_RE.match("0" if str(text).strip() == "零" else str(text))
    if not match:
        raise ValueError(f"目标值无法解析: {text!r}")
    printed, number, suffix = match.groups()
    if printed and comparator and _COMPARATOR_SPELLINGS[printed] != _COMPARATOR_SPELLINGS.get(comparator):
        raise ValueError(f"目标 {text!r} 已写明比较符 {printed},与 comparator {comparator!r} 矛盾")
    chosen = printed or comparator
    if chosen is None:
        raise ValueError(f"目标 {text!r} 没有比较符:请在目录中用 comparator 明确(如 ≥)")
    if chosen not in _COMPARATOR_SPELLINGS:
        raise ValueError(f"未知比较符 {chosen!r}")
    return Target(text=str(text), comparator=_COMPARATOR_SPELLINGS[chosen], value=float(number), suffix=suffix)


class Measure(FrozenModel):
    """A raw figure (基础数据) an indicator can be computed from: a count, an amount, a population.

    ``additive``: the city's figure is the sum of its towns' (counts, losses, people); a rate is not.
    ``towns``: every town reports it in its 基础数据表; the departments answering for an indicator that
    uses the measure report the city's own figure.
    """

    code: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    name: str
    aliases: tuple[str, ...] = ()
    unit: str
    additive: bool = False
    towns: bool = False

    @model_validator(mode="after")
    def _towns_need_additive(self) -> Measure:
        if self.towns and not self.additive:
            raise ValueError("towns: true 只适用于可加总的基础数据(additive: true)")
        return self


class Formula(FrozenModel):
    """How a yearly indicator figure follows from raw figures: numerator / denominator × scale.

    For a ``decline`` indicator this is the rate whose decline against the base year is the yearly cell:
    (1 − rate(year) / rate(base year)) × 100.
    """

    numerator: str
    denominator: str | None = None
    scale: float = 1.0

    @property
    def measures(self) -> tuple[str, ...]:
        return (self.numerator,) + ((self.denominator,) if self.denominator else ())


_DECLINE_WORDS = {">": "下降超过{}%", "≥": "下降{}%及以上", "=": "下降{}%"}


def ranking_top(target: Target) -> int:
    """The places a rank ceiling admits: ≤3 → 3 (前3名), <4 → 3."""
    top = round(target.value)
    return top - 1 if target.comparator == "<" else top


class Indicator(FrozenModel):
    code: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    name: str
    aliases: tuple[str, ...] = ()
    kind: IndicatorKind
    base_year: int | None = None
    target_text: str = Field(alias="target")
    comparator: Comparator | None = None
    attribute: Literal["约束性", "预期性"]
    unit: str
    direction: Literal["decrease", "increase"]
    aggregation: Literal["average", "cumulative"]
    responsible: tuple[str, ...] = Field(min_length=1)
    responsible_text: str = ""
    formula: Formula | None = None  # raw figures it can be computed from (measures.yaml)
    due_year: int | None = None  # an intermediate deadline: the target is due this year, not at the plan's end
    # a level target's base-year figure as the plan prints it (2020年基数): where its 序时进度 line starts
    base_value: float | None = None
    scale: tuple[str, ...] = ()  # qualitative kind: the stated scale, lowest first; the target is one of them
    # ranking kind: the group the unit's rank is taken in ("全省13个设区市"); the target is a rank (≤3)
    comparison_group: str = ""
    every_year: bool = False  # a level that must hold in every year of the plan, not only at the deadline
    cooperating: tuple[str, ...] = ()  # units that share the indicator (按职责分工负责); the lead's figure counts
    # a deadline relative to the plan's start ("利用1至2年": 2): due_year = first plan year + n − 1, set on load
    due_in_years: int | None = Field(default=None, ge=1)

    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)

    @model_validator(mode="after")
    def _check(self) -> Indicator:
        if self.kind == "qualitative":
            if len(self.scale) < 2 or self.target_text not in self.scale:
                raise ValueError("qualitative 指标需要 scale(至少两级,由低到高),target 须为其中一级")
            if self.formula is not None:
                raise ValueError("qualitative 指标不能由基础数据计算(formula)")
            return self
        target = parse_target(self.target_text, self.comparator)  # raises with a readable message
        if self.base_value is not None and self.kind != "level":
            raise ValueError("base_value(基准年数值)只适用于 level 指标")
        if self.kind == "decline" and self.base_year is None:
            raise ValueError("decline 指标必须给出 base_year(基准年)")
        if self.kind == "zero" and (target.comparator not in ("=", "≤") or target.value != 0):
            raise ValueError("zero 指标的目标须为 0(写作 “零” 或 “0”,comparator: “=”)")
        if self.kind == "ranking" and (not self.comparison_group or not target.is_ceiling):
            raise ValueError("ranking 指标需要 comparison_group(排名范围,如“全省13个设区市”),目标写作名次上限(如 ≤3)")
        if self.comparison_group and self.kind != "ranking":
            raise ValueError("comparison_group 只适用于 ranking 指标")
        if self.every_year and self.kind not in ("level", "ranking"):
            raise ValueError("every_year(每年均须满足)只适用于 level 或 ranking 指标")
        if self.due_year is not None and self.due_in_years is not None:
            raise ValueError("due_year 与 due_in_years 只能给出其一")
        if set(self.cooperating) & set(self.responsible):
            raise ValueError("cooperating(配合单位)不能同时是 responsible(牵头/负责单位)")
        return self

    @cached_property
    def target(self) -> Target:
        if self.kind == "qualitative":  # a rank on the stated scale: reaching it meets the target
            return Target(text=self.target_text, comparator="≥", value=float(self.scale.index(self.target_text)))
        return parse_target(self.target_text, self.comparator)

    def scale_rank(self, text: str) -> int | None:
        """A qualitative cell's rank on the stated scale (normalised match), or None."""
        wanted = normalise_text(text)
        return next((rank for rank, word in enumerate(self.scale) if normalise_text(word) == wanted), None)

    def display(self, value: float | None) -> str:
        """A figure as printed in the tables: a scale word for qualitative indicators, a place for a ranking
        (第2名), else the number."""
        if value is None:
            return ""
        if self.kind == "qualitative":
            return self.scale[round(value)]
        if self.kind == "ranking":
            return f"第{round(value)}{self.unit or '名'}"
        return f"{value:.4f}".rstrip("0").rstrip(".")

    def with_unit(self, value: float | None) -> str:
        """A figure as a sentence says it: 26%, 0.15人/十万人, a scale word in quotes (“推进中”), a rank with its
        group (第2名(全省13个设区市)), never a bare rank; — for none."""
        if value is None:
            return "—"
        if self.kind == "qualitative":
            return f"“{self.display(value)}”"
        if self.kind == "ranking":
            return f"{self.display(value)}({self.comparison_group})"
        return f"{self.display(value)}{self.unit}"

    @property
    def target_words(self) -> str:
        """The target as a sentence says it: “下降超过15%” for the table's “>15”, “100%” for “100”, “≥400人”,
        “全省13个设区市前3名” for a ranking's “≤3”."""
        target = self.target
        if self.kind == "ranking":
            return f"{self.comparison_group}前{ranking_top(target)}名"
        if self.kind == "decline" and target.comparator in _DECLINE_WORDS:
            return _DECLINE_WORDS[target.comparator].format(self.display(target.value))
        if self.kind in ("qualitative", "zero") or target.suffix or not self.unit:
            return target.text
        return f"{target.text}{self.unit}"

    @cached_property
    def match_keys(self) -> frozenset[str]:
        """Normalised name and aliases, with and without “(%)”: what a row label is matched against."""
        names = {normalise_text(n) for n in (self.name, *self.aliases)}
        return frozenset(names | {n.replace("(%)", "") for n in names})

    @property
    def is_percent(self) -> bool:
        return self.unit == "%"

    @property
    def plain_name(self) -> str:
        """The name as a sentence says it: without the table's unit mark “(%)”."""
        return self.name.replace("(%)", "").replace("（%）", "").strip()

    @property
    def lead_unit(self) -> str:
        return self.responsible[0]

    def valid_range(self) -> tuple[float | None, float | None]:
        """Hard bounds of a yearly cell: rates lie in 0–100; a decline cannot exceed 100%.

        A negative decline (the figure rose) is allowed and only warned about: it is a true fact.
        """
        if self.kind == "decline":
            return (None, 100.0)
        if self.kind == "qualitative":
            return (0.0, float(len(self.scale) - 1))
        if self.kind == "ranking":  # 1 is the best rank
            return (1.0, None)
        if self.is_percent:
            return (0.0, 100.0)
        return (0.0, None)


class IndicatorTable(FrozenModel):
    annex: str
    title: str
    indicators: tuple[str, ...]


class ProjectTable(FrozenModel):
    annex: str
    title: str


def role_in(unit_code: str, lead: tuple[str, ...], cooperating: tuple[str, ...]) -> str | None:
    """A unit's part in a task or work point: 牵头 (lead), 配合 (cooperating), or None."""
    if unit_code in lead:
        return "牵头"
    if unit_code in cooperating:
        return "配合"
    return None


class PlanTask(FrozenModel):
    """A task (任务/举措) of one 方面 of a plan's 主要任务, with the units that answer for it.

    ``assigned``: the plan names no lead for the task (海安's and 龙城区's plans name none); the lead and
    cooperating units are the office's assignment by duty, recorded in the catalog and to be confirmed by
    the office (docs/assessment.md, “主要任务”). The report marks such leads as assigned.
    """

    code: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    number: str  # as printed inside its 方面: "1", "(一)"
    title: str  # the task's lead phrase, verbatim (完善应急管理组织架构)
    aliases: tuple[str, ...] = ()  # other phrasings units use for it in their reports
    content: str = ""  # the plan's text of the task, abridged
    lead: tuple[str, ...] = Field(min_length=1)  # unit codes (units.yaml)
    cooperating: tuple[str, ...] = ()
    assigned: bool = False
    indicators: tuple[str, ...] = ()  # the plan's indicators that measure the task (indicators.yaml)
    projects: tuple[str, ...] = ()  # the key projects that carry it (projects.yaml)
    due_year: int | None = None  # a deadline the plan sets for the task (2022年前…)
    due_in_years: int | None = Field(default=None, ge=1)  # relative ("利用1至2年": 2), set as due_year on load

    @cached_property
    def match_keys(self) -> frozenset[str]:
        """Normalised title and aliases: what a unit's sentence is matched against."""
        return frozenset(normalise_text(t) for t in (self.title, *self.aliases))

    def role_of(self, unit_code: str) -> str | None:
        return role_in(unit_code, self.lead, self.cooperating)


class Aspect(FrozenModel):
    """A 方面 (chapter) of a plan's 主要任务 and its tasks, in the plan's order."""

    number: str  # as printed: "一", "(一)"
    title: str
    tasks: tuple[PlanTask, ...] = Field(min_length=1)

    @property
    def label(self) -> str:
        """Number and title as a heading prints them: “一、加强…”, “(一)应急管理体系建设”."""
        return f"{self.number}{'、' if self.number[-1:] in '一二三四五六七八九十' else ''}{self.title}"

    @property
    def short_title(self) -> str:
        """The heading's lead phrase, as a sentence names the 方面: “加强重点行业领域监管”."""
        return re.split("[,，]", self.title)[0]


class Plan(FrozenModel):
    code: str
    name: str
    short_name: str
    period: tuple[int, int]
    base_year: int
    # 序时进度: "linear", or the share of the target expected by the end of each year ({2021: 0.1, …})
    schedule_progress: Literal["linear"] | dict[int, float] = "linear"
    indicator_table: IndicatorTable
    project_table: ProjectTable | None = None
    # the 主要任务 by 方面 (plan_tasks.yaml); empty for a catalog that does not assess tasks
    aspects: tuple[Aspect, ...] = ()
    projects_label: str = "重点工程"  # the plan's own word for its projects (重点工程, 重大工程)

    @property
    def tasks(self) -> list[PlanTask]:
        return [task for aspect in self.aspects for task in aspect.tasks]


class Project(FrozenModel):
    code: str
    plan: str
    name: str
    aliases: tuple[str, ...] = ()
    content: str = ""
    responsible: tuple[str, ...] = Field(min_length=1)
    due: dt.date | None = None


class WorkTask(FrozenModel):
    """A numbered work point (工作要点) with its lead (牵头) and cooperating (配合) units."""

    code: str = Field(pattern=r"^[a-z0-9_]+$")
    number: str  # as printed: "1", "10-一", "10-同时(a)"
    section: str = ""
    title: str
    aliases: tuple[str, ...] = ()
    lead: tuple[str, ...] = ()  # unit codes; empty where the document names no lead
    cooperating: tuple[str, ...] = ()
    lead_text: str = ""  # the document's own wording, kept for the printed table
    cooperating_text: str = ""
    targets: tuple[str, ...] = ()  # quantitative targets of the point, verbatim

    def role_of(self, unit_code: str) -> str | None:
        return role_in(unit_code, self.lead, self.cooperating)


# Forms a campaign can ask for; the table forms are described in forms.yaml.
FormCode = Literal["contacts", "indicator_table", "summary_report", "task_table", "figures_table"]


FORM_LABELS: dict[str, str] = {
    "contacts": "联系人回执",
    "figures_table": "基础数据表",
    "indicator_table": "指标完成情况统计表",
    "summary_report": "总结评估报告",
    "task_table": "工作要点完成情况表",
}


class Deadline(FrozenModel):
    form: FormCode
    due: dt.date
    # all | departments | towns | responsible (answers for an indicator or project) | task_units (leads or
    # cooperates on a work point)
    # towns_with_figures: towns, when measures.yaml has measures marked towns (their 基础数据表)
    units: Literal["all", "responsible", "departments", "towns", "task_units", "towns_with_figures"] = "all"


CampaignKind = Literal["summary", "midterm", "annual", "half_year"]


CAMPAIGN_KIND_LABELS: dict[str, str] = {
    "summary": "总结评估",
    "midterm": "中期评估",
    "annual": "年度报送",
    "half_year": "半年度报送",
}


class Campaign(FrozenModel):
    code: str
    name: str
    year: int
    # summary 总结评估 (the plan's end), midterm 中期评估, annual 年度 (a yearly cycle of work points), half_year
    kind: CampaignKind = "summary"
    title: str = ""  # the report's title where the kind's default does not fit (campaign_title in reporting)
    plans: tuple[str, ...] = ()
    tasks: bool = False  # collect progress on the catalog's work points (tasks.yaml)
    data_cutoff: dt.date
    progress_cutoff: dt.date | None = None
    opens: dt.date | None = None  # the notice's date: monitoring starts (default: 30 days before the first due)
    follow_up_days: int = 30  # monitoring and reminders go on this long after the last deadline
    notice: str = ""
    word_limit: int | None = None
    project_sheet_annex: str = "附件2"  # the notice's label of the one-page-per-key-project sheets
    deadlines: tuple[Deadline, ...] = ()

    @property
    def data_year(self) -> int:
        return self.data_cutoff.year

    @property
    def cited_notice(self) -> str:
        """The notice as a sentence cites it: its title in 书名号, the issuer and date after it, e.g.
        “《关于开展…工作的通知》(市安委办,2025年5月13日)”; a notice already in 《》 as it is."""
        notice = self.notice.strip()
        if not notice or notice.startswith("《"):
            return notice
        title, bracket, rest = notice.partition("(") if "(" in notice else notice.partition("（")
        return f"《{title.strip()}》{bracket}{rest}"

    def due(self, form: str) -> dt.date | None:
        return next((d.due for d in self.deadlines if d.form == form), None)

    @property
    def monitoring_window(self) -> tuple[dt.date, dt.date] | None:
        """The days the monitor watches this campaign: from its opening to the follow-up after the last due."""
        return monitoring_window(self.opens, (d.due for d in self.deadlines), self.follow_up_days)

    def is_open(self, day: dt.date) -> bool:
        window = self.monitoring_window
        return window is not None and window[0] <= day <= window[1]


class FormColumn(FrozenModel):
    key: str
    header: str
    aliases: tuple[str, ...] = ()
    required: bool = False


class TableForm(FrozenModel):
    label: str
    columns: tuple[FormColumn, ...]
    ratings: tuple[str, ...] = ()
    instructions: str = ""

    @model_validator(mode="after")
    def _has_name_column(self) -> TableForm:
        if not any(c.key == "name" for c in self.columns):
            raise ValueError("表单需要一列 key: name(标识每一行的列,如“规划指标内容”“工作要点”“类别”)")
        return self

    def column(self, key: str) -> FormColumn:
        return next(c for c in self.columns if c.key == key)


# The parts of 附件1's report framework a city report compiles from the units' reports.
SectionKey = Literal["indicators", "tasks", "measures", "achievements", "problems", "outlook"]


class ReportSection(FrozenModel):
    """A section of the narrative report's framework (附件1) and the headings units give it."""

    key: SectionKey
    title: str  # as the framework prints it: 主要目标指标进展
    aliases: tuple[str, ...] = ()  # other headings units use: 指标完成情况, 存在问题


class DocumentForm(FrozenModel):
    label: str
    extensions: tuple[str, ...] = (".docx",)
    sections: tuple[ReportSection, ...] = ()  # the framework units write to (附件1); empty: not compiled


class Forms(FrozenModel):
    indicator_table: TableForm | None = None
    project_table: TableForm | None = None
    summary_report: DocumentForm | None = None
    task_table: TableForm | None = None
    contacts: TableForm | None = None
    figures_table: TableForm | None = None  # raw figures (基础数据): a sheet of the indicator form, and the towns' form

    @field_validator("indicator_table")
    @classmethod
    def _ratings_known(cls, form: TableForm | None) -> TableForm | None:
        if form is None:
            return form
        unknown = set(form.ratings) - set(RATINGS)
        if unknown:
            raise ValueError(f"未知的综合进度评价取值: {sorted(unknown)}")
        return form
