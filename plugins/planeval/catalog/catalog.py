"""A whole city's catalog: its look-ups (which unit answers for what, which campaign, which form). The
cross-checks run when it is loaded live in ``planeval.catalog.checks``.

May import: planeval.catalog.model, planeval.catalog.text, planeval.dates."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import Literal

from pydantic import Field, model_validator

from planeval.catalog.model import (
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
from planeval.dates import DEFAULT_TIMEZONE

# 行政层级: a city (市), a district (区) or a county (县); catalog.yaml `level`, else the last character of `city`.
Level = Literal["市", "区", "县"]
LEVELS: tuple[str, ...] = ("市", "区", "县")


class CatalogError(ValueError):
    """A catalog file is missing, unreadable or inconsistent; the message names file and key."""


class Catalog(FrozenModel):
    """A whole city's catalog, cross-checked on load (``planeval.catalog.checks``)."""

    root: Path
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
