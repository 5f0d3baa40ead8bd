"""The municipal tables built from the accepted submissions: the city's raw figures, each indicator's yearly
figures with their lineage, its assessment, the key projects and the printed-cell mart — rebuilt per
campaign in one transaction, so a re-run replaces rather than appends.

May import: planeval.catalog, planeval.warehouse, planeval.assessment.arithmetic."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Engine

from planeval.assessment.arithmetic import Assessment, Figures, assess, base_figure, derive_cells
from planeval.catalog import Campaign, Catalog, Indicator, Plan
from planeval.catalog.layouts import indicator_layout
from planeval.warehouse.db import execute_many, fetch_all, sql

FetchedRow = dict[str, Any]  # a row as the warehouse returns it (fetch_all)
WrittenRow = dict[str, object]  # the bound parameters of one INSERT
FigureKey = tuple[int, bool]  # (year, is_forecast)
ReportedValues = dict[FigureKey, tuple[float, str]]  # → (value, cell or lineage)
FigureCells = dict[FigureKey, tuple[float, str, str, str | None]]  # → (value, lineage, origin, derivation)
MeasureValues = dict[str, ReportedValues]  # measure → (year, forecast) → (v, lineage)


@dataclass
class _UnitReport:
    submission_id: str
    self_rating: str | None = None
    analysis: str | None = None
    values: ReportedValues = field(default_factory=dict)  # (year, forecast) → (v, cell)


# Two units' figures for the same cell are the same figure within this: a cell is printed to two decimals.
REPORTED_TOLERANCE = 0.01

# How the notes on one indicator are joined in ``indicator_result.conflict`` (reporting/facts.py splits them).
NOTE_SEPARATOR = "；"


def source_role(indicator: Indicator, unit_code: str) -> str:
    """A reporting unit's part in an indicator, as a note names it: 牵头单位 (``responsible[0]``), 责任单位
    (another responsible unit), 配合单位 (``cooperating``), or 其他单位."""
    if unit_code == indicator.lead_unit:
        return "牵头单位"
    if unit_code in indicator.responsible:
        return "责任单位"
    return "配合单位" if unit_code in indicator.cooperating else "其他单位"


def source_order(indicator: Indicator, units: Iterable[str]) -> list[str]:
    """The reporting units in the order their figures count: the lead, the other responsible units and the
    cooperating units in catalog order, then any other unit by code."""
    reporting = set(units)
    known = [u for u in (*indicator.responsible, *indicator.cooperating) if u in reporting]
    return known + sorted(reporting - set(known))


def year_label(key: FigureKey) -> str:
    """A figure's year as a note names it: 2024年, 2025年预测值."""
    return f"{key[0]}年{'预测值' if key[1] else ''}"


def _merge(
    catalog: Catalog, indicator_code: str, reports: dict[str, _UnitReport]
) -> tuple[ReportedValues, _UnitReport, list[str], list[str]]:
    """Merge the units' reports of one indicator: each year's figure is the lead's (``responsible[0]``), else
    the first in ``source_order`` that reported it; a figure used from another unit, and every figure that
    differs from the one used by more than ``REPORTED_TOLERANCE``, is noted for the office.

    Returns the merged values (with the submission cell each came from), the report whose rating and
    analysis count, the reporting units in order, and the notes."""
    indicator = catalog.indicator(indicator_code)
    order = source_order(indicator, reports)
    lead = indicator.lead_unit
    merged: ReportedValues = {}
    notes = []
    if lead not in reports:
        notes.append(f"{_named(catalog, indicator, lead)}未填报,已采用{_named(catalog, indicator, order[0])}填报的数据")
    for key in sorted({key for report in reports.values() for key in report.values}):
        reporters = [unit for unit in order if key in reports[unit].values]
        chosen = reporters[0]
        value, cell = reports[chosen].values[key]
        merged[key] = (value, f"{reports[chosen].submission_id}:{cell}")
        note = _figure_note(catalog, indicator, key, reports, reporters, lead_reported=lead in reports)
        if note:
            notes.append(note)
    return merged, reports[order[0]], order, notes


def _named(catalog: Catalog, indicator: Indicator, unit_code: str) -> str:
    """A unit as a note names it, with its part: 牵头单位市公安局, 配合单位市消防救援支队."""
    return f"{source_role(indicator, unit_code)}{catalog.unit(unit_code).name}"


def _figure_note(
    catalog: Catalog,
    indicator: Indicator,
    key: FigureKey,
    reports: dict[str, _UnitReport],
    reporters: list[str],
    *,
    lead_reported: bool,
) -> str | None:
    """The note on one year's figure, or None: the figure used, the others that differ from it, and whose
    figure was used (“2024年:牵头单位市应急管理局报76%,配合单位市消防救援支队报74%,已采用牵头单位数据”). A year
    the lead left blank in a table it sent is noted even where no other unit differs."""
    chosen = reporters[0]
    used = reports[chosen].values[key][0]
    differing = [u for u in reporters[1:] if abs(reports[u].values[key][0] - used) > REPORTED_TOLERANCE + 1e-9]
    fallback = lead_reported and chosen != indicator.lead_unit
    if not differing and not fallback:
        return None
    parts = [f"{_named(catalog, indicator, indicator.lead_unit)}未填报"] if fallback else []
    parts += [
        f"{_named(catalog, indicator, unit)}报{indicator.with_unit(reports[unit].values[key][0])}"
        for unit in (chosen, *differing)
    ]
    parts.append(f"已采用{source_role(indicator, chosen)}数据")
    return f"{year_label(key)}:{','.join(parts)}"


# A reported cell and the one computed from the unit's raw figures may differ by the reporter's rounding.
DERIVED_TOLERANCE = 0.051


def aggregate(engine: Engine, catalog: Catalog, campaign: Campaign) -> dict[str, int]:
    """Rebuild the campaign's core tables (city raw figures, yearly indicator figures, assessments, key
    projects) and the printed-cell mart from the latest accepted submissions, in one transaction."""
    latest = fetch_all(engine, "select_latest_accepted", campaign_code=campaign.code, form="indicator_table")
    town_figures = fetch_all(engine, "select_latest_accepted", campaign_code=campaign.code, form="figures_table")
    ids = [row["submission_id"] for row in latest]
    reports, projects = _read_reports(engine, latest)
    figure_ids = ids + [row["submission_id"] for row in town_figures]
    figure_rows = fetch_all(engine, "select_accepted_figures", submission_ids=figure_ids) if figure_ids else []
    measures, measure_rows = city_measures(catalog, campaign, figure_rows)
    result_rows, value_rows, cell_rows = _indicator_tables(catalog, campaign, reports, measures)
    project_rows = _project_rows(catalog, campaign, projects)
    with engine.begin() as connection:
        for name in (
            "delete_indicator_result",
            "delete_indicator_result_value",
            "delete_project_result",
            "delete_measure_value",
            "delete_mart_indicator_cell",
        ):
            connection.execute(sql(name), {"campaign_code": campaign.code})
        execute_many(
            connection, "insert_measure_value", [row | {"campaign_code": campaign.code} for row in measure_rows]
        )
        execute_many(connection, "insert_indicator_result", result_rows)
        execute_many(connection, "insert_indicator_result_value", value_rows)
        execute_many(connection, "insert_project_result", project_rows)
        execute_many(connection, "insert_mart_indicator_cell", cell_rows)
    return {
        "submissions_used": len(ids) + len(town_figures),
        "indicators_with_data": sum(1 for row in result_rows if row["computed_rating"] is not None),
        "indicator_rows": len(result_rows),
        "lagging": sum(row["computed_rating"] == "滞后预期" for row in result_rows),
    }


def _read_reports(
    engine: Engine, latest: list[FetchedRow]
) -> tuple[dict[str, dict[str, _UnitReport]], dict[str, list[FetchedRow]]]:
    """What the latest accepted indicator tables report: per indicator, each unit's report; per key
    project, the units' entries."""
    ids = [row["submission_id"] for row in latest]
    unit_of = {row["submission_id"]: row["unit_code"] for row in latest}
    reports: dict[str, dict[str, _UnitReport]] = defaultdict(dict)
    projects: dict[str, list[FetchedRow]] = defaultdict(list)
    if not ids:
        return reports, projects
    for row in fetch_all(engine, "select_accepted_indicator_values", submission_ids=ids):
        unit = unit_of[row["submission_id"]]
        report = reports[row["indicator_code"]].setdefault(unit, _UnitReport(row["submission_id"]))
        report.self_rating = report.self_rating or row["self_rating"]
        report.analysis = report.analysis or row["analysis"]
        if row["year"] is not None:
            report.values[(int(row["year"]), bool(row["is_forecast"]))] = (float(row["value"]), row["cell"])
    for row in fetch_all(engine, "select_accepted_projects", submission_ids=ids):
        projects[row["project_code"]].append(row)
    return reports, projects


def _indicator_tables(
    catalog: Catalog, campaign: Campaign, reports: dict[str, dict[str, _UnitReport]], measures: MeasureValues
) -> tuple[list[WrittenRow], list[WrittenRow], list[WrittenRow]]:
    """The rows of indicator_result (one per plan row), indicator_result_value (each indicator's figures,
    once even if several plans list it) and mart_indicator_cell (the printed cells)."""
    result_rows: list[WrittenRow] = []
    value_rows: list[WrittenRow] = []
    cell_rows: list[WrittenRow] = []
    written_values: set[str] = set()
    for plan in catalog.campaign_plans(campaign):
        for seq, code in enumerate(plan.indicator_table.indicators, start=1):
            indicator = catalog.indicator(code)
            base = {"campaign_code": campaign.code, "plan_code": plan.code, "seq": seq, "indicator_code": code}
            unit_reports = reports[code] if code in reports else {}
            figures, lead, units, notes = _indicator_figures(catalog, plan, indicator, unit_reports, measures)
            outcome = _assess_figures(indicator, plan, campaign, figures, _base(indicator, plan, measures))
            result_rows.append(
                base
                | _assessment_columns(outcome)
                | {
                    "self_rating": lead.self_rating,
                    "analysis": lead.analysis,
                    "source_units": ",".join(units) or None,
                    "source_submissions": ",".join(unit_reports[u].submission_id for u in units) or None,
                    "conflict": NOTE_SEPARATOR.join(notes) or None,
                }
            )
            cell_rows += _printed_cells(catalog, campaign, plan, seq, indicator, figures, outcome)
            if code not in written_values:
                written_values.add(code)
                value_rows += _figure_rows(campaign, code, figures)
    return result_rows, value_rows, cell_rows


def _indicator_figures(
    catalog: Catalog,
    plan: Plan,
    indicator: Indicator,
    unit_reports: dict[str, _UnitReport],
    measures: MeasureValues,
) -> tuple[FigureCells, _UnitReport, list[str], list[str]]:
    """An indicator's yearly figures: the units' merged reports, completed from the city's raw figures.
    Returns them with the lead's report, the reporting units and the notes for the office."""
    if unit_reports:
        merged, lead, units, notes = _merge(catalog, indicator.code, unit_reports)
    else:
        merged, lead, units, notes = {}, _UnitReport(""), [], []
    figures: FigureCells = {key: (value, cell, "reported", None) for key, (value, cell) in merged.items()}
    notes += _add_derived(catalog, indicator, plan.base_year, measures, figures)
    return figures, lead, units, notes


def _assess_figures(
    indicator: Indicator, plan: Plan, campaign: Campaign, figures: FigureCells, base: float | None = None
) -> Assessment:
    """Assess the actual years up to the campaign's data year and the forecast (a floor from ``base``)."""
    actuals = {year: v for (year, forecast), (v, *_) in figures.items() if not forecast and year <= campaign.data_year}
    forecast = next((v for (_, is_forecast), (v, *_) in figures.items() if is_forecast), None)
    return assess(indicator, plan, campaign.data_year, Figures(actuals, forecast, base))


def _base(indicator: Indicator, plan: Plan, measures: MeasureValues) -> float | None:
    """A level indicator's base-year figure from the city's raw figures (the 基础数据表's 2020 column)."""
    if indicator.kind != "level" or indicator.formula is None:
        return None
    plain = {code: {key: value for key, (value, _) in by_key.items()} for code, by_key in measures.items()}
    return base_figure(indicator, indicator.base_year or plan.base_year, plain)


def _figure_rows(campaign: Campaign, indicator_code: str, figures: FigureCells) -> list[WrittenRow]:
    """indicator_result_value: one row per year (and the forecast), with its lineage and origin."""
    return [
        {
            "campaign_code": campaign.code,
            "indicator_code": indicator_code,
            "year": year,
            "is_forecast": int(is_forecast),
            "value": value,
            "source_cell": lineage,
            "origin": origin,
            "derivation": derivation,
        }
        for (year, is_forecast), (value, lineage, origin, derivation) in sorted(figures.items())
    ]


def _project_rows(catalog: Catalog, campaign: Campaign, projects: dict[str, list[FetchedRow]]) -> list[WrittenRow]:
    """project_result: each key project of the campaign's plans, with its units' progress and results."""
    project_rows: list[WrittenRow] = []
    for project in catalog.projects:
        if project.plan not in campaign.plans:
            continue
        entries = projects.get(project.code, [])
        project_rows.append(
            {
                "campaign_code": campaign.code,
                "plan_code": project.plan,
                "project_code": project.code,
                "progress": _by_unit(catalog, entries, "progress"),
                "results": _by_unit(catalog, entries, "results"),
                "source_submission": ",".join(e["submission_id"] for e in entries) or None,
            }
        )
    return project_rows


def city_measures(
    catalog: Catalog, campaign: Campaign, figure_rows: list[FetchedRow]
) -> tuple[MeasureValues, list[WrittenRow]]:
    """The city's raw figures: a department's own figure where one reports it (departments that disagree
    are flagged), else — for an additive measure — the sum of the towns' figures once every town that owes
    a 基础数据表 has reported it. A department figure that differs from the complete towns' sum is flagged."""
    owing_towns = {
        unit.code
        for unit in catalog.units
        if unit.kind == "town" and "figures_table" in catalog.expected_forms(campaign, unit)
    }
    order = {unit.code: index for index, unit in enumerate(catalog.units)}
    grouped: dict[tuple[str, int, bool], list[FetchedRow]] = defaultdict(list)
    for row in figure_rows:
        grouped[(row["measure_code"], int(row["year"]), bool(row["is_forecast"]))].append(row)
    values: MeasureValues = defaultdict(dict)
    rows: list[WrittenRow] = []
    for (code, year, is_forecast), entries in sorted(grouped.items()):
        measure = catalog.measure(code)
        entries.sort(key=lambda e: order[e["unit_code"]])
        departments = [e for e in entries if catalog.unit(e["unit_code"]).kind == "department"]
        towns = [e for e in entries if catalog.unit(e["unit_code"]).kind == "town"]
        town_sum: float | None = None
        if measure.additive and towns and owing_towns <= {e["unit_code"] for e in towns}:
            town_sum = sum(float(e["value"]) for e in towns)
        label = f"{measure.name}{year_label((year, is_forecast))}"
        notes = [
            f"{label}:{catalog.unit(departments[0]['unit_code']).name}填报 {departments[0]['value']:g},"
            f"{catalog.unit(e['unit_code']).name}填报 {e['value']:g}"
            for e in departments[1:]
            if abs(float(e["value"]) - float(departments[0]["value"])) > 1e-9
        ]
        if departments:
            chosen, origin = [departments[0]], "reported"
            value = float(departments[0]["value"])
            if town_sum is not None and abs(town_sum - value) > 1e-9:
                towns_label = catalog.kind_label("town")
                notes.append(f"{label}:{catalog.level_word}填报 {value:g},各{towns_label}合计 {town_sum:g}")
        elif town_sum is not None:
            chosen, origin, value = towns, "town_sum", town_sum
        else:
            continue  # only some towns have reported: a partial sum is not the city's figure
        lineage = ";".join(f"{e['submission_id']}:{e['cell']}" for e in chosen)
        values[code][(year, is_forecast)] = (value, lineage)
        rows.append(
            {
                "campaign_code": campaign.code,
                "measure_code": code,
                "year": year,
                "is_forecast": int(is_forecast),
                "value": value,
                "origin": origin,
                "source_units": ",".join(e["unit_code"] for e in chosen),
                "lineage": lineage,
                "conflict": NOTE_SEPARATOR.join(notes) or None,
            }
        )
    return values, rows


def _add_derived(
    catalog: Catalog, indicator: Indicator, base_year: int, measures: MeasureValues, figures: FigureCells
) -> list[str]:
    """Fill the years the units left blank with cells computed from the raw figures; where both exist, the
    unit's reported cell stands and a difference beyond rounding is returned as a note for the office."""
    if indicator.formula is None:
        return []
    plain = {code: {key: value for key, (value, _) in by_key.items()} for code, by_key in measures.items()}
    notes = []
    for key, cell in derive_cells(indicator, indicator.base_year or base_year, plain).items():
        lineage = ";".join(measures[code][(year, forecast)][1] for code, year, forecast in cell.inputs)
        if key not in figures:
            figures[key] = (cell.value, lineage, "derived", cell.derivation)
        elif abs(figures[key][0] - cell.value) > DERIVED_TOLERANCE:
            year = year_label(key)
            shown = f"{cell.value:g}" + (f" = {cell.derivation}" if cell.derivation != f"{cell.value:g}" else "")
            hint = ""
            if indicator.kind == "decline" and not key[1]:  # the usual slip: a decline on the year before
                on_last_year = derive_cells(indicator, key[0] - 1, plain).get(key)
                if on_last_year and abs(on_last_year.value - figures[key][0]) <= DERIVED_TOLERANCE:
                    hint = f",疑似按较上年(同比)降幅填报,应为较{indicator.base_year or base_year}年降幅"
            notes.append(f"{year}:填报 {figures[key][0]:g},按基础数据计算为 {shown}{hint}")
    return notes


def _printed_cells(
    catalog: Catalog,
    campaign: Campaign,
    plan: Plan,
    seq: int,
    indicator: Indicator,
    figures: FigureCells,
    outcome: Assessment,
) -> list[WrittenRow]:
    """The 附件 row as printed, cell by cell, each with the submission cells it came from."""
    layout = indicator_layout(catalog, plan, campaign)
    base = {"campaign_code": campaign.code, "plan_code": plan.code, "seq": seq, "indicator_code": indicator.code}
    actual_lineage = [figures[key][1] for key in sorted(figures) if not key[1] and key[0] <= campaign.data_year]
    forecast_lineage = [figures[key][1] for key in sorted(figures) if key[1]]
    rows = []
    for column in layout:
        if column.year is not None:
            entry = figures.get((column.year, column.key == "forecast"))
            value, lineage = (entry[0], entry[1]) if entry else (None, "")
        elif column.key == "to_date":
            value, lineage = outcome.to_date, ";".join(actual_lineage)
        elif column.key == "full_period":
            value, lineage = outcome.full_period, ";".join(actual_lineage + forecast_lineage)
        elif column.key == "self_rating":
            rows.append(
                base
                | {
                    "column_key": "rating",
                    "header": column.header,
                    "printed": outcome.rating or "",
                    "value": None,
                    "lineage": ";".join(actual_lineage),
                }
            )
            continue
        else:
            continue
        rows.append(
            base
            | {
                "column_key": column.key,
                "header": column.header,
                "printed": indicator.display(value),
                "value": value,
                "lineage": lineage,
            }
        )
    return rows


def _by_unit(catalog: Catalog, entries: list[FetchedRow], key: str) -> str | None:
    """A project's text from its units: one unit's as written; several, each named (“区应急管理局:…”)."""
    texts: list[tuple[str, str]] = [(e["unit_code"], e[key].strip().rstrip("。;；")) for e in entries if e[key]]
    if len(texts) <= 1:
        return texts[0][1] if texts else None
    if len({text for _, text in texts}) == 1:
        return texts[0][1]
    return ";".join(f"{catalog.unit(unit).name}:{text}" for unit, text in texts)


def _flag(value: bool | None) -> int | None:
    return None if value is None else int(value)


def _assessment_columns(outcome: Assessment) -> WrittenRow:
    return {
        "trend_forecast": outcome.trend_forecast,
        "forecast_meets_target": _flag(outcome.forecast_meets_target),
        "trend_meets_target": _flag(outcome.trend_meets_target),
        "to_date_value": outcome.to_date,
        "full_period_value": outcome.full_period,
        "schedule_share": outcome.schedule_share,
        "schedule_expected": outcome.schedule_expected,
        "computed_rating": outcome.rating,
        "computed_reason": outcome.reason,
    }
