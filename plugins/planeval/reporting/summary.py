"""The municipal summary assessment report (framework of 附件1, with 附件3/附件4 filled), from the warehouse.

Its own appendices are 附录一 (lagging indicators) and 附录二 (trend charts); 附件N keeps the notice's numbering
across the document set, listed after the body as GB/T 9704 §7.3.6 asks.

The prose is drafted from the data so the office edits a draft instead of writing from nothing.

May import: planeval.catalog, planeval.dates, planeval.warehouse, planeval.assessment.arithmetic and the
modules of planeval.reporting below it (words, render, charts)."""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from pathlib import Path

from sqlalchemy import Engine

from planeval.assessment.arithmetic import Figures, forecast_figure, rated_figure
from planeval.catalog import RATINGS, Campaign, Catalog, Indicator
from planeval.catalog.layouts import indicator_layout
from planeval.dates import chinese_date
from planeval.reporting.render import Picture, render_docx
from planeval.reporting.words import (
    clause,
    forecast_lines,
    gap_sentence,
    indicator_sentence,
    plain_number,
    trend_sentence,
)
from planeval.settings import TEMPLATES_DIR
from planeval.warehouse.db import fetch_all

SUMMARY_TEMPLATE = "summary_report.docx"


def build_report_context(
    engine: Engine,
    catalog: Catalog,
    campaign: Campaign,
    *,
    draft: bool = True,
    generated_on: dt.date | None = None,
    charts_dir: Path | None = None,
) -> dict:
    """Everything the summary report template prints, drafted from the warehouse. With ``charts_dir``, a
    trend chart per indicator is drawn there and placed in the report's 附录二."""
    results = fetch_all(engine, "select_indicator_results", campaign_code=campaign.code)
    values: dict[str, dict[tuple[int, bool], float]] = defaultdict(dict)
    for row in fetch_all(engine, "select_indicator_result_values", campaign_code=campaign.code):
        values[row["indicator_code"]][(int(row["year"]), bool(row["is_forecast"]))] = float(row["value"])
    submissions = fetch_all(engine, "select_submissions", campaign_code=campaign.code)
    projects = {
        row["project_code"]: row for row in fetch_all(engine, "select_project_results", campaign_code=campaign.code)
    }

    plans, lagging, conflicts, no_data, disagreements, charts = [], [], [], [], [], []
    charted: set[str] = set()
    for plan in catalog.campaign_plans(campaign):
        layout = indicator_layout(catalog, plan, campaign)
        year_keys = [c for c in layout if c.year is not None]
        rows, on_track, off_track, trend_differs = [], [], [], []
        plan_results = [r for r in results if r["plan_code"] == plan.code]
        for result in plan_results:
            indicator = catalog.indicator(result["indicator_code"])
            series = values.get(indicator.code, {})
            figures = Figures(
                {year: value for (year, is_forecast), value in series.items() if not is_forecast},
                next((value for (_, is_forecast), value in series.items() if is_forecast), None),
            )
            current = rated_figure(indicator, figures)
            predicted = forecast_figure(indicator, figures) if figures.actuals else None
            if predicted is not None:
                (on_track if indicator.target.is_met(predicted) else off_track).append(indicator.name)
            trend = result["trend_forecast"]
            if trend is not None and result["trend_meets_target"] is not None:
                if bool(result["trend_meets_target"]) != (predicted is not None and indicator.target.is_met(predicted)):
                    trend_differs.append(
                        f"{indicator.name}(单位预测{indicator.with_unit(figures.forecast)},"
                        f"趋势外推{indicator.with_unit(trend)})"
                    )
            if charts_dir is not None and figures.actuals and indicator.code not in charted:
                charted.add(indicator.code)
                charts.append({"name": indicator.name, "image": _chart(indicator, plan, figures, trend, charts_dir)})
            result = dict(result, current=current)
            rating = result["computed_rating"]
            self_rating = result["self_rating"]
            rating_cell = rating or "暂无数据"
            if rating and self_rating and self_rating != rating:
                rating_cell = f"{rating}(自评:{self_rating})"
            row = {
                "seq": result["seq"],
                "name": indicator.name,
                "target": indicator.target.text,
                "attribute": indicator.attribute,
                "years": [plain_number(series.get((c.year, c.key == "forecast"))) for c in year_keys],
                "to_date": plain_number(result["to_date_value"]),
                "full_period": plain_number(result["full_period_value"]),
                "rating": rating_cell,
                "responsible": indicator.responsible_text
                or "、".join(catalog.unit(u).name for u in indicator.responsible),
                "sentence": indicator_sentence(indicator, result, plan.period[0], campaign.data_year),
            }
            rows.append(row)
            entry = {
                "name": indicator.name,
                "plan": plan.short_name,
                "target": indicator.target_words,
                "current": indicator.with_unit(current),
                "expected": indicator.with_unit(result["schedule_expected"]),
                "reason": result["computed_reason"],
                "analysis": result["analysis"] or "(责任单位未提供分析说明)",
                "responsible": row["responsible"],
                "gap": gap_sentence(indicator, current, result["schedule_expected"], campaign.data_year),
                "trend": trend_sentence(indicator, plan.period[1], figures.forecast, result["trend_forecast"]),
            }
            entry["suggestion"] = (
                f"针对{indicator.name}进度滞后的情况,建议{entry['responsible']}"
                + (f"对照序时进度要求({entry['expected']})" if result["schedule_expected"] is not None else "")
                + f"查找原因、制定措施,确保规划期末完成目标({indicator.target_words})。"
            )
            if rating == "滞后预期" and all(e["name"] != entry["name"] for e in lagging):
                lagging.append(entry)
            if (
                rating
                and self_rating
                and self_rating != rating
                and indicator.name not in {d["name"] for d in disagreements}
            ):
                disagreements.append(
                    {
                        "name": indicator.name,
                        "responsible": row["responsible"],
                        "self_rating": self_rating,
                        "self_reason": clause(result["analysis"]) or "未填写分析说明",
                        "computed": rating,
                        "computed_reason": result["computed_reason"],
                    }
                )
            if result["conflict"] and all(c["name"] != indicator.name for c in conflicts):
                conflicts.append({"name": indicator.name, "detail": result["conflict"]})
            if rating is None and indicator.name not in no_data:
                no_data.append(indicator.name)
        counts = Counter(r["computed_rating"] for r in plan_results)
        binding = [r for r in plan_results if catalog.indicator(r["indicator_code"]).attribute == "约束性"]
        plans.append(
            {
                "name": plan.name,
                "short_name": plan.short_name,
                "annex": plan.indicator_table.annex,
                "annex_label": plan.indicator_table.annex,
                "title": plan.indicator_table.title,
                "headers": [c.header for c in layout if c.key not in ("analysis",)],
                "year_headers": [c.header for c in year_keys],
                "to_date_header": next((c.header for c in layout if c.key == "to_date"), ""),
                "rows": rows,
                "summary": (
                    f"{plan.short_name}共{len(plan_results)}项主要指标(约束性{len(binding)}项、"
                    f"预期性{len(plan_results) - len(binding)}项),截至{chinese_date(campaign.data_cutoff)},"
                    + "、".join(f"{rating}{counts.get(rating, 0)}项" for rating in RATINGS)
                    + (f",暂无数据{counts.get(None, 0)}项" if counts.get(None) else "")
                    + "。"
                ),
                "forecast": forecast_lines(plan.short_name, plan.period[1], on_track, off_track, trend_differs),
                "projects": [
                    {
                        "name": p.name,
                        "responsible": "、".join(catalog.unit(u).name for u in p.responsible),
                        "progress": clause((projects.get(p.code) or {}).get("progress")) or "责任单位尚未报送进展情况",
                        "results": clause((projects.get(p.code) or {}).get("results")) or "—",
                    }
                    for p in catalog.projects
                    if p.plan == plan.code
                ],
            }
        )

    latest_by_unit: dict[str, dict] = {}
    for submission in submissions:
        latest_by_unit[submission["unit_code"]] = submission
    reported_units = {s["unit_code"] for s in submissions if s["status"] == "accepted"}
    expected_units = [u for u in catalog.units if catalog.expected_forms(campaign, u)]
    missing = [u.name for u in expected_units if u.code not in reported_units]
    departments = [u for u in catalog.units if u.kind == "department" and u.code in reported_units]
    towns = [u for u in catalog.units if u.kind == "town" and u.code in reported_units]
    rejected = sum(s["status"] == "rejected" for s in submissions)
    duplicates = sum(s["status"] == "duplicate" for s in submissions)
    accepted = len(submissions) - rejected - duplicates

    return {
        "city": catalog.city,
        "office": catalog.office,
        "short_office": catalog.short_office,
        "campaign_name": campaign.name,
        "title": f"{catalog.city}{campaign.name}报告",
        "draft": draft,
        "generated_on": chinese_date(generated_on or dt.date.today()),
        "data_cutoff": chinese_date(campaign.data_cutoff),
        "data_year": campaign.data_year,
        "plans": plans,
        "lagging": lagging,
        "conflicts": conflicts,
        "no_data": no_data,
        "disagreements": disagreements,
        "charts": charts,
        "attachments": attachment_list(catalog, campaign),
        "length_warning": None,  # set by render_summary_report when the body is over the notice's limit
        "missing_units": missing,
        "intake": (
            f"本次评估共收到{len(submissions)}份报送材料,已受理{accepted}份、退回{rejected}份"
            + (f"、重复提交{duplicates}份" if duplicates else "")
            + f";已有{len(departments)}个{catalog.kind_label('department')}、{len(towns)}个"
            f"{catalog.kind_label('town')}报送了通过校验的材料"
            + (f",尚有{len(missing)}个单位未报送。" if missing else ",应报单位已全部报送。")
        ),
    }


def attachment_list(catalog: Catalog, campaign: Campaign) -> list[str]:
    """附件说明 lines for the document set, numbered as the attachments themselves are labelled: “3.<title>”
    for 附件3 (GB/T 9704: the number in the list is the attachment's); a catalog that labels its tables
    otherwise (附表1) gets “附表1 <title>”."""
    plans = catalog.campaign_plans(campaign)
    labelled = {
        table.annex: table.title for plan in plans for table in (plan.indicator_table, plan.project_table) if table
    }
    if any(p.plan in {plan.code for plan in plans} for p in catalog.projects):
        labelled.setdefault(campaign.project_sheet_annex, f"{catalog.city}“十四五”重点工程项目单片材料")

    def order(label: str) -> tuple[str, int]:
        prefix = label.rstrip("0123456789")
        return prefix, int(label[len(prefix) :] or 0)

    lines = []
    for label in sorted(labelled, key=order):
        prefix, number = order(label)
        lines.append(
            f"{number}.{labelled[label]}" if prefix == "附件" and number else f"{label}\u3000{labelled[label]}"
        )
    return lines


def _chart(indicator: Indicator, plan, figures: Figures, trend: float | None, folder: Path) -> Picture:
    from planeval.reporting.charts import TrendSeries, draw_trend_chart

    end = plan.period[1]
    series = TrendSeries(
        title=indicator.name,
        unit=indicator.unit,
        base_year=indicator.base_year or plan.base_year,
        base_value=0.0 if indicator.kind == "decline" else None,
        actuals=figures.actuals,
        forecast=(end, figures.forecast) if figures.forecast is not None else None,
        trend=(end, trend) if trend is not None else None,
        target=indicator.target.value if indicator.kind not in ("qualitative",) else None,
        target_label=indicator.target.text,
    )
    return Picture(draw_trend_chart(series, folder / f"{indicator.code}.png"), width_mm=140)


def render_summary_report(context: dict, output: Path, template: Path | None = None, word_limit: int | None = None):
    """Render the municipal summary report; when its 正文 is over ``word_limit`` 字 (the notice: 5000), render
    it again with a warning at the top. Returns (path, 正文 字数)."""
    template = template or TEMPLATES_DIR / SUMMARY_TEMPLATE
    render_docx(template, context, output, finish=fit_indicator_tables)
    count = body_character_count(output)
    if word_limit and count > word_limit:
        warning = f"正文约{count}字,超过通知要求的{word_limit}字,请精简后报送。"
        render_docx(template, dict(context, length_warning=warning), output, finish=fit_indicator_tables)
    return output, count


# Column widths (mm) of the 附件3/附件4 tables by header; the year columns share what is left. The template
# repeats its year column per campaign ({%tc for %}), and docxtpl then gives every column the same width,
# which squeezes an indicator's name into two characters a line.
INDICATOR_COLUMN_WIDTHS_MM = {
    "序号": 8.0,
    "规划指标内容": 37.0,
    "规划目标": 16.0,
    "规划属性": 16.0,
    "综合进度评价": 21.0,
    "责任单位": 24.0,
}


FIRST_INDICATOR_HEADERS = ("序号", "规划指标内容")


def fit_indicator_tables(document) -> None:
    """Give the 附件3/附件4 tables of a rendered report (python-docx Document) readable column widths across
    the landscape text block."""
    from docx.enum.table import WD_TABLE_ALIGNMENT
    from docx.oxml.ns import qn
    from docx.shared import Emu, Mm

    section = document.sections[-1]  # the annex tables close the report, on its landscape section
    text_block = section.page_width - section.left_margin - section.right_margin
    for table in document.tables:
        headers = [cell.text.strip() for cell in table.rows[0].cells]
        if tuple(headers[:2]) != FIRST_INDICATOR_HEADERS:
            continue
        fixed = sum(INDICATOR_COLUMN_WIDTHS_MM.get(h, 0.0) for h in headers)
        shared = [h for h in headers if h not in INDICATOR_COLUMN_WIDTHS_MM]
        rest = Emu(max(Mm(10), (text_block - Mm(fixed)) // max(len(shared), 1)))
        widths = [Mm(INDICATOR_COLUMN_WIDTHS_MM[h]) if h in INDICATOR_COLUMN_WIDTHS_MM else rest for h in headers]
        table.autofit = False
        table.alignment = WD_TABLE_ALIGNMENT.CENTER
        for column, width in zip(table._tbl.tblGrid.findall(qn("w:gridCol")), widths, strict=False):
            column.set(qn("w:w"), str(int(width.twips)))  # LibreOffice lays out by the grid
        for row in table.rows:
            for cell, width in zip(row.cells, widths, strict=False):
                cell.width = width  # Word by each cell's width


BODY_END_MARKERS = ("附录一",)  # the body ends where the report's appendices begin


def body_character_count(path: Path) -> int:
    """字数 of the 正文 as Word counts Chinese text: every non-space character of the body paragraphs, from
    the first heading to the office's signature, without the title block, tables and annexes."""
    from docx import Document

    count, counting = 0, False
    for paragraph in Document(str(path)).paragraphs:
        text = paragraph.text.strip()
        if text.startswith("一、"):
            counting = True
        if text in BODY_END_MARKERS:
            break
        if counting:
            count += len("".join(text.split()))
    return count
