"""The cross-checks run when a catalog is loaded: duplicate codes and names, references to unknown units,
indicators, measures, plans and forms, and years outside a plan's period. One function per kind of check,
each returning its messages (which name the file and the key); ``check_catalog`` runs them all.

May import: planeval.catalog.catalog, planeval.catalog.text."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from planeval.catalog.catalog import Catalog, CatalogError
from planeval.catalog.text import normalise_text


def check_catalog(catalog: Catalog) -> None:
    """Run every cross-check; raise CatalogError listing every inconsistency found, in catalog order."""
    errors = [
        *check_units(catalog),
        *check_indicators(catalog),
        *check_cooperating(catalog),
        *check_plans(catalog),
        *check_projects(catalog),
        *check_tasks(catalog),
        *check_plan_tasks(catalog),
        *check_campaigns(catalog),
    ]
    if errors:
        raise listed_errors(catalog.root, errors)


def listed_errors(root: Path, errors: Sequence[str]) -> CatalogError:
    """One CatalogError listing every error found in the catalog in folder ``root``, one a line."""
    return CatalogError(f"目录 {root} 有 {len(errors)} 处错误:\n  " + "\n  ".join(errors))


def _duplicates(codes: Sequence[str]) -> list[str]:
    """The codes that occur more than once, sorted."""
    return sorted({code for code in codes if codes.count(code) > 1})


def check_units(catalog: Catalog) -> list[str]:
    """Unit codes are unique, and no name or alias belongs to two units."""
    errors = [f"units: 单位代码重复 {c!r}" for c in _duplicates([u.code for u in catalog.units])]
    alias_owner: dict[str, str] = {}
    for unit in catalog.units:
        for name in (unit.name, *unit.aliases):
            key = normalise_text(name)
            if alias_owner.setdefault(key, unit.code) != unit.code:
                errors.append(f"units: 名称 {name!r} 同时属于 {alias_owner[key]} 和 {unit.code}")
    return errors


def check_indicators(catalog: Catalog) -> list[str]:
    """Indicator codes are unique; responsible units and the formula's measures exist."""
    errors = [f"indicators: 指标代码重复 {c!r}" for c in _duplicates([i.code for i in catalog.indicators])]
    unit_codes = {u.code for u in catalog.units}
    measure_codes = {m.code for m in catalog.measures}
    for indicator in catalog.indicators:
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
    return errors


def check_cooperating(catalog: Catalog) -> list[str]:
    """An indicator's cooperating units (配合单位) are known units, each named once."""
    errors: list[str] = []
    unit_codes = {u.code for u in catalog.units}
    for indicator in catalog.indicators:
        where = f"indicators[{indicator.code}].cooperating"
        errors += [f"{where}: 未知单位 {code!r}" for code in indicator.cooperating if code not in unit_codes]
        errors += [f"{where}: 单位 {code!r} 重复" for code in _duplicates(list(indicator.cooperating))]
    return errors


def check_plans(catalog: Catalog) -> list[str]:
    """A plan's table lists known indicators once each; its period follows its base year; its indicators'
    due years fall within the period."""
    errors: list[str] = []
    indicator_codes = {i.code for i in catalog.indicators}
    for plan in catalog.plans:
        rows = plan.indicator_table.indicators
        errors += [
            f"plans[{plan.code}].indicator_table.indicators: 未知指标 {code!r}"
            for code in rows
            if code not in indicator_codes
        ]
        errors += [f"plans[{plan.code}].indicator_table.indicators: 指标 {c!r} 重复" for c in _duplicates(rows)]
        if plan.period[0] != plan.base_year + 1 or plan.period[1] <= plan.period[0]:
            errors.append(f"plans[{plan.code}]: period {plan.period} 与 base_year {plan.base_year} 不一致")
        for code in rows:
            due = catalog.indicator(code).due_year if code in indicator_codes else None
            if due is not None and not plan.period[0] <= due <= plan.period[1]:
                errors.append(f"indicators[{code}].due_year: {due} 不在规划 {plan.code} 的规划期 {plan.period} 内")
    return errors


def check_projects(catalog: Catalog) -> list[str]:
    """A key project belongs to a known plan and its responsible units exist."""
    errors: list[str] = []
    unit_codes = {u.code for u in catalog.units}
    plan_codes = {p.code for p in catalog.plans}
    for project in catalog.projects:
        if project.plan not in plan_codes:
            errors.append(f"projects[{project.code}].plan: 未知规划 {project.plan!r}")
        errors += [
            f"projects[{project.code}].responsible: 未知单位 {code!r}"
            for code in project.responsible
            if code not in unit_codes
        ]
    return errors


def check_tasks(catalog: Catalog) -> list[str]:
    """Work-point codes are unique and their lead and cooperating units exist."""
    errors = [f"tasks: 任务代码重复 {c!r}" for c in _duplicates([t.code for t in catalog.tasks])]
    unit_codes = {u.code for u in catalog.units}
    for task in catalog.tasks:
        errors += [
            f"tasks[{task.code}].{field}: 未知单位 {code!r}"
            for field, codes in (("lead", task.lead), ("cooperating", task.cooperating))
            for code in codes
            if code not in unit_codes
        ]
    return errors


def check_campaigns(catalog: Catalog) -> list[str]:
    """A campaign asks only for defined forms and known plans, collects work points only if the catalog has
    them, and its data year falls within each plan's period (or is its base year)."""
    errors: list[str] = []
    plan_codes = {p.code for p in catalog.plans}
    for campaign in catalog.campaigns:
        if campaign.tasks and not catalog.tasks:
            errors.append(f"campaigns[{campaign.code}].tasks: 目录中没有工作要点(tasks.yaml)")
        for deadline in campaign.deadlines:
            if getattr(catalog.forms, deadline.form) is None:
                errors.append(f"campaigns[{campaign.code}].deadlines: forms.yaml 未定义表单 {deadline.form!r}")
        errors += [
            f"campaigns[{campaign.code}].plans: 未知规划 {code!r}" for code in campaign.plans if code not in plan_codes
        ]
        for code in campaign.plans:
            if code in plan_codes:
                start, end = catalog.plan(code).period
                if not start - 1 <= campaign.data_year <= end:
                    errors.append(
                        f"campaigns[{campaign.code}].data_cutoff: 数据年度 {campaign.data_year} "
                        f"不在规划期 {start}–{end} 内"
                    )
    return errors


def check_plan_tasks(catalog: Catalog) -> list[str]:
    """Plan task codes are unique in the catalog; their units exist; their indicators and projects are the
    plan's own; a task's due year lies within the plan's period."""
    tasks = [(plan, task) for plan in catalog.plans for task in plan.tasks]
    errors = [f"plan_tasks: 任务代码重复 {c!r}" for c in _duplicates([task.code for _, task in tasks])]
    unit_codes = {u.code for u in catalog.units}
    for plan, task in tasks:
        where = f"plan_tasks[{plan.code}][{task.code}]"
        indicators = set(plan.indicator_table.indicators)
        projects = {p.code for p in catalog.projects if p.plan == plan.code}
        errors += [f"{where}: 未知单位 {c!r}" for c in (*task.lead, *task.cooperating) if c not in unit_codes]
        errors += [f"{where}.indicators: {c!r} 不是该规划的指标" for c in task.indicators if c not in indicators]
        errors += [f"{where}.projects: {c!r} 不是该规划的重点工程" for c in task.projects if c not in projects]
        if task.due_year is not None and not plan.period[0] <= task.due_year <= plan.period[1]:
            errors.append(f"{where}.due_year: {task.due_year} 不在规划期 {plan.period} 内")
    return errors
