"""Loading a catalog folder (``catalog/<city>/``): YAML files into the typed models, with errors that name the
file and the key.

May import: planeval.catalog.catalog, planeval.catalog.checks, planeval.catalog.model."""

from __future__ import annotations

from pathlib import Path

import yaml
from pydantic import ValidationError

from planeval.catalog.catalog import Catalog, CatalogError
from planeval.catalog.checks import check_catalog
from planeval.catalog.model import (
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
from planeval.dates import DEFAULT_TIMEZONE


def _read_yaml(path: Path) -> object:
    try:
        with path.open(encoding="utf-8") as handle:
            return yaml.safe_load(handle)
    except FileNotFoundError as exc:
        raise CatalogError(f"目录文件不存在: {path}") from exc
    except yaml.YAMLError as exc:
        raise CatalogError(f"{path}: YAML 格式错误: {exc}") from exc


def _format_validation_error(path: Path, exc: ValidationError, entry_label: str = "") -> str:
    lines = []
    for error in exc.errors():
        where = ".".join(str(part) for part in (entry_label, *error["loc"]) if part != "") or "(根)"
        lines.append(f"{path.name}: {where}: {error['msg']}")
    return "\n  ".join(lines)


def _validate_list(path: Path, raw: object, model: type[FrozenModel]) -> tuple[FrozenModel, ...]:
    if not isinstance(raw, list):
        raise CatalogError(f"{path}: 应为列表")
    items = []
    for index, entry in enumerate(raw):
        label = f"[{entry['code']}]" if isinstance(entry, dict) and "code" in entry else f"[{index}]"
        try:
            items.append(model.model_validate(entry))
        except ValidationError as exc:
            raise CatalogError(_format_validation_error(path, exc, label)) from exc
    return tuple(items)


def _timezone(manifest_path: Path, name: object) -> str:
    """The catalog's time zone, checked: an IANA name such as Asia/Shanghai."""
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

    try:
        ZoneInfo(str(name))
    except (ZoneInfoNotFoundError, ValueError):
        raise CatalogError(f"{manifest_path}: timezone {name!r} 不是有效的时区名称(如 Asia/Shanghai)") from None
    return str(name)


def _with_aspects(plans_raw: object, tasks_path: Path, tasks_raw: object) -> object:
    """plans.yaml's entries with their 主要任务 from plan_tasks.yaml (plan code → list of 方面) as ``aspects``."""
    if not tasks_raw:
        return plans_raw
    if not isinstance(tasks_raw, dict) or not isinstance(plans_raw, list):
        raise CatalogError(f"{tasks_path}: 应为“规划代码: 方面列表”的映射")
    codes = {entry.get("code") for entry in plans_raw if isinstance(entry, dict)}
    unknown = sorted(str(code) for code in tasks_raw if code not in codes)
    if unknown:
        raise CatalogError(f"{tasks_path}: 未知规划 {unknown}(plans.yaml 中没有)")
    return [
        dict(entry, aspects=tasks_raw[entry["code"]])
        if isinstance(entry, dict) and entry.get("code") in tasks_raw
        else entry
        for entry in plans_raw
    ]


def _relative_deadlines(
    indicators: tuple[Indicator, ...], plans: tuple[Plan, ...]
) -> tuple[tuple[Indicator, ...], tuple[Plan, ...]]:
    """``due_in_years`` (“利用1至2年”: 2) as the year it means: the plan's first year + n − 1. An indicator takes
    the first plan that lists it; one no plan lists keeps its relative deadline unresolved. A resolved deadline
    is the ``due_year`` alone (``due_in_years`` cleared): an indicator may not carry both (model check)."""
    first_year: dict[str, int] = {}
    for plan in plans:
        for code in plan.indicator_table.indicators:
            first_year.setdefault(code, plan.period[0])

    def year(first: int, years: int) -> int:
        return first + years - 1

    resolved_indicators = tuple(
        i.model_copy(update={"due_year": year(first_year[i.code], i.due_in_years), "due_in_years": None})
        if i.due_in_years is not None and i.code in first_year
        else i
        for i in indicators
    )
    resolved_plans = []
    for plan in plans:
        aspects = tuple(
            aspect.model_copy(
                update={
                    "tasks": tuple(
                        t.model_copy(update={"due_year": year(plan.period[0], t.due_in_years), "due_in_years": None})
                        if t.due_in_years is not None
                        else t
                        for t in aspect.tasks
                    )
                }
            )
            for aspect in plan.aspects
        )
        resolved_plans.append(plan.model_copy(update={"aspects": aspects}))
    return resolved_indicators, tuple(resolved_plans)


def load_catalog(root: str | Path) -> Catalog:
    """Load and cross-check the catalog in folder ``root``; raise CatalogError naming file and key."""
    root = Path(root).resolve()
    if not root.is_dir():
        raise CatalogError(f"目录文件夹不存在: {root}")
    manifest_path = root / "catalog.yaml"
    manifest = _read_yaml(manifest_path)
    if not isinstance(manifest, dict) or "files" not in manifest:
        raise CatalogError(f"{manifest_path}: 需要 city、office 和 files 等键")
    files: dict[str, str] = manifest["files"]

    def part(key: str, optional: bool = False) -> tuple[Path, object]:
        if key not in files:
            if optional:
                return manifest_path, []
            raise CatalogError(f"{manifest_path}: files 缺少 {key!r}")
        path = root / files[key]
        return path, _read_yaml(path)

    units_path, units_raw = part("units")
    if not isinstance(units_raw, dict):
        raise CatalogError(f"{units_path}: 需要 departments 与 towns 两个列表")
    unit_entries = [dict(u, kind="department") for u in units_raw.get("departments") or []]
    unit_entries += [dict(u, kind="town") for u in units_raw.get("towns") or []]

    data: dict[str, object] = {"units": _validate_list(units_path, unit_entries, Unit)}
    optional_parts: dict[str, type[FrozenModel]] = {
        "indicators": Indicator,
        "measures": Measure,
        "plans": Plan,
        "projects": Project,
        "tasks": WorkTask,
    }
    parts: list[tuple[str, type[FrozenModel]]] = [*optional_parts.items(), ("campaigns", Campaign)]
    for key, model in parts:
        path, raw = part(key, optional=key in optional_parts)
        if key == "plans":
            raw = _with_aspects(raw, *part("plan_tasks", optional=True))
        data[key] = _validate_list(path, raw or [], model)
    data["indicators"], data["plans"] = _relative_deadlines(data["indicators"], data["plans"])  # type: ignore[arg-type]
    forms_path, forms_raw = part("forms")
    try:
        data["forms"] = Forms.model_validate(forms_raw)
    except ValidationError as exc:
        raise CatalogError(_format_validation_error(forms_path, exc)) from exc

    try:
        catalog = Catalog(
            root=root,
            city=manifest.get("city", ""),
            office=manifest.get("office", ""),
            level=manifest.get("level"),
            place=manifest.get("place"),
            short_office=manifest.get("short_office", manifest.get("office", "")),
            timezone=_timezone(manifest_path, manifest.get("timezone", DEFAULT_TIMEZONE)),
            unit_kind_labels=manifest.get("unit_kind_labels") or {},
            approvers=tuple(manifest.get("approvers") or ("office",)),
            **data,
        )
    except ValidationError as exc:
        raise CatalogError(_format_validation_error(manifest_path, exc)) from exc
    check_catalog(catalog)
    return catalog
