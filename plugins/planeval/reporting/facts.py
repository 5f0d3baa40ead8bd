"""What the summary report is drafted from: the campaign's warehouse rows, read once, and each assessed
plan's indicators with their figures. reporting/sections.py turns these facts into the report's sections.

May import: planeval.catalog, planeval.intake.narrative, planeval.warehouse, planeval.assessment."""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import Engine

from planeval.assessment.aggregate import NOTE_SEPARATOR
from planeval.assessment.arithmetic import Compared, Figures, compare, forecast_figure
from planeval.assessment.tasks import TaskAssessment, TaskEvidence, assess_plan_tasks
from planeval.catalog import Campaign, Catalog, Indicator, Plan
from planeval.catalog.layouts import Column, indicator_layout
from planeval.intake.narrative import UnitNarrative, clean_text, read_narrative
from planeval.safetext import printable
from planeval.warehouse.db import fetch_all
from planeval.warehouse.queries import accepted_document_paths, explained_anomalies

log = logging.getLogger(__name__)

# A warehouse row as planeval.warehouse.db.fetch_all returns it: column name → SQL value (str, int, float,
# bool, None). The values' types depend on the query, so they stay Any here.
Row = dict[str, Any]


@dataclass(frozen=True)
class ExplainedValue:
    """A value a unit reported that tripped a 警告 and was accepted with the unit's 上报说明."""

    unit_code: str
    year: int
    is_forecast: bool
    value: float
    cell: str  # 附件4!F7 of the unit's accepted file
    explanation: str  # the 上报说明, as the unit wrote it
    warnings: tuple[str, ...]  # the 警告 the receipt gave at that cell


@dataclass(frozen=True)
class IndicatorFacts:
    """One indicator of one plan: its municipal result, yearly values and the figures it is rated on."""

    plan: Plan
    indicator: Indicator
    result: Row  # select_indicator_results
    series: dict[tuple[int, bool], float]  # (year, is_forecast) → value
    figures: Figures
    compared: Compared | None  # the figures the rating was decided on (assessment.arithmetic.compare)
    predicted: float | None  # the end-of-plan figure from the unit's own forecast
    responsible: str  # as printed: the catalog's wording, or the responsible units' names
    explained: tuple[ExplainedValue, ...] = ()  # its warned values accepted with a 上报说明, by unit and year

    @property
    def rating(self) -> str | None:
        """The rating planeval computed (提前实现/符合预期/滞后预期); None without data."""
        rating: str | None = self.result["computed_rating"]
        return rating

    @property
    def current(self) -> float | None:
        """The figure the rating is based on: the deadline year's for a target due before the data year."""
        return self.compared.figure if self.compared is not None else None

    @property
    def analysis(self) -> str:
        """The unit's 分析说明, cleaned of template artefacts and internal notes (planeval.intake.narrative)."""
        return clean_text(str(self.result["analysis"] or ""))[0]

    @property
    def self_rating(self) -> str | None:
        self_rating: str | None = self.result["self_rating"]
        return self_rating

    @property
    def trend(self) -> float | None:
        """The straight-line end-of-plan forecast planeval computed."""
        trend: float | None = self.result["trend_forecast"]
        return trend

    @property
    def expected(self) -> float | None:
        """Where 序时进度 wants the indicator by the data year."""
        expected: float | None = self.result["schedule_expected"]
        return expected

    @property
    def notes(self) -> list[str]:
        """What aggregation noted for the office on this indicator, one note each (``source_notes``)."""
        return source_notes(self.result["conflict"])

    @property
    def disagrees(self) -> bool:
        """The unit rated itself otherwise than planeval did."""
        return bool(self.rating and self.self_rating and self.self_rating != self.rating)


def source_notes(conflict: str | None) -> list[str]:
    """The notes of ``indicator_result.conflict`` one by one: a figure taken from a unit other than the lead
    (“牵头单位…未填报,已采用…”), a unit's differing figure (“2024年:牵头单位…报76%,配合单位…报74%,已采用牵头单位
    数据”), a reported cell that differs from the raw figures."""
    return [note for note in (conflict or "").split(NOTE_SEPARATOR) if note]


@dataclass(frozen=True)
class PlanFacts:
    plan: Plan
    layout: list[Column]  # the columns of its indicator table (附件3/附件4)
    indicators: list[IndicatorFacts]  # in the order of its results (by seq)
    tasks: list[TaskAssessment] = field(default_factory=list)  # its 主要任务 assessed, in the plan's order

    @property
    def year_columns(self) -> list[Column]:
        return [column for column in self.layout if column.year is not None]


@dataclass(frozen=True)
class ReportFacts:
    catalog: Catalog
    campaign: Campaign
    plans: list[PlanFacts]
    submissions: list[Row]  # select_submissions, oldest first
    projects: dict[str, Row]  # project code → select_project_results
    narratives: dict[str, UnitNarrative] = field(default_factory=dict)  # unit code → its report by section

    def indicators(self) -> Iterator[IndicatorFacts]:
        """Every indicator of every plan, plan by plan (an indicator shared by two plans comes twice)."""
        for plan in self.plans:
            yield from plan.indicators

    def reported_units(self) -> set[str]:
        """The codes of the units with an accepted submission."""
        return {s["unit_code"] for s in self.submissions if s["status"] == "accepted"}

    def missing_units(self) -> list[str]:
        """The units expected to report this campaign that have no accepted submission, by name."""
        reported = self.reported_units()
        expected = [u for u in self.catalog.units if self.catalog.expected_forms(self.campaign, u)]
        return [u.name for u in expected if u.code not in reported]


def read_report_facts(engine: Engine, catalog: Catalog, campaign: Campaign) -> ReportFacts:
    """The campaign's results, values, submissions and project results from the warehouse."""
    results = fetch_all(engine, "select_indicator_results", campaign_code=campaign.code)
    values: dict[str, dict[tuple[int, bool], float]] = defaultdict(dict)
    for row in fetch_all(engine, "select_indicator_result_values", campaign_code=campaign.code):
        values[row["indicator_code"]][(int(row["year"]), bool(row["is_forecast"]))] = float(row["value"])
    projects = {
        row["project_code"]: row for row in fetch_all(engine, "select_project_results", campaign_code=campaign.code)
    }
    explained = read_explained_values(engine, campaign)
    narratives = read_narratives(engine, catalog, campaign)
    reports = {unit: narrative.sections.get("tasks", []) for unit, narrative in narratives.items()}
    plans = []
    for plan in catalog.campaign_plans(campaign):
        items = [
            _indicator_facts(
                catalog, plan, campaign, row, values, explained.get((plan.code, row["indicator_code"]), ())
            )
            for row in results
            if row["plan_code"] == plan.code
        ]
        evidence = _task_evidence(plan, items, projects)
        tasks = assess_plan_tasks(catalog, plan, reports, evidence, campaign.data_year)
        plans.append(PlanFacts(plan, indicator_layout(catalog, plan, campaign), items, tasks))
    submissions = fetch_all(engine, "select_submissions", campaign_code=campaign.code)
    return ReportFacts(catalog, campaign, plans, submissions, projects, narratives)


def read_narratives(engine: Engine, catalog: Catalog, campaign: Campaign) -> dict[str, UnitNarrative]:
    """Every unit's accepted narrative reports, split into the framework's sections (a unit that sent one per
    plan has them joined, section by section). A report that cannot be read is left out, with a warning: its
    receipt already told the unit."""
    form = catalog.forms.summary_report
    if form is None or not form.sections:
        return {}
    narratives: dict[str, UnitNarrative] = {}
    for unit, paths in accepted_document_paths(engine, campaign.code, [u.code for u in catalog.units]).items():
        parts = []
        for path in paths:
            try:
                parts.append(read_narrative(Path(path), form.sections))
            except Exception:
                log.warning("无法读取总结评估报告 %s", printable(path))
        if parts:
            narratives[unit] = UnitNarrative.joined(parts)
    return narratives


def _task_evidence(plan: Plan, items: list[IndicatorFacts], projects: dict[str, Row]) -> dict[str, TaskEvidence]:
    """Per task of ``plan``: its indicators' computed ratings and its projects' reported progress."""
    ratings = {item.indicator.code: item.rating for item in items}
    return {
        task.code: TaskEvidence(
            {code: ratings.get(code) for code in task.indicators},
            {code: (projects.get(code) or {}).get("progress") for code in task.projects},
        )
        for task in plan.tasks
    }


def read_explained_values(engine: Engine, campaign: Campaign) -> dict[tuple[str, str], tuple[ExplainedValue, ...]]:
    """(plan, indicator) → its values accepted with a 上报说明 (``warehouse.queries.explained_anomalies``, one
    row per warning), one ExplainedValue per value with all the warnings at its cell."""
    grouped: dict[tuple[str, str], dict[tuple[str, int, bool], ExplainedValue]] = defaultdict(dict)
    for row in explained_anomalies(engine, campaign.code):
        key = (str(row["unit_code"]), int(row["year"]), bool(row["is_forecast"]))
        values = grouped[(row["plan_code"], row["indicator_code"])]
        known = values.get(key)
        warning = (str(row["warning"]),) if row["warning"] else ()
        if known is None:
            values[key] = ExplainedValue(*key, float(row["value"]), str(row["cell"]), str(row["explanation"]), warning)
        else:
            values[key] = ExplainedValue(*key, known.value, known.cell, known.explanation, known.warnings + warning)
    return {where: tuple(values.values()) for where, values in grouped.items()}


def _indicator_facts(
    catalog: Catalog,
    plan: Plan,
    campaign: Campaign,
    result: Row,
    values: dict[str, dict[tuple[int, bool], float]],
    explained: tuple[ExplainedValue, ...] = (),
) -> IndicatorFacts:
    indicator = catalog.indicator(result["indicator_code"])
    series = values.get(indicator.code, {})
    figures = Figures(
        {year: value for (year, is_forecast), value in series.items() if not is_forecast},
        next((value for (_, is_forecast), value in series.items() if is_forecast), None),
    )
    return IndicatorFacts(
        plan=plan,
        indicator=indicator,
        result=result,
        series=series,
        figures=figures,
        compared=compare(indicator, plan, campaign.data_year, figures, result["schedule_expected"]),
        predicted=forecast_figure(indicator, figures) if figures.actuals else None,
        responsible=indicator.responsible_text or "、".join(catalog.unit(u).name for u in indicator.responsible),
        explained=explained,
    )
