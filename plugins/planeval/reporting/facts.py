"""What the summary report is drafted from: the campaign's warehouse rows, read once, and each assessed
plan's indicators with their figures. reporting/sections.py turns these facts into the report's sections.

May import: planeval.catalog, planeval.warehouse, planeval.assessment.arithmetic."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Engine

from planeval.assessment.arithmetic import Figures, forecast_figure, rated_figure
from planeval.catalog import Campaign, Catalog, Indicator, Plan
from planeval.catalog.layouts import Column, indicator_layout
from planeval.warehouse.db import fetch_all

# A warehouse row as planeval.warehouse.db.fetch_all returns it: column name → SQL value (str, int, float,
# bool, None). The values' types depend on the query, so they stay Any here.
Row = dict[str, Any]


@dataclass(frozen=True)
class IndicatorFacts:
    """One indicator of one plan: its municipal result, yearly values and the figures it is rated on."""

    plan: Plan
    indicator: Indicator
    result: Row  # select_indicator_results
    series: dict[tuple[int, bool], float]  # (year, is_forecast) → value
    figures: Figures
    current: float | None  # the figure the rating is based on
    predicted: float | None  # the end-of-plan figure from the unit's own forecast
    responsible: str  # as printed: the catalog's wording, or the responsible units' names

    @property
    def rating(self) -> str | None:
        """The rating planeval computed (提前实现/符合预期/滞后预期); None without data."""
        rating: str | None = self.result["computed_rating"]
        return rating

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
    def disagrees(self) -> bool:
        """The unit rated itself otherwise than planeval did."""
        return bool(self.rating and self.self_rating and self.self_rating != self.rating)


@dataclass(frozen=True)
class PlanFacts:
    plan: Plan
    layout: list[Column]  # the columns of its indicator table (附件3/附件4)
    indicators: list[IndicatorFacts]  # in the order of its results (by seq)

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

    def indicators(self) -> Iterator[IndicatorFacts]:
        """Every indicator of every plan, plan by plan (an indicator shared by two plans comes twice)."""
        for plan in self.plans:
            yield from plan.indicators


def read_report_facts(engine: Engine, catalog: Catalog, campaign: Campaign) -> ReportFacts:
    """The campaign's results, values, submissions and project results from the warehouse."""
    results = fetch_all(engine, "select_indicator_results", campaign_code=campaign.code)
    values: dict[str, dict[tuple[int, bool], float]] = defaultdict(dict)
    for row in fetch_all(engine, "select_indicator_result_values", campaign_code=campaign.code):
        values[row["indicator_code"]][(int(row["year"]), bool(row["is_forecast"]))] = float(row["value"])
    plans = [
        PlanFacts(
            plan,
            indicator_layout(catalog, plan, campaign),
            [_indicator_facts(catalog, plan, result, values) for result in results if result["plan_code"] == plan.code],
        )
        for plan in catalog.campaign_plans(campaign)
    ]
    projects = {
        row["project_code"]: row for row in fetch_all(engine, "select_project_results", campaign_code=campaign.code)
    }
    submissions = fetch_all(engine, "select_submissions", campaign_code=campaign.code)
    return ReportFacts(catalog, campaign, plans, submissions, projects)


def _indicator_facts(
    catalog: Catalog, plan: Plan, result: Row, values: dict[str, dict[tuple[int, bool], float]]
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
        current=rated_figure(indicator, figures),
        predicted=forecast_figure(indicator, figures) if figures.actuals else None,
        responsible=indicator.responsible_text or "、".join(catalog.unit(u).name for u in indicator.responsible),
    )
