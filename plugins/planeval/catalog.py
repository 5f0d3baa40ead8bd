"""The catalog: a city's plans, indicators, units, projects, campaigns and forms, loaded from YAML.

Every fact about a plan lives once in the catalog folder (``catalog/<city>/``); this module turns it
into typed, cross-checked objects and reports mistakes with the file and key that hold them.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections.abc import Iterable
from functools import cached_property
from pathlib import Path
from typing import Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

Comparator = Literal[">", "≥", "<", "≤", "="]
IndicatorKind = Literal["decline", "level", "average", "cumulative", "zero", "qualitative"]
Rating = Literal["提前实现", "符合预期", "滞后预期"]
RATINGS: tuple[str, ...] = ("提前实现", "符合预期", "滞后预期")

_COMPARATOR_SPELLINGS = {">=": "≥", "<=": "≤", "≧": "≥", "≦": "≤", "=": "=", ">": ">", "<": "<", "≥": "≥", "≤": "≤"}
_TARGET_RE = re.compile(r"^\s*(>=|<=|≥|≤|≧|≦|>|<|=)?\s*([0-9]+(?:\.[0-9]+)?)\s*(.*?)\s*$")


class CatalogError(ValueError):
    """A catalog file is missing, unreadable or inconsistent; the message names file and key."""


def normalise_text(text: object) -> str:
    """Canonical form used to compare names and headers typed by people.

    NFKC folds full-width letters, digits and brackets; all whitespace (including line breaks inside a
    header cell such as ``规划\\n属性``) is dropped.
    """
    if text is None:
        return ""
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", str(text))).lower()


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


DEFAULT_KIND_LABELS = {"department": "市级部门", "town": "区镇街道"}


class Unit(_Model):
    code: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    name: str
    kind: Literal["department", "town"] = "department"
    aliases: tuple[str, ...] = ()
    lists: tuple[str, ...] = ()
    demo: bool = False


class Target(_Model):
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


class Measure(_Model):
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


class Formula(_Model):
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


class Indicator(_Model):
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
    scale: tuple[str, ...] = ()  # qualitative kind: the stated scale, lowest first; the target is one of them

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
        if self.kind == "decline" and self.base_year is None:
            raise ValueError("decline 指标必须给出 base_year(基准年)")
        if self.kind == "zero" and (target.comparator not in ("=", "≤") or target.value != 0):
            raise ValueError("zero 指标的目标须为 0(写作 “零” 或 “0”,comparator: “=”)")
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
        """A figure as printed in the tables: a scale word for qualitative indicators, else the number."""
        if value is None:
            return ""
        if self.kind == "qualitative":
            return self.scale[round(value)]
        return f"{value:.4f}".rstrip("0").rstrip(".")

    def with_unit(self, value: float | None) -> str:
        """A figure as a sentence says it: 26%, 0.15人/十万人, a scale word in quotes (“推进中”); — for none."""
        if value is None:
            return "—"
        if self.kind == "qualitative":
            return f"“{self.display(value)}”"
        return f"{self.display(value)}{self.unit}"

    @property
    def target_words(self) -> str:
        """The target as a sentence says it: “下降超过15%” for the table's “>15”, “100%” for “100”, “≥400人”."""
        target = self.target
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
        if self.is_percent:
            return (0.0, 100.0)
        return (0.0, None)


class IndicatorTable(_Model):
    annex: str
    title: str
    indicators: tuple[str, ...]


class ProjectTable(_Model):
    annex: str
    title: str


class Plan(_Model):
    code: str
    name: str
    short_name: str
    period: tuple[int, int]
    base_year: int
    # 序时进度: "linear", or the share of the target expected by the end of each year ({2021: 0.1, …})
    schedule_progress: Literal["linear"] | dict[int, float] = "linear"
    indicator_table: IndicatorTable
    project_table: ProjectTable | None = None


class Project(_Model):
    code: str
    plan: str
    name: str
    aliases: tuple[str, ...] = ()
    content: str = ""
    responsible: tuple[str, ...] = Field(min_length=1)
    due: dt.date | None = None


class WorkTask(_Model):
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
        if unit_code in self.lead:
            return "牵头"
        if unit_code in self.cooperating:
            return "配合"
        return None


# Forms a campaign can ask for; the table forms are described in forms.yaml.
FormCode = Literal["contacts", "indicator_table", "summary_report", "task_table", "figures_table"]
FORM_LABELS: dict[str, str] = {
    "contacts": "联系人回执",
    "figures_table": "基础数据表",
    "indicator_table": "指标完成情况统计表",
    "summary_report": "总结评估报告",
    "task_table": "工作要点完成情况表",
}


class Deadline(_Model):
    form: FormCode
    due: dt.date
    # all | departments | towns | responsible (answers for an indicator or project) | task_units (leads or
    # cooperates on a work point)
    # towns_with_figures: towns, when measures.yaml has measures marked towns (their 基础数据表)
    units: Literal["all", "responsible", "departments", "towns", "task_units", "towns_with_figures"] = "all"


class Campaign(_Model):
    code: str
    name: str
    year: int
    kind: Literal["summary", "annual", "half_year"] = "summary"
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

    def due(self, form: str) -> dt.date | None:
        return next((d.due for d in self.deadlines if d.form == form), None)

    @property
    def monitoring_window(self) -> tuple[dt.date, dt.date] | None:
        """The days the monitor watches this campaign: from its opening to the follow-up after the last due."""
        if not self.deadlines:
            return None
        first, last = min(d.due for d in self.deadlines), max(d.due for d in self.deadlines)
        start = self.opens or first - dt.timedelta(days=30)
        return start, last + dt.timedelta(days=self.follow_up_days)

    def is_open(self, day: dt.date) -> bool:
        window = self.monitoring_window
        return window is not None and window[0] <= day <= window[1]


class FormColumn(_Model):
    key: str
    header: str
    aliases: tuple[str, ...] = ()
    required: bool = False


class TableForm(_Model):
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


class DocumentForm(_Model):
    label: str
    extensions: tuple[str, ...] = (".docx",)


class Forms(_Model):
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


class Catalog(_Model):
    """A whole city's catalog, cross-checked on load."""

    root: Path
    city: str
    office: str
    short_office: str
    units: tuple[Unit, ...]
    indicators: tuple[Indicator, ...] = ()
    measures: tuple[Measure, ...] = ()
    plans: tuple[Plan, ...] = ()
    projects: tuple[Project, ...] = ()
    tasks: tuple[WorkTask, ...] = ()
    campaigns: tuple[Campaign, ...]
    forms: Forms
    unit_kind_labels: dict[str, str] = Field(default_factory=lambda: dict(DEFAULT_KIND_LABELS))

    # --- look-ups -------------------------------------------------------------------------------
    def kind_label(self, kind: str) -> str:
        """How this place calls a level of units: 市级部门 / 区镇街道 for a city, 区级部门 / 乡镇街道 for a district."""
        return self.unit_kind_labels.get(kind, DEFAULT_KIND_LABELS[kind])

    def unit(self, code: str) -> Unit:
        for unit in self.units:
            if unit.code == code:
                return unit
        raise KeyError(f"unknown unit {code!r}")

    def indicator(self, code: str) -> Indicator:
        for indicator in self.indicators:
            if indicator.code == code:
                return indicator
        raise KeyError(f"unknown indicator {code!r}")

    def measure(self, code: str) -> Measure:
        for measure in self.measures:
            if measure.code == code:
                return measure
        raise KeyError(f"unknown measure {code!r}")

    def match_measure(self, text: str) -> Measure | None:
        wanted = normalise_text(text)
        for measure in self.measures:
            if wanted and wanted in {normalise_text(n) for n in (measure.name, *measure.aliases)}:
                return measure
        return None

    def measures_of_unit(self, unit_code: str, plan_codes: Iterable[str] | None = None) -> list[Measure]:
        """The raw figures a unit reports: a town, every measure marked ``towns``; a department, those its
        indicators are computed from. In catalog order."""
        unit = self.unit(unit_code)
        if unit.kind == "town":
            return [m for m in self.measures if m.towns]
        wanted = {
            code
            for indicator in self.indicators_of_unit(unit_code, plan_codes)
            if indicator.formula
            for code in indicator.formula.measures
        }
        return [m for m in self.measures if m.code in wanted]

    def plan(self, code: str) -> Plan:
        for plan in self.plans:
            if plan.code == code:
                return plan
        raise KeyError(f"unknown plan {code!r}")

    def campaign(self, code: str | None = None, *, year: int | None = None) -> Campaign:
        """The campaign by code, or the one running in ``year``, or the only/latest one."""
        candidates = [
            c for c in self.campaigns if (code is None or c.code == code) and (year is None or c.year == year)
        ]
        if not candidates:
            raise KeyError(f"no campaign matches code={code!r} year={year!r}")
        return max(candidates, key=lambda c: (c.year, c.data_cutoff))

    def plan_indicators(self, plan_code: str) -> list[Indicator]:
        return [self.indicator(code) for code in self.plan(plan_code).indicator_table.indicators]

    def campaign_plans(self, campaign: Campaign) -> list[Plan]:
        return [self.plan(code) for code in campaign.plans]

    def indicators_of_unit(self, unit_code: str, plan_codes: Iterable[str] | None = None) -> list[Indicator]:
        plans = list(plan_codes) if plan_codes is not None else [p.code for p in self.plans]
        seen: dict[str, Indicator] = {}
        for plan_code in plans:
            for indicator in self.plan_indicators(plan_code):
                if unit_code in indicator.responsible:
                    seen.setdefault(indicator.code, indicator)
        return list(seen.values())

    def projects_of_unit(self, unit_code: str, plan_codes: Iterable[str] | None = None) -> list[Project]:
        plans = set(plan_codes) if plan_codes is not None else {p.code for p in self.plans}
        return [p for p in self.projects if p.plan in plans and unit_code in p.responsible]

    def tasks_of_unit(self, unit_code: str) -> list[tuple[WorkTask, str]]:
        """The work points the unit leads or cooperates on, with its role (牵头 / 配合)."""
        return [(task, role) for task in self.tasks if (role := task.role_of(unit_code))]

    def match_task(self, text: str) -> WorkTask | None:
        wanted = normalise_text(text)
        for task in self.tasks:
            if wanted and wanted in {normalise_text(n) for n in (task.title, *task.aliases)}:
                return task
        return None

    def resolve_unit_name(self, text: str) -> Unit | None:
        """The unit a free-text name refers to (any alias), or None."""
        wanted = normalise_text(text)
        for unit in self.units:
            if wanted in {normalise_text(n) for n in (unit.name, *unit.aliases)}:
                return unit
        return None

    def match_indicator(self, text: str, plan_code: str | None = None) -> Indicator | None:
        """The indicator a row label refers to (name or alias, normalised), or None."""
        wanted = normalise_text(text)
        if not wanted:
            return None
        pool = self.plan_indicators(plan_code) if plan_code else list(self.indicators)
        for indicator in pool:
            if wanted in indicator.match_keys or wanted.replace("(%)", "") in indicator.match_keys:
                return indicator
        return None

    def match_project(self, text: str, plan_code: str | None = None) -> Project | None:
        wanted = normalise_text(text)
        for project in self.projects:
            if plan_code and project.plan != plan_code:
                continue
            if wanted in {normalise_text(n) for n in (project.name, *project.aliases)}:
                return project
        return None

    def plan_by_annex(self, annex: str) -> tuple[Plan, Literal["indicator", "project"]] | None:
        wanted = normalise_text(annex)
        for plan in self.plans:
            if normalise_text(plan.indicator_table.annex) == wanted:
                return plan, "indicator"
            if plan.project_table and normalise_text(plan.project_table.annex) == wanted:
                return plan, "project"
        return None

    def expected_forms(self, campaign: Campaign, unit: Unit) -> list[str]:
        """Forms the unit owes in this campaign, by the campaign's deadline rules."""
        forms = []
        for deadline in campaign.deadlines:
            if deadline.units == "all":
                owes = True
            elif deadline.units == "departments":
                owes = unit.kind == "department"
            elif deadline.units == "towns":
                owes = unit.kind == "town"
            elif deadline.units == "task_units":
                owes = bool(self.tasks_of_unit(unit.code))
            elif deadline.units == "towns_with_figures":
                owes = unit.kind == "town" and bool(self.measures_of_unit(unit.code))
            else:  # responsible: the unit answers for an indicator or a project of the campaign
                owes = bool(
                    self.indicators_of_unit(unit.code, campaign.plans)
                    or self.projects_of_unit(unit.code, campaign.plans)
                )
            if owes:
                forms.append(deadline.form)
        return forms

    # --- consistency ----------------------------------------------------------------------------
    def check(self) -> None:
        errors: list[str] = []
        unit_codes = [u.code for u in self.units]
        errors += [f"units: 单位代码重复 {c!r}" for c in sorted({c for c in unit_codes if unit_codes.count(c) > 1})]
        alias_owner: dict[str, str] = {}
        for unit in self.units:
            for name in (unit.name, *unit.aliases):
                key = normalise_text(name)
                if alias_owner.setdefault(key, unit.code) != unit.code:
                    errors.append(f"units: 名称 {name!r} 同时属于 {alias_owner[key]} 和 {unit.code}")
        indicator_codes = [i.code for i in self.indicators]
        errors += [
            f"indicators: 指标代码重复 {c!r}"
            for c in sorted({c for c in indicator_codes if indicator_codes.count(c) > 1})
        ]
        measure_codes = [m.code for m in self.measures]
        for indicator in self.indicators:
            errors += [
                f"indicators[{indicator.code}].responsible: 未知单位 {code!r}"
                for code in indicator.responsible
                if code not in unit_codes
            ]
            if indicator.formula:
                errors += [
                    f"indicators[{indicator.code}].formula: 未知基础数据 {code!r}(measures.yaml)"
                    for code in indicator.formula.measures
                    if code not in measure_codes
                ]
        plan_codes = [p.code for p in self.plans]
        for plan in self.plans:
            rows = plan.indicator_table.indicators
            errors += [
                f"plans[{plan.code}].indicator_table.indicators: 未知指标 {code!r}"
                for code in rows
                if code not in indicator_codes
            ]
            errors += [
                f"plans[{plan.code}].indicator_table.indicators: 指标 {c!r} 重复"
                for c in sorted({c for c in rows if rows.count(c) > 1})
            ]
            if plan.period[0] != plan.base_year + 1 or plan.period[1] <= plan.period[0]:
                errors.append(f"plans[{plan.code}]: period {plan.period} 与 base_year {plan.base_year} 不一致")
            for code in rows:
                due = self.indicator(code).due_year if code in indicator_codes else None
                if due is not None and not plan.period[0] <= due <= plan.period[1]:
                    errors.append(f"indicators[{code}].due_year: {due} 不在规划 {plan.code} 的规划期 {plan.period} 内")
        for project in self.projects:
            if project.plan not in plan_codes:
                errors.append(f"projects[{project.code}].plan: 未知规划 {project.plan!r}")
            errors += [
                f"projects[{project.code}].responsible: 未知单位 {code!r}"
                for code in project.responsible
                if code not in unit_codes
            ]
        task_codes = [t.code for t in self.tasks]
        errors += [f"tasks: 任务代码重复 {c!r}" for c in sorted({c for c in task_codes if task_codes.count(c) > 1})]
        for task in self.tasks:
            errors += [
                f"tasks[{task.code}].{field}: 未知单位 {code!r}"
                for field in ("lead", "cooperating")
                for code in getattr(task, field)
                if code not in unit_codes
            ]
        for campaign in self.campaigns:
            if campaign.tasks and not self.tasks:
                errors.append(f"campaigns[{campaign.code}].tasks: 目录中没有工作要点(tasks.yaml)")
            for deadline in campaign.deadlines:
                form = getattr(self.forms, deadline.form)
                if form is None:
                    errors.append(f"campaigns[{campaign.code}].deadlines: forms.yaml 未定义表单 {deadline.form!r}")
            errors += [
                f"campaigns[{campaign.code}].plans: 未知规划 {code!r}"
                for code in campaign.plans
                if code not in plan_codes
            ]
            for code in campaign.plans:
                if code in plan_codes:
                    start, end = self.plan(code).period
                    if not start - 1 <= campaign.data_year <= end:
                        errors.append(
                            f"campaigns[{campaign.code}].data_cutoff: 数据年度 {campaign.data_year} "
                            f"不在规划期 {start}–{end} 内"
                        )
        if errors:
            raise CatalogError(f"目录 {self.root} 有 {len(errors)} 处错误:\n  " + "\n  ".join(errors))


def _read_yaml(path: Path) -> object:
    try:
        with path.open(encoding="utf-8") as handle:
            return yaml.safe_load(handle)
    except FileNotFoundError as exc:
        raise CatalogError(f"目录文件不存在: {path}") from exc
    except yaml.YAMLError as exc:
        raise CatalogError(f"{path}: YAML 格式错误: {exc}") from exc


def _format_validation_error(path: Path, exc: ValidationError, entry_label: str = "") -> str:
    lines = []
    for error in exc.errors():
        where = ".".join(str(part) for part in (entry_label, *error["loc"]) if part != "") or "(根)"
        lines.append(f"{path.name}: {where}: {error['msg']}")
    return "\n  ".join(lines)


def _validate_list(path: Path, raw: object, model: type[_Model]) -> tuple:
    if not isinstance(raw, list):
        raise CatalogError(f"{path}: 应为列表")
    items = []
    for index, entry in enumerate(raw):
        label = f"[{entry['code']}]" if isinstance(entry, dict) and "code" in entry else f"[{index}]"
        try:
            items.append(model.model_validate(entry))
        except ValidationError as exc:
            raise CatalogError(_format_validation_error(path, exc, label)) from exc
    return tuple(items)


def load_catalog(root: str | Path) -> Catalog:
    """Load and cross-check the catalog in folder ``root``; raise CatalogError naming file and key."""
    root = Path(root).resolve()
    if not root.is_dir():
        raise CatalogError(f"目录文件夹不存在: {root}")
    manifest_path = root / "catalog.yaml"
    manifest = _read_yaml(manifest_path)
    if not isinstance(manifest, dict) or "files" not in manifest:
        raise CatalogError(f"{manifest_path}: 需要 city、office 和 files 等键")
    files: dict[str, str] = manifest["files"]

    def part(key: str, optional: bool = False) -> tuple[Path, object]:
        if key not in files:
            if optional:
                return manifest_path, []
            raise CatalogError(f"{manifest_path}: files 缺少 {key!r}")
        path = root / files[key]
        return path, _read_yaml(path)

    units_path, units_raw = part("units")
    if not isinstance(units_raw, dict):
        raise CatalogError(f"{units_path}: 需要 departments 与 towns 两个列表")
    unit_entries = [dict(u, kind="department") for u in units_raw.get("departments") or []]
    unit_entries += [dict(u, kind="town") for u in units_raw.get("towns") or []]

    data: dict[str, object] = {"units": _validate_list(units_path, unit_entries, Unit)}
    optional_parts = {
        "indicators": Indicator,
        "measures": Measure,
        "plans": Plan,
        "projects": Project,
        "tasks": WorkTask,
    }
    for key, model in (*optional_parts.items(), ("campaigns", Campaign)):
        path, raw = part(key, optional=key in optional_parts)
        data[key] = _validate_list(path, raw or [], model)
    forms_path, forms_raw = part("forms")
    try:
        data["forms"] = Forms.model_validate(forms_raw)
    except ValidationError as exc:
        raise CatalogError(_format_validation_error(forms_path, exc)) from exc

    try:
        catalog = Catalog(
            root=root,
            city=manifest.get("city", ""),
            office=manifest.get("office", ""),
            short_office=manifest.get("short_office", manifest.get("office", "")),
            unit_kind_labels=DEFAULT_KIND_LABELS | (manifest.get("unit_kind_labels") or {}),
            **data,
        )
    except ValidationError as exc:
        raise CatalogError(_format_validation_error(manifest_path, exc)) from exc
    catalog.check()
    return catalog
