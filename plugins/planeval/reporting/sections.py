"""The summary report's context, one builder per section of the report (the framework of 附件1):

    build_heading            title block: title, 征求意见稿, office, the length warning
    build_overview           一(一) 主要目标指标进展: each plan's summary and one sentence per indicator
    (一(二) 主要任务进展 and 附录三 are reporting/progress.py's; the drafted achievements, problems, 对策 and
    十五五 suggestions are reporting/findings.py's; the units' own words, compiled, reporting/narratives.py's)
    build_problems           二 存在的主要问题: lagging indicators, conflicting sources, self-ratings that
                             differ (``disagreements`` with both reasons; ``rating_disagreements``: indicator,
                             plan, unit, computed, self — one per plan row), indicators without data, units
                             that have not reported
    build_suggestions        三 预测及对策建议: each plan's forecast lines, a suggestion per lagging indicator
    build_closing            附件说明 and the date under the office's name
    build_lagging_appendix   附录一 滞后预期指标分析
    build_trend_charts       附录二 主要指标趋势图 (quantities only; status indicators named in a note)
    build_indicator_tables   附件3/附件4 the indicator tables

To change the report's 问题 section, edit build_problems here (wording in templates/summary_report.docx and
reporting/words.py). Each builder returns only the keys its section prints; reporting/summary.py's
build_report_context merges them. Keys two sections share are lists of the same items, merged item by item:
``plans`` (overview, tasks, suggestions, tables), a plan's ``rows`` (overview, tables) and ``lagging``
(problems, suggestions, 附录一); every part of such a list is built from the same selection, in the same order.

May import: planeval.catalog, planeval.dates and the reporting modules below it (facts, figures, titles, words,
render, charts, typography)."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import TypedDict

from planeval.catalog import RATINGS, Campaign, Catalog
from planeval.catalog.layouts import Column
from planeval.dates import chinese_date
from planeval.reporting.drafting import strip_marks
from planeval.reporting.facts import IndicatorFacts, PlanFacts, ReportFacts
from planeval.reporting.figures import figure_cell, is_charted, latest_status, period_cells
from planeval.reporting.findings import indicator_measure
from planeval.reporting.render import Picture
from planeval.reporting.titles import campaign_title, project_sheet_title
from planeval.reporting.typography import title_lines
from planeval.reporting.words import (
    clause,
    forecast_lines,
    gap_sentence,
    indicator_phrase,
    indicator_sentence,
    trend_sentence,
)


class Heading(TypedDict):
    city: str
    office: str
    short_office: str
    campaign_name: str
    projects_label: str  # the plans' own word for their projects (重点工程, 重大工程)
    title: str
    title_lines: list[str]  # the title as it is set, broken between words (typography.title_lines)
    draft: bool
    data_year: int
    length_warning: str | None


def build_heading(catalog: Catalog, campaign: Campaign, *, draft: bool) -> Heading:
    """The title block; ``length_warning`` is set by render_summary_report when the body is over the limit."""
    title = campaign_title(catalog, campaign)
    return {
        "city": catalog.city,
        "office": catalog.office,
        "short_office": catalog.short_office,
        "campaign_name": campaign.name,
        "projects_label": catalog.projects_label(campaign),
        "title": title.report,
        "title_lines": title_lines(*title.parts),
        "draft": draft,
        "data_year": campaign.data_year,
        "length_warning": None,
    }


class IndicatorSentence(TypedDict):
    seq: int
    sentence: str


class PlanOverview(TypedDict):
    summary: str
    groups: list[str]  # the indicators by rating, one sentence each, as printed
    rows: list[IndicatorSentence]


class Overview(TypedDict):
    data_cutoff: str
    plans: list[PlanOverview]


def build_overview(facts: ReportFacts) -> Overview:
    """一(一): per plan, how many indicators it has and how they are rated; a drafted sentence per indicator."""
    campaign = facts.campaign
    plans: list[PlanOverview] = []
    for plan in facts.plans:
        counts = Counter(item.rating for item in plan.indicators)
        binding = sum(item.indicator.attribute == "约束性" for item in plan.indicators)
        name, total = plan.plan.short_name, len(plan.indicators)
        summary = (
            f"{name}共{total}项主要指标(约束性{binding}项、预期性{total - binding}项),"
            f"截至{chinese_date(campaign.data_cutoff)}(降幅以{plan.plan.base_year}年为基数,年均、累计按"
            f"{plan.plan.period[0]}—{campaign.data_year}年计),"
            + "、".join(f"{rating}{counts.get(rating, 0)}项" for rating in RATINGS)
            + (f",暂无数据{counts.get(None, 0)}项" if counts.get(None) else "")
            + "。"
        )
        rows: list[IndicatorSentence] = [
            {
                "seq": item.result["seq"],
                "sentence": indicator_sentence(item.indicator, item.rating, item.compared, plan.plan.period[0]),
            }
            for item in plan.indicators
        ]
        plans.append({"summary": summary, "groups": _rating_groups(facts, plan), "rows": rows})
    return {"data_cutoff": chinese_date(campaign.data_cutoff), "plans": plans}


def _rating_groups(facts: ReportFacts, plan: PlanFacts) -> list[str]:
    """The plan's indicators by rating, one sentence per rating (“提前实现的3项:…”); an indicator an earlier
    plan already showed is named once, as shared, not repeated."""
    earlier = facts.plans[: facts.plans.index(plan)]
    shown = {item.indicator.code: other.plan.short_name for other in earlier for item in other.indicators}
    first_year, data_year = plan.plan.period[0], facts.campaign.data_year
    groups: list[str] = []
    for rating in (*RATINGS, None):
        items = [i for i in plan.indicators if i.rating == rating and i.indicator.code not in shown]
        if not items:
            continue
        if rating is None:
            groups.append(f"暂无数据的{len(items)}项:{'、'.join(i.indicator.plain_name for i in items)}。")
            continue
        phrases = [
            f"{indicator_phrase(i.indicator, i.current, first_year, data_year, dated=False)}"
            f"(目标{i.indicator.target_words})"
            for i in items
        ]
        groups.append(f"{rating}的{len(items)}项:" + ";".join(phrases) + "。")
    shared = [i.indicator.plain_name for i in plan.indicators if i.indicator.code in shown]
    if shared:
        owners = "、".join(dict.fromkeys(shown[i.indicator.code] for i in plan.indicators if i.indicator.code in shown))
        groups.append(f"与{owners}共有的{len(shared)}项指标({'、'.join(shared)})情况同上。")
    return groups


class LaggingProblem(TypedDict):
    name: str
    plan: str
    responsible: str
    gap: str


class Conflict(TypedDict):
    name: str
    detail: str


class Disagreement(TypedDict):
    name: str
    responsible: str
    self_rating: str
    self_reason: str
    computed: str
    computed_reason: str | None


class RatingDisagreement(TypedDict):
    """A computed rating and the unit's self-rating that differ, for the office to settle."""

    indicator: str
    indicator_code: str
    plan: str
    unit: str  # the unit whose self-rating it is: the lead reporting unit
    computed: str
    self: str


class Problems(TypedDict):
    lagging: list[LaggingProblem]
    conflicts: list[Conflict]
    disagreements: list[Disagreement]
    rating_disagreements: list[RatingDisagreement]
    no_data: list[str]
    missing_units: list[str]


def build_problems(facts: ReportFacts) -> Problems:
    """二 存在的主要问题: the lagging indicators and how far behind each is, the indicators whose sources
    disagree, the self-ratings that differ from planeval's, the indicators without data, the units that have
    not reported. Each indicator is named once, under the first plan that has it."""
    return {
        "lagging": [
            {
                "name": item.indicator.name,
                "plan": item.plan.short_name,
                "responsible": item.responsible,
                "gap": gap_sentence(item.indicator, item.compared, item.plan.period[0]),
            }
            for item in _lagging(facts)
        ],
        "conflicts": [
            {"name": item.indicator.name, "detail": item.result["conflict"]}
            for item in _first_of_each(facts, lambda item: bool(item.result["conflict"]))
        ],
        "disagreements": [
            {
                "name": item.indicator.name,
                "responsible": item.responsible,
                "self_rating": item.result["self_rating"],
                "self_reason": clause(item.analysis) or "未填写分析说明",
                "computed": item.result["computed_rating"],
                "computed_reason": item.result["computed_reason"],
            }
            for item in _first_of_each(facts, lambda item: item.disagrees)
        ],
        "rating_disagreements": _rating_disagreements(facts),
        "no_data": [item.indicator.name for item in _first_of_each(facts, lambda item: item.rating is None)],
        "missing_units": facts.missing_units(),
    }


def _rating_disagreements(facts: ReportFacts) -> list[RatingDisagreement]:
    """Every (plan, indicator) whose unit rated itself otherwise than planeval computed, plan by plan."""
    catalog = facts.catalog
    rows: list[RatingDisagreement] = []
    for item in facts.indicators():
        if not item.disagrees:
            continue
        lead = (item.result["source_units"] or "").split(",")[0]
        rows.append(
            {
                "indicator": item.indicator.name,
                "indicator_code": item.indicator.code,
                "plan": item.plan.short_name,
                "unit": catalog.unit(lead).name if lead else item.responsible,
                "computed": item.result["computed_rating"],
                "self": item.result["self_rating"],
            }
        )
    return rows


class PlanForecast(TypedDict):
    forecast: list[str]


class LaggingSuggestion(TypedDict):
    name: str
    suggestion: str


class Suggestions(TypedDict):
    plans: list[PlanForecast]
    lagging: list[LaggingSuggestion]


def build_suggestions(facts: ReportFacts) -> Suggestions:
    """三 预测及对策建议: per plan, which indicators the units' end-of-plan forecasts meet (and where the trend
    says otherwise); a suggestion per lagging indicator (also printed in 附录一)."""
    plans: list[PlanForecast] = []
    for plan in facts.plans:
        on_track: list[str] = []
        off_track: list[str] = []
        trend_differs: list[str] = []
        for item in plan.indicators:
            indicator, predicted = item.indicator, item.predicted
            meets = predicted is not None and indicator.target.is_met(predicted)
            if predicted is not None:
                (on_track if meets else off_track).append(indicator.plain_name)
            trend_meets = item.result["trend_meets_target"]
            if item.trend is not None and trend_meets is not None and bool(trend_meets) != meets:
                trend_differs.append(
                    f"{indicator.plain_name}(单位预测{indicator.with_unit(item.figures.forecast)},"
                    f"趋势外推{indicator.with_unit(item.trend)})"
                )
        name, end = plan.plan.short_name, plan.plan.period[1]
        plans.append({"forecast": forecast_lines(name, end, on_track, off_track, trend_differs)})
    return {
        "plans": plans,
        "lagging": [{"name": item.indicator.name, "suggestion": _suggestion(facts, item)} for item in _lagging(facts)],
    }


def _suggestion(facts: ReportFacts, item: IndicatorFacts) -> str:
    """The lagging indicator's 对策 as 三 drafts it (reporting/findings.py), repeated in 附录一."""
    return strip_marks(indicator_measure(facts, item))


class Closing(TypedDict):
    attachments: list[str]
    generated_on: str


def build_closing(catalog: Catalog, campaign: Campaign, generated_on: dt.date) -> Closing:
    """附件说明 and the date under the office's name."""
    return {"attachments": attachment_list(catalog, campaign), "generated_on": chinese_date(generated_on)}


def attachment_list(catalog: Catalog, campaign: Campaign) -> list[str]:
    """附件说明 lines for the document set in the order of the notice's labels, numbered 1, 2, 3… as GB/T 9704
    §7.3.6 asks (“1.<title>”, the 附件2 sheets first); a catalog that labels its tables otherwise (附表1)
    gets “附表1 <title>”, its tables' own names."""
    plans = catalog.campaign_plans(campaign)
    labelled = {
        table.annex: table.title for plan in plans for table in (plan.indicator_table, plan.project_table) if table
    }
    if any(p.plan in {plan.code for plan in plans} for p in catalog.projects):
        label = catalog.projects_label(campaign)
        labelled.setdefault(campaign.project_sheet_annex, project_sheet_title(catalog, campaign))

    def order(label: str) -> tuple[str, int]:
        prefix = label.rstrip("0123456789")
        return prefix, int(label[len(prefix) :] or 0)

    lines: list[str] = []
    for label in sorted(labelled, key=order):
        prefix, number = order(label)
        if prefix == "附件" and number:
            lines.append(f"{sum(line[0].isdigit() for line in lines) + 1}.{labelled[label]}")
        else:
            lines.append(f"{label}\u3000{labelled[label]}")
    return lines


class LaggingAnalysis(TypedDict):
    name: str
    target: str
    current: str
    expected: str
    reason: str | None
    analysis: str
    trend: str


class LaggingAppendix(TypedDict):
    lagging: list[LaggingAnalysis]


def build_lagging_appendix(facts: ReportFacts) -> LaggingAppendix:
    """附录一: each lagging indicator's target, figures, forecast beside the trend and its unit's analysis."""
    lagging: list[LaggingAnalysis] = []
    for item in _lagging(facts):
        indicator = item.indicator
        lagging.append(
            {
                "name": indicator.name,
                "target": indicator.target_words,
                "current": indicator.with_unit(item.current),
                "expected": indicator.with_unit(item.expected),
                "reason": item.result["computed_reason"],
                "analysis": item.analysis or "(责任单位未提供分析说明)",
                "trend": trend_sentence(indicator, item.plan.period[1], item.figures.forecast, item.trend),
            }
        )
    return {"lagging": lagging}


class TrendChart(TypedDict):
    name: str
    image: Picture


class Uncharted(TypedDict):
    """A status indicator named under 附录二's charts instead of being plotted (reporting/figures.py)."""

    name: str
    status: str  # its latest status: 基本建成, 第3名


class TrendCharts(TypedDict):
    charts: list[TrendChart]
    uncharted: list[Uncharted]


def build_trend_charts(facts: ReportFacts, charts_dir: Path | None) -> TrendCharts:
    """附录二: a trend chart per quantity indicator with yearly figures, drawn in ``charts_dir``, and the status
    indicators (qualitative, ranking) with figures named in a note instead; none without ``charts_dir``."""
    if charts_dir is None:
        return {"charts": [], "uncharted": []}
    with_figures = _first_of_each(facts, lambda item: bool(item.figures.actuals), key=lambda item: item.indicator.code)
    return {
        "charts": [
            {"name": item.indicator.name, "image": _chart(item, charts_dir)}
            for item in with_figures
            if is_charted(item.indicator)
        ],
        "uncharted": [
            {"name": item.indicator.plain_name, "status": latest_status(item.indicator, item.figures.actuals)}
            for item in with_figures
            if not is_charted(item.indicator)
        ],
    }


def _chart(item: IndicatorFacts, folder: Path) -> Picture:
    from planeval.reporting.charts import TrendSeries, draw_trend_chart

    indicator, plan, figures = item.indicator, item.plan, item.figures
    if not is_charted(indicator):
        raise ValueError(f"{indicator.code}: a {indicator.kind} indicator's figures are a status, never plotted")
    end = plan.period[1]
    series = TrendSeries(
        title=indicator.name,
        unit=indicator.unit,
        base_year=indicator.base_year or plan.base_year,
        base_value=0.0 if indicator.kind == "decline" else None,
        actuals=figures.actuals,
        forecast=(end, figures.forecast) if figures.forecast is not None else None,
        trend=(end, item.trend) if item.trend is not None else None,
        target=indicator.target.value,
        target_label=indicator.target.text,
    )
    return Picture(draw_trend_chart(series, folder / f"{indicator.code}.png"), width_mm=140)


class TableRow(TypedDict):
    seq: int
    name: str
    target: str
    attribute: str
    years: list[str]
    to_date: str
    full_period: str
    rating: str  # the computed 综合进度评价 (or 暂无数据)
    self_rating: str  # the responsible unit's own rating as it typed it ("" if none)
    rating_differs: bool
    responsible: str


class AnnexTable(TypedDict):
    name: str
    annex: str
    annex_label: str
    title: str
    headers: list[str]
    year_headers: list[str]
    to_date_header: str
    rows: list[TableRow]


class IndicatorTables(TypedDict):
    plans: list[AnnexTable]


def build_indicator_tables(facts: ReportFacts) -> IndicatorTables:
    """附件3/附件4: per plan, its indicator table with the yearly values, 年均/累计 and the ratings."""
    tables: list[AnnexTable] = []
    for plan in facts.plans:
        table, layout = plan.plan.indicator_table, plan.layout
        tables.append(
            {
                "name": plan.plan.name,
                "annex": table.annex,
                "annex_label": table.annex,
                "title": table.title,
                "headers": [c.header for c in layout if c.key not in ("analysis",)],
                "year_headers": [c.header for c in plan.year_columns],
                "to_date_header": next((c.header for c in layout if c.key == "to_date"), ""),
                "rows": [_table_row(item, plan.year_columns) for item in plan.indicators],
            }
        )
    return {"plans": tables}


def _table_row(item: IndicatorFacts, year_columns: list[Column]) -> TableRow:
    """One row of 附件3/附件4: ``rating`` is planeval's computed rating only; the unit's own rating is its own
    field (``self_rating``), never folded into the same cell, and ``rating_differs`` marks a disagreement.
    Figures print as reporting/figures.py says: a status indicator's as words, its period cells as its status."""
    indicator = item.indicator
    to_date, full_period = period_cells(
        indicator, item.figures.actuals, item.result["to_date_value"], item.result["full_period_value"]
    )
    return {
        "seq": item.result["seq"],
        "name": indicator.name,
        "target": indicator.target.text,
        "attribute": indicator.attribute,
        "years": [
            figure_cell(indicator, item.series.get((c.year, c.key == "forecast")))
            for c in year_columns
            if c.year is not None
        ],
        "to_date": to_date,
        "full_period": full_period,
        "rating": item.rating or "暂无数据",
        "self_rating": item.self_rating or "",
        "rating_differs": item.disagrees,
        "responsible": item.responsible,
    }


def _first_of_each(
    facts: ReportFacts,
    keep: Callable[[IndicatorFacts], bool],
    key: Callable[[IndicatorFacts], str] = lambda item: item.indicator.name,
) -> list[IndicatorFacts]:
    """The indicators ``keep`` selects, plan by plan, each once (by name): the first plan's."""
    chosen: dict[str, IndicatorFacts] = {}
    for item in facts.indicators():
        if keep(item):
            chosen.setdefault(key(item), item)
    return list(chosen.values())


def _lagging(facts: ReportFacts) -> list[IndicatorFacts]:
    """The indicators rated 滞后预期: the items of ``lagging`` in 二, 三 and 附录一, in this order."""
    return _first_of_each(facts, lambda item: item.rating == "滞后预期")
