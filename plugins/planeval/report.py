"""The municipal summary assessment report (framework of 附件1, with 附件3/附件4 filled), from the warehouse.

Its own appendices are 附录一 (lagging indicators) and 附录二 (trend charts); 附件N keeps the notice's numbering
across the document set, listed after the body as GB/T 9704 §7.3.6 asks.

The prose is drafted from the data so the office edits a draft instead of writing from nothing. Every
department text goes through Jinja's autoescape in a sandbox: ``&``, ``<`` or ``{{`` come out literally.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import BinaryIO, ClassVar

from sqlalchemy import Engine

from planeval.assessment import Figures, forecast_figure, rated_figure
from planeval.catalog import RATINGS, Campaign, Catalog, Indicator
from planeval.forms import indicator_layout
from planeval.monitor import chinese_date
from planeval.settings import TEMPLATES_DIR
from planeval.warehouse import fetch_all

SUMMARY_TEMPLATE = "summary_report.docx"


def _number(value: float | None) -> str:
    if value is None:
        return ""
    return f"{value:.4f}".rstrip("0").rstrip(".")


def indicator_sentence(indicator: Indicator, result: dict, first_year: int, data_year: int) -> str:
    """One drafted sentence, e.g. “生产安全事故起数较2020年下降16.6%,已提前实现规划目标”."""
    rating = result["computed_rating"]
    if rating is None:
        return f"{indicator.name}:暂无已受理的数据。"
    current = result["current"]
    subject = indicator.name.replace("(%)", "").removesuffix("下降").removesuffix("累计")
    if indicator.kind == "decline":
        if current is not None and current < 0:
            head = f"{subject}{data_year}年较{indicator.base_year}年上升{_number(-current)}%"
        else:
            head = f"{subject}{data_year}年较{indicator.base_year}年下降{_number(current)}%"
    elif indicator.kind == "cumulative":
        head = f"{subject}{first_year}—{data_year}年累计{indicator.with_unit(current)}"
    elif indicator.kind == "average":
        head = f"{subject}{first_year}—{data_year}年年均为{indicator.with_unit(current)}"
    else:
        head = f"{subject}{data_year}年为{indicator.with_unit(current)}"
    tail = {
        "提前实现": "已提前实现规划目标",
        "符合预期": "进度符合预期",
        "滞后预期": "进度滞后于预期",
    }[rating]
    return f"{head}(目标{indicator.target_words}),{tail}。"


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
                "years": [_number(series.get((c.year, c.key == "forecast"))) for c in year_keys],
                "to_date": _number(result["to_date_value"]),
                "full_period": _number(result["full_period_value"]),
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
                        "self_reason": _clause(result["analysis"]) or "未填写分析说明",
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
                "forecast": _forecast_lines(plan.short_name, plan.period[1], on_track, off_track, trend_differs),
                "projects": [
                    {
                        "name": p.name,
                        "responsible": "、".join(catalog.unit(u).name for u in p.responsible),
                        "progress": _clause((projects.get(p.code) or {}).get("progress")) or "责任单位尚未报送进展情况",
                        "results": _clause((projects.get(p.code) or {}).get("results")) or "—",
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


_CLOSING_PUNCTUATION = frozenset("。;；,，")


def _clause(text: str | None) -> str:
    """Department text placed inside a sentence: no closing punctuation of its own."""
    clause = (text or "").strip()
    while clause and clause[-1] in _CLOSING_PUNCTUATION:
        clause = clause[:-1]
    return clause


def _forecast_lines(
    plan_name: str, end_year: int, on_track: list[str], off_track: list[str], trend_differs: list[str]
) -> list[str]:
    if not on_track and not off_track:
        return [f"{plan_name}各指标暂无{end_year}年预测值。"]
    lines = [f"根据责任单位的{end_year}年预测值,{plan_name}有{len(on_track)}项指标预计能够完成规划目标。"]
    if off_track:
        lines.append(f"预计难以完成规划目标的指标{len(off_track)}项:{'、'.join(off_track)},需重点督促。")
    if trend_differs:
        lines.append(
            f"按{end_year - 4}年以来的变化趋势外推,以下指标的判断与责任单位预测不同,请核实预测依据:"
            + "、".join(trend_differs)
            + "。"
        )
    return lines


def gap_sentence(indicator: Indicator, current: float | None, expected: float | None, data_year: int) -> str:
    """How far a lagging indicator is from where 序时进度 (or the target) wants it, in one sentence."""
    if current is None:
        return "暂无数据。"
    target = indicator.target
    if expected is not None:
        if indicator.kind == "qualitative":
            return f"{data_year}年为“{indicator.display(current)}”,低于序时进度要求。"
        return (
            f"{data_year}年为{indicator.with_unit(current)},按序时进度应达到{indicator.with_unit(expected)},"
            f"相差{_number(abs(expected - current))}{'个百分点' if indicator.is_percent else indicator.unit}。"
        )
    if indicator.kind == "zero":
        return f"规划目标为零,{data_year}年前累计{indicator.with_unit(current)}。"
    return (
        f"{data_year}年为{indicator.with_unit(current)},规划目标{indicator.target_words},"
        f"尚差{_number(abs(target.value - current))}{'个百分点' if indicator.is_percent else indicator.unit}。"
    )


def trend_sentence(indicator: Indicator, end_year: int, own: float | None, trend: float | None) -> str:
    """The unit's end-year forecast beside the straight-line trend."""
    parts = []
    if own is not None:
        parts.append(f"责任单位预测{end_year}年为{indicator.with_unit(own)}")
    if trend is not None:
        parts.append(f"按历年趋势外推为{indicator.with_unit(trend)}")
    return ",".join(parts) + "。" if parts else f"暂无{end_year}年预测。"


def _chart(indicator: Indicator, plan, figures: Figures, trend: float | None, folder: Path) -> Picture:
    from planeval.charts import TrendSeries, draw_trend_chart

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


@dataclass(frozen=True)
class Picture:
    """An image placed in a template (docxtpl InlineImage, created once the template is loaded)."""

    path: Path
    width_mm: float


def _with_images(document, value):
    """The context with every Picture replaced by an InlineImage of ``document``."""
    from docx.shared import Mm
    from docxtpl import InlineImage

    if isinstance(value, Picture):
        return InlineImage(document, str(value.path), width=Mm(value.width_mm))
    if isinstance(value, dict):
        return {key: _with_images(document, item) for key, item in value.items()}
    if isinstance(value, list):
        return [_with_images(document, item) for item in value]
    return value


def render_docx(
    template: Path | BinaryIO, context: dict, output: Path, finish: Callable[[object], None] | None = None
) -> Path:
    """Render a docxtpl template; every value is autoescaped in a sandboxed Jinja environment, so a
    department's ``&``, ``<`` or ``{{`` comes out literally; punctuation beside Chinese text becomes
    full-width (planeval.typography). ``finish`` gets the rendered python-docx Document before it is
    written (atomically)."""
    from docxtpl import DocxTemplate

    from planeval.typography import apply_chinese_punctuation

    document = DocxTemplate(template if hasattr(template, "read") else str(template))
    context = _with_images(document, context)
    document.render(context, jinja_env=_jinja_environment(), autoescape=True)
    apply_chinese_punctuation(document.docx)
    if finish is not None:
        finish(document.docx)
    output.parent.mkdir(parents=True, exist_ok=True)
    temporary = output.with_name(f".{output.name}.tmp")
    document.save(str(temporary))
    temporary.replace(output)
    return output


@cache
def _jinja_environment():
    """One sandboxed, autoescaping environment per process that keeps compiled templates: docxtpl compiles
    each XML part from source on every render, and 45 letters share one template (bench/render.py)."""
    from jinja2.sandbox import SandboxedEnvironment

    class CompilingOnce(SandboxedEnvironment):
        compiled: ClassVar[dict[str, object]] = {}

        def from_string(self, source, globals=None, template_class=None):
            if globals is not None or template_class is not None or not isinstance(source, str):
                return super().from_string(source, globals, template_class)
            if source not in self.compiled:
                if len(self.compiled) > 256:  # many different templates: start again rather than grow
                    self.compiled.clear()
                self.compiled[source] = super().from_string(source)
            return self.compiled[source]

    return CompilingOnce(autoescape=True)


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


# --- work points (工作要点) ----------------------------------------------------------------------------

TASK_SUMMARY_HEADERS = [
    "序号",
    "工作要点",
    "牵头单位",
    "配合单位",
    "报送单位",
    "职责",
    "完成情况",
    "工作进展",
    "存在问题",
    "下步打算",
]


def task_progress_rows(engine: Engine, catalog: Catalog, campaign: Campaign) -> list[list[str]]:
    """One line per work point × unit that reported on it (latest accepted version), and one line per point
    with the assigned units that have not reported, so the office sees every point's coverage."""
    reported: dict[str, list[dict]] = defaultdict(list)
    for row in fetch_all(engine, "select_latest_tasks", campaign_code=campaign.code):
        reported[row["task_code"]].append(row)
    lines = []
    for task in catalog.tasks:
        lead = task.lead_text or "、".join(catalog.unit(c).name for c in task.lead)
        cooperating = task.cooperating_text or "、".join(catalog.unit(c).name for c in task.cooperating)
        head = [task.number, task.title, lead, cooperating]
        for row in reported.get(task.code, []):
            lines.append(
                head
                + [catalog.unit(row["unit_code"]).name, row["role"] or ""]
                + [row[key] or "" for key in ("status", "progress", "problems", "next_steps")]
            )
        answered = {row["unit_code"] for row in reported.get(task.code, [])}
        silent = [catalog.unit(c).name for c in (*task.lead, *task.cooperating) if c not in answered]
        if silent:
            lines.append([*head, "、".join(silent), "", "未报送", "", "", ""])
    return lines


def write_task_summary(engine: Engine, catalog: Catalog, campaign: Campaign, output: Path) -> Path:
    """工作要点完成情况汇总.xlsx: every work point with each unit's reported progress."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "工作要点完成情况"
    sheet.append([f"{catalog.city}{campaign.name}:工作要点完成情况汇总(数据截至{campaign.data_cutoff.isoformat()})"])
    sheet["A1"].font = Font(bold=True, size=14)
    sheet.append(TASK_SUMMARY_HEADERS)
    for line in task_progress_rows(engine, catalog, campaign):
        sheet.append(line)
    for index, width in enumerate((8, 40, 24, 24, 16, 8, 12, 40, 30, 30), start=1):
        sheet.column_dimensions[sheet.cell(row=2, column=index).column_letter].width = width
    for row in sheet.iter_rows(min_row=3):
        for cell in row:
            cell.alignment = Alignment(wrap_text=True, vertical="top")
    output.parent.mkdir(parents=True, exist_ok=True)
    temporary = output.with_name(f".{output.name}.tmp")
    workbook.save(temporary)
    temporary.replace(output)
    return output


# --- upward reporting: the filled 附件3 / 附件4 as Excel ---------------------------------------------------


def write_annex_tables(
    engine: Engine, catalog: Catalog, campaign: Campaign, folder: Path, *, draft: bool
) -> list[Path]:
    """One workbook per indicator table (附件3, 附件4) in the official column order, filled from the
    printed-cell mart, titled as in the notice — what the office sends upward."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Border, Font, Side

    cells: dict[tuple[str, str], dict[str, str]] = defaultdict(dict)
    for row in fetch_all(engine, "select_mart_indicator_cells", campaign_code=campaign.code):
        cells[(row["plan_code"], row["indicator_code"])][row["column_key"]] = row["printed"]
    thin = Side(style="thin")
    border = Border(left=thin, right=thin, top=thin, bottom=thin)
    written = []
    for plan in catalog.campaign_plans(campaign):
        layout = [c for c in indicator_layout(catalog, plan, campaign) if c.key != "analysis"]  # ours, not official
        workbook = Workbook()
        sheet = workbook.active
        sheet.title = plan.indicator_table.annex
        sheet.append([plan.indicator_table.annex])
        sheet.append([plan.indicator_table.title])
        sheet.merge_cells(start_row=2, start_column=1, end_row=2, end_column=len(layout))
        sheet["A1"].font = Font(name="黑体", size=14)
        sheet["A2"].font = Font(name="方正小标宋简体", size=16)
        sheet["A2"].alignment = Alignment(horizontal="center")
        sheet.append([c.header for c in layout])
        for seq, code in enumerate(plan.indicator_table.indicators, start=1):
            indicator = catalog.indicator(code)
            printed = cells.get((plan.code, code), {})
            fixed = {
                "seq": seq,
                "name": indicator.name,
                "target": indicator.target_text,
                "attribute": indicator.attribute,
                "self_rating": printed.get("rating") or "暂无数据",
                "responsible": indicator.responsible_text,
            }
            sheet.append([fixed.get(c.key, printed.get(c.key, "")) for c in layout])
        for row in sheet.iter_rows(min_row=3):
            for cell in row:
                cell.border = border
                cell.alignment = Alignment(wrap_text=True, vertical="center", horizontal="center")
        for index, column in enumerate(layout, start=1):
            letter = sheet.cell(row=3, column=index).column_letter
            sheet.column_dimensions[letter].width = {"name": 36, "responsible": 20, "self_rating": 12}.get(
                column.key, 10
            )
        sheet.page_setup.orientation = "landscape"
        sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
        name = f"{plan.indicator_table.annex}_{plan.indicator_table.title}{'(征求意见稿)' if draft else ''}.xlsx"
        output = folder / name
        output.parent.mkdir(parents=True, exist_ok=True)
        temporary = output.with_name(f".{output.name}.tmp")
        workbook.save(temporary)
        temporary.replace(output)
        written.append(output)
    return written
