"""A whole city's catalog: its look-ups (which unit answers for what, which campaign, which form). The
cross-checks run when it is loaded live in ``planeval.catalog.checks``.

May import: planeval.catalog.model, planeval.catalog.text, planeval.dates."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from pathlib import Path
from typing import Literal

from pydantic import Field, model_validator

from planeval.catalog.model import (
    CAMPAIGN_KIND_LABELS,
    DEFAULT_KIND_LABELS,
    Campaign,
    Forms,
    FrozenModel,
    Indicator,
    Measure,
    Plan,
    Project,
    Unit,
    WorkTask,
)
from planeval.catalog.text import normalise_text
from planeval.dates import DEFAULT_TIMEZONE, today_in, unguessed

# 行政层级: a city (市), a district (区) or a county (县); catalog.yaml `level`, else the last character of `city`.
Level = Literal["市", "区", "县"]
LEVELS: tuple[str, ...] = ("市", "区", "县")


class CatalogError(ValueError):
    """A catalog file is missing, unreadable or inconsistent; the message names file and key."""


# how a person names the campaign when it cannot be inferred (every entry point takes it)
HOW_TO_CHOOSE = "请指定评估任务:命令行加 --campaign 代码;在 Airflow 中于触发表单“评估任务”中选择"


class CampaignChoiceError(KeyError):
    """The campaign cannot be chosen without guessing, or the one named does not exist; the message (Chinese)
    lists the candidates and how to choose. A KeyError, as an unknown code always was; ``str()`` is the message
    itself, without KeyError's quotes."""

    def __str__(self) -> str:
        return str(self.args[0]) if self.args else ""


class Catalog(FrozenModel):
    """A whole city's catalog, cross-checked on load (``planeval.catalog.checks``)."""

    root: Path
    schema_version: int = 1  # catalog.yaml `schema_version` (planeval.catalog.schema)
    city: str
    office: str
    # catalog.yaml `level` (行政层级) and `place` (the place name a title starts with); both default from `city`
    level: Level
    place: str
    timezone: str = DEFAULT_TIMEZONE  # IANA name: every date a user reads is in it (catalog.yaml `timezone`)
    short_office: str
    units: tuple[Unit, ...]
    indicators: tuple[Indicator, ...] = ()
    measures: tuple[Measure, ...] = ()
    plans: tuple[Plan, ...] = ()
    projects: tuple[Project, ...] = ()
    tasks: tuple[WorkTask, ...] = ()
    campaigns: tuple[Campaign, ...]
    forms: Forms
    unit_kind_labels: dict[str, str] = Field(default_factory=dict)  # overrides of kind_label's defaults
    # usernames that may answer the office's approval (catalog.yaml `approvers`; docs/approval.md)
    approvers: tuple[str, ...] = ("office",)

    @model_validator(mode="before")
    @classmethod
    def _level_and_place(cls, data: object) -> object:
        """``level`` from the last character of ``city`` (海安市 → 市, 龙城区 → 区) and ``place`` = ``city``,
        unless catalog.yaml sets them."""
        if not isinstance(data, dict):
            return data
        city = str(data.get("city") or "")
        if not data.get("place"):
            data = {**data, "place": city}
        if not data.get("level"):
            if city[-1:] not in LEVELS:
                raise ValueError(f"无法从 city “{city}” 推断行政层级:请在 catalog.yaml 中写明 level(市、区或县)")
            data = {**data, "level": city[-1]}
        return data

    # --- the place's own words ------------------------------------------------------------------
    @property
    def level_word(self) -> str:
        """The level as an adjective: 市级, 区级, 县级 (市级填报, 区级部门)."""
        return f"{self.level}级"

    @property
    def whole_place(self) -> str:
        """The whole territory as a sentence says it: 全市, 全区, 全县."""
        return f"全{self.level}"

    def placed(self, text: str) -> str:
        """``text`` led by the place name, which appears once: a text that already names the place (an
        office, a plan titled 天津市河东区…) is returned as it is."""
        return text if self.place in text else f"{self.place}{text}"

    # --- look-ups -------------------------------------------------------------------------------
    def kind_label(self, kind: str) -> str:
        """How this place calls a level of units (catalog.yaml `unit_kind_labels`), by default from its level:
        市级部门 / 区镇街道 for a city, 区级部门 / 乡镇街道 for a district or county."""
        if kind in self.unit_kind_labels:
            return self.unit_kind_labels[kind]
        if kind == "department":
            return f"{self.level_word}部门"
        return DEFAULT_KIND_LABELS[kind] if self.level == "市" else "乡镇街道"

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

    def campaign(self, code: str | None = None, *, year: int | None = None, day: dt.date | None = None) -> Campaign:
        """The campaign a command or run works on — the one resolver every entry point goes through: the one
        named by ``code`` (and of ``year``, if given); else, among the campaigns (of ``year``), the only one
        open on ``day`` (default: today in the catalog's time zone), or, none being open, the only one there
        is. Never guesses: CampaignChoiceError (a KeyError) lists the candidates and how to choose when the
        code is unknown, or two or more are open, or none is open and several exist."""
        pool = [c for c in self.campaigns if year is None or c.year == year]
        if code:
            found = next((c for c in pool if c.code == code), None)
            if found is None:
                asked = "、".join(part for part in (f"代码为 {code}", year and f"年度为 {year}") if part)
                raise CampaignChoiceError(f"目录中没有{asked} 的评估任务;可选:{self._listed(self.campaigns)}")
            return found
        if not pool:
            raise CampaignChoiceError(f"目录中没有 {year} 年度的评估任务;可选:{self._listed(self.campaigns)}")
        day = day or today_in(self.timezone)
        opened = [c for c in pool if c.is_open(day)]
        chosen = unguessed(opened, pool)
        if chosen is not None:
            return chosen
        if opened:
            situation = f"{day.isoformat()} 有 {len(opened)} 个评估任务正在进行"
        else:
            among = f"{year}年度" if year else "目录中"
            situation = f"{day.isoformat()} 没有正在进行的评估任务,而{among}有 {len(pool)} 个"
        raise CampaignChoiceError(f"{situation},不替您猜选哪一个:{self._listed(opened or pool)}。{HOW_TO_CHOOSE}")

    def open_campaign(self, day: dt.date) -> Campaign | None:
        """The campaign open on ``day`` (the monitor's: nothing to watch when none is); CampaignChoiceError when
        two or more are open."""
        opened = [c for c in self.campaigns if c.is_open(day)]
        if len(opened) > 1:
            raise CampaignChoiceError(
                f"{day.isoformat()} 有 {len(opened)} 个评估任务正在进行,不替您猜选哪一个:{self._listed(opened)}。"
                f"{HOW_TO_CHOOSE}"
            )
        return opened[0] if opened else None

    @staticmethod
    def _listed(campaigns: Iterable[Campaign]) -> str:
        """Campaigns as a choice lists them: code, year, kind, name and the days they are open."""
        entries = []
        for c in campaigns:
            window = c.monitoring_window
            days = f",报送期 {window[0].isoformat()} 至 {window[1].isoformat()}" if window else ""
            entries.append(f"{c.code}({c.year}年,{CAMPAIGN_KIND_LABELS[c.kind]}:{c.name}{days})")
        return "、".join(entries) or "(无)"

    def plan_indicators(self, plan_code: str) -> list[Indicator]:
        return [self.indicator(code) for code in self.plan(plan_code).indicator_table.indicators]

    def projects_label(self, campaign: Campaign) -> str:
        """The campaign's plans' own word for their projects (重点工程, 重大工程): the first plan's."""
        plans = self.campaign_plans(campaign)
        return plans[0].projects_label if plans else "重点工程"

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
        forms: list[str] = []
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
