"""Demo submissions: every unit's own form filled the way a department would, dropped into its inbox (one
unit's first try into its 预审 folder).

Figures come from ``demo.yaml`` in the catalog folder when present; otherwise they are synthesised from
each indicator's target, so any city's catalog can run the demo by configuration alone.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path
from typing import Any

import yaml
from openpyxl import Workbook
from openpyxl.worksheet.worksheet import Worksheet

from planeval.catalog import Campaign, Catalog, Indicator, Unit
from planeval.catalog.layouts import figures_layout, indicator_layout, project_layout
from planeval.intake.unit_forms import form_filename, write_contacts_form, write_unit_form
from planeval.settings import Settings


def load_demo_spec(catalog: Catalog) -> dict[str, Any]:
    path = catalog.root / "demo.yaml"
    if not path.exists():
        return {"indicators": {}, "projects": {}, "missing": [], "rejected_first": None, "dry_run": None}
    with path.open(encoding="utf-8") as handle:
        return yaml.safe_load(handle) or {}


def synthesised_values(indicator: Indicator, years: int) -> list[float | str]:
    """Figures that progress steadily toward the target: a plausible default for any catalog. A qualitative
    indicator's cells hold words of its scale, climbing to the target's word by the last year."""
    target = indicator.target.value
    if indicator.kind == "qualitative":
        return [indicator.scale[min(round(target * (i + 1) / years), round(target))] for i in range(years)]
    if indicator.kind in ("decline", "cumulative"):
        step = target / years * 1.05
        return [round(step * (i + 1), 2) if indicator.kind == "decline" else round(step, 2) for i in range(years)]
    if indicator.target.is_ceiling:
        return [round(target * 0.8, 4)] * years
    return [target] * years


def indicator_entry(
    spec: dict[str, Any], indicator: Indicator, unit_code: str, count: int
) -> tuple[list[float | str], str, str]:
    entry = (spec.get("indicators") or {}).get(indicator.code) or {}
    values = (entry.get("per_unit") or {}).get(unit_code) or entry.get("values")
    values = list(values) if values else synthesised_values(indicator, count)
    return values[:count], entry.get("self_rating", "符合预期"), entry.get("analysis", "")


def indicator_explanation(spec: dict[str, Any], indicator: Indicator) -> str:
    """The demo's 上报说明 for an indicator whose figures the receipt warns about (demo.yaml ``explanation``)."""
    entry = (spec.get("indicators") or {}).get(indicator.code) or {}
    return str(entry.get("explanation") or "")


def fill_form(
    catalog: Catalog,
    campaign: Campaign,
    unit: Unit,
    form: Path,
    target: Path,
    spec: dict[str, Any],
    *,
    spoil: bool = False,
) -> Path:
    """Fill the unit's pre-filled form as the department would and save it as ``target``.

    ``spoil`` types the mistakes clerks make (text in a number cell, an unknown rating) for the demo.
    """
    from openpyxl import load_workbook

    workbook = load_workbook(form)
    for plan in catalog.campaign_plans(campaign):
        for annex, layout in (
            (plan.indicator_table.annex, indicator_layout(catalog, plan, campaign)),
            (plan.project_table.annex if plan.project_table else None, project_layout(catalog)),
        ):
            if annex not in workbook.sheetnames:
                continue
            sheet = workbook[annex]
            column_of = {c.key: index for index, c in enumerate(layout, start=1)}
            numeric = [c for c in layout if c.year is not None]
            for row in range(3, sheet.max_row + 1):
                label = sheet.cell(row=row, column=column_of["name"]).value
                if not label:
                    continue
                if annex == plan.indicator_table.annex:
                    indicator = catalog.match_indicator(str(label), plan.code)
                    if indicator is None:
                        continue
                    values, rating, analysis = indicator_entry(spec, indicator, unit.code, len(numeric))
                    for column, value in zip(numeric, values, strict=False):
                        sheet.cell(row=row, column=column_of[column.key], value=value)
                    sheet.cell(row=row, column=column_of["self_rating"], value=rating)
                    if analysis:
                        sheet.cell(row=row, column=column_of["analysis"], value=analysis)
                    explanation = indicator_explanation(spec, indicator)
                    if explanation and "explanation" in column_of:
                        sheet.cell(row=row, column=column_of["explanation"], value=explanation)
                    if spoil:
                        sheet.cell(row=row, column=column_of[numeric[-2].key], value="约两成")
                        sheet.cell(row=row, column=column_of["self_rating"], value="基本完成")
                else:
                    project = catalog.match_project(str(label), plan.code)
                    if project is None:
                        continue
                    texts = spec.get("projects") or {}
                    percent = 80 + (sum(map(ord, project.code)) % 20)
                    progress = texts.get("progress", "按计划推进,完成约{percent}%。").format(percent=percent)
                    sheet.cell(row=row, column=column_of["progress"], value=progress)
                    sheet.cell(row=row, column=column_of["results"], value=texts.get("results", "阶段性成果已形成。"))
    _fill_figures(catalog, campaign, workbook, spec.get("figures") or {})
    target.parent.mkdir(parents=True, exist_ok=True)
    workbook.save(target)
    return target


def _fill_figures(catalog: Catalog, campaign: Campaign, workbook: Workbook, figures: dict[str, list[float]]) -> None:
    """Type the demo's raw figures into the form's 基础数据表 sheet, where the unit has one."""
    form = catalog.forms.figures_table
    if form is None or form.label[:31] not in workbook.sheetnames:
        return
    sheet = workbook[form.label[:31]]
    layout = figures_layout(catalog, campaign)
    name_column = next(i for i, c in enumerate(layout, start=1) if c.key == "name")
    years = [(i, c) for i, c in enumerate(layout, start=1) if c.year is not None]
    for row in range(3, sheet.max_row + 1):
        measure = catalog.match_measure(str(sheet.cell(row=row, column=name_column).value or ""))
        if measure is None or measure.code not in figures:
            continue
        for (index, _), value in zip(years, figures[measure.code], strict=False):
            sheet.cell(row=row, column=index, value=value)


def write_summary_docx(catalog: Catalog, campaign: Campaign, unit: Unit, target: Path) -> Path:
    """The unit's narrative report (总结评估报告) to 附件1's framework, worded from demo.yaml ``narrative``."""
    from planeval.ui.demo_narrative import write_narrative  # it uses this module's indicator figures

    return write_narrative(catalog, campaign, unit, target, load_demo_spec(catalog))


def drop_demo_submissions(settings: Settings, catalog: Catalog, campaign: Campaign) -> list[str]:
    """Put every reporting unit's demo files into its inbox (and demo.yaml ``dry_run``'s first try, with the
    clerk's mistakes, into its 预审 folder ``check/``); returns the paths written."""
    spec = load_demo_spec(catalog)
    missing = set(spec.get("missing") or [])
    written: list[str] = []
    staging = settings.home / "demo-staging"
    for unit in catalog.units:
        if unit.code in missing:
            continue
        inbox = settings.inbox(unit.code)
        inbox.mkdir(parents=True, exist_ok=True)
        form = settings.forms_dir / unit.code / form_filename(catalog, campaign, unit)
        if not form.exists():
            write_unit_form(catalog, campaign, unit, form)
        if form.exists():
            if unit.code == spec.get("rejected_first"):
                first = fill_form(
                    catalog, campaign, unit, form, staging / f"{unit.name}_第一次报送.xlsx", spec, spoil=True
                )
                written.append(_move_in(first, inbox, age_seconds=120))
            if unit.code == spec.get("dry_run"):  # its clerk's first try, only checked (预审), never recorded
                check = settings.check_dir(unit.code)
                check.mkdir(parents=True, exist_ok=True)
                tried = fill_form(catalog, campaign, unit, form, staging / f"{unit.name}_预审.xlsx", spec, spoil=True)
                written.append(_move_in(tried, check, age_seconds=150))
            filled = fill_form(catalog, campaign, unit, form, staging / form.name, spec)
            written.append(_move_in(filled, inbox, age_seconds=60))
        if "summary_report" in catalog.expected_forms(campaign, unit):
            report = write_summary_docx(catalog, campaign, unit, staging / f"{unit.name}总结评估报告.docx")
            written.append(_move_in(report, inbox, age_seconds=30))
        if "contacts" in catalog.expected_forms(campaign, unit):
            contacts = fill_contacts(
                catalog, campaign, unit, staging / form_filename(catalog, campaign, unit, "contacts")
            )
            written.append(_move_in(contacts, inbox, age_seconds=90))
    shutil.rmtree(staging, ignore_errors=True)
    return written


def drop_late_correction(settings: Settings, catalog: Catalog, campaign: Campaign) -> str | None:
    """After the demo's approval: one unit uploads its form again (a correction after the report was signed),
    which the next pass receipts as 已锁定. Returns the path written, or None when no unit has a form."""
    missing = set(load_demo_spec(catalog).get("missing") or [])
    for unit in catalog.units:
        form = settings.forms_dir / unit.code / form_filename(catalog, campaign, unit)
        if unit.code in missing or not form.exists():
            continue
        staging = settings.home / "demo-staging"
        late = fill_form(
            catalog, campaign, unit, form, staging / f"{unit.name}_定稿后更正.xlsx", load_demo_spec(catalog)
        )
        written = _move_in(late, settings.inbox(unit.code), age_seconds=10)
        shutil.rmtree(staging, ignore_errors=True)
        return written
    return None


def fill_contacts(catalog: Catalog, campaign: Campaign, unit: Unit, target: Path) -> Path:
    """The 附件7 form with a made-up contact person per category (demo only)."""
    from openpyxl import load_workbook

    write_contacts_form(catalog, campaign, unit, target)
    workbook = load_workbook(target)
    sheet = workbook.active
    form = catalog.forms.contacts
    assert isinstance(sheet, Worksheet) and form is not None, "write_contacts_form writes the contacts sheet"
    headers = {cell.value: int(cell.column) for cell in sheet[2] if cell.column is not None}
    person, position, phone = (headers[form.column(key).header] for key in ("person", "position", "phone"))
    number = catalog.units.index(unit)
    for row in range(3, sheet.max_row + 1):
        first: object = sheet.cell(row=row, column=1).value
        if first and not str(first).startswith("填表"):
            sheet.cell(row=row, column=person).value = f"演示联系人{number:02d}"
            sheet.cell(row=row, column=position).value = "科长"
            sheet.cell(row=row, column=phone).value = f"139{number:04d}{row:04d}"
    workbook.save(target)
    return target


def _move_in(path: Path, inbox: Path, age_seconds: int) -> str:
    """Place a finished file in the inbox in one rename, dated a little in the past (uploaded earlier)."""
    target = inbox / path.name
    shutil.move(str(path), target)
    stamp = target.stat().st_mtime - age_seconds
    os.utime(target, (stamp, stamp))
    return str(target)
