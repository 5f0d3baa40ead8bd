"""Loading a catalog folder (``catalog/<city>/``): its YAML files, checked strictly against the schema
(``planeval.catalog.schema``: every unknown key, missing key and wrong value with file, line and the closest
valid key, all of them at once), into the typed models, then cross-checked (``planeval.catalog.checks``).

May import: planeval.catalog.catalog, planeval.catalog.checks, planeval.catalog.model,
planeval.catalog.schema."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from planeval.catalog.catalog import Catalog, CatalogError
from planeval.catalog.checks import check_catalog, listed_errors
from planeval.catalog.model import (
    Aspect,
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
from planeval.catalog.schema import (
    DemoSpec,
    LineDict,
    LineList,
    Manifest,
    ManifestFiles,
    RosterEntry,
    UnitsFile,
    YamlFileError,
    line_of,
    read_yaml,
    valid_keys,
    validate,
    version_error,
)

MANIFEST = "catalog.yaml"
# files found by their name beside catalog.yaml, checked when present (read by planeval.ui)
OPTIONAL_FILES: dict[str, tuple[type[FrozenModel], bool]] = {
    "demo.yaml": (DemoSpec, False),
    "roster.yaml": (RosterEntry, True),
}
# the parts that are lists of entities, in reading order; campaigns are required
ENTITY_FILES: dict[str, type[FrozenModel]] = {
    "indicators": Indicator,
    "measures": Measure,
    "plans": Plan,
    "projects": Project,
    "tasks": WorkTask,
    "campaigns": Campaign,
}


class _Reader:
    """Reads the catalog's files, collecting every error instead of stopping at the first."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.errors: list[str] = []

    def read(self, name: str, empty: LineDict | LineList) -> object:
        """A file's data, ``empty`` for an empty file; None when it is missing or not YAML (the error noted)."""
        try:
            data, repeated = read_yaml(self.root / name, name)
        except FileNotFoundError:
            self.errors.append(f"{name}: 目录文件不存在({self.root / name})")
            return None
        except YamlFileError as exc:
            self.errors.append(str(exc))
            return None
        except OSError as exc:  # a folder of that name, no permission, not UTF-8 text
            self.errors.append(f"{name}: 无法读取({exc.strerror or exc})")
            return None
        except UnicodeDecodeError:
            self.errors.append(f"{name}: 不是 UTF-8 编码的文本")
            return None
        self.errors += repeated
        return empty if data is None else data

    def check(self, model: type[FrozenModel], raw: object, name: str, *, many: bool = False) -> Any:
        value, errors = validate(model, raw, name, many=many)
        self.errors += errors
        return value


def _timezone(name: str) -> str | None:
    """Why ``name`` is not an IANA time zone name such as Asia/Shanghai, or None."""
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return f"timezone “{name}” 不是有效的时区名称(如 Asia/Shanghai)"
    return None


def _units(reader: _Reader, name: str) -> tuple[Unit, ...]:
    """units.yaml: its two lists, each entry's kind set by its list (an entry may not say it)."""
    raw = reader.read(name, LineDict())
    if raw is None or reader.check(UnitsFile, raw, name) is None:
        return ()
    assert isinstance(raw, LineDict)
    units: list[Unit] = []
    for key, kind in (("departments", "department"), ("towns", "town")):
        entries = raw.get(key) or LineList()
        for index, entry in enumerate(entries):
            if isinstance(entry, dict) and "kind" in entry:
                line = line_of(raw, [key, index, "kind"])
                reader.errors.append(f"{name} 第{line}行: 不要写 kind:单位的类别由所在列表(departments / towns)决定")
        tagged = LineList(entry.with_key("kind", kind) if isinstance(entry, LineDict) else entry for entry in entries)
        tagged.line, tagged.item_lines = getattr(entries, "line", 0), getattr(entries, "item_lines", [])
        units += reader.check(Unit, tagged, name, many=True) or ()
    return tuple(units)


def _aspects(reader: _Reader, name: str, plan_codes: set[str]) -> dict[str, tuple[Aspect, ...]]:
    """plan_tasks.yaml: plan code → its 主要任务 by 方面."""
    raw = reader.read(name, LineDict())
    if raw is None:
        return {}
    if not isinstance(raw, LineDict):
        reader.errors.append(f"{name} 第{getattr(raw, 'line', 1)}行: 应为“规划代码: 方面列表”的映射")
        return {}
    found: dict[str, tuple[Aspect, ...]] = {}
    for code, entries in raw.items():
        if code not in plan_codes:
            known = "、".join(sorted(plan_codes)) or "无"
            reader.errors.append(f"{name} 第{raw.key_lines[code]}行: 未知规划 “{code}”(plans.yaml 中的规划:{known})")
            continue
        aspects = reader.check(Aspect, entries, name, many=True)
        if aspects is not None:
            found[code] = aspects
    return found


def _optional_files(reader: _Reader) -> None:
    """demo.yaml and roster.yaml, when present: their keys are checked like every other file's."""
    for name, (model, many) in OPTIONAL_FILES.items():
        if (reader.root / name).exists():
            raw = reader.read(name, LineList() if many else LineDict())
            if raw is not None:
                reader.check(model, raw, name, many=many)


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


def _files_anyway(manifest_raw: object) -> ManifestFiles | None:
    """The manifest's ``files`` when only its other keys are wrong: the other files are then still read, so
    that one pass lists every error of the catalog."""
    files = manifest_raw.get("files") if isinstance(manifest_raw, dict) else None
    known = {k: v for k, v in files.items() if k in valid_keys(ManifestFiles)} if isinstance(files, dict) else None
    value, errors = validate(ManifestFiles, known, MANIFEST)
    return value if not errors else None


def load_catalog(root: str | Path) -> Catalog:
    """Load and cross-check the catalog in folder ``root``; raise CatalogError listing every error, each with
    file and line."""
    root = Path(root).resolve()
    if not root.is_dir():
        raise CatalogError(f"目录文件夹不存在: {root}")
    reader = _Reader(root)
    manifest_raw = reader.read(MANIFEST, LineDict())
    if problem := version_error(manifest_raw, MANIFEST):  # another format: its keys may mean other things
        raise listed_errors(root, [problem])
    manifest: Manifest | None = None if manifest_raw is None else reader.check(Manifest, manifest_raw, MANIFEST)
    files = manifest.files if manifest else _files_anyway(manifest_raw)
    if files is None:
        raise listed_errors(root, reader.errors)
    if manifest and (problem := _timezone(manifest.timezone)):
        reader.errors.append(f"{MANIFEST} 第{line_of(manifest_raw, ['timezone'])}行: {problem}")
    data: dict[str, Any] = {"units": _units(reader, files.units)}
    for key, model in ENTITY_FILES.items():
        name = getattr(files, key)
        raw = reader.read(name, LineList()) if name else LineList()
        data[key] = reader.check(model, LineList() if raw is None else raw, name or key, many=True) or ()
    if files.plan_tasks:
        aspects = _aspects(reader, files.plan_tasks, {plan.code for plan in data["plans"]})
        data["plans"] = tuple(
            plan.model_copy(update={"aspects": aspects[plan.code]}) if plan.code in aspects else plan
            for plan in data["plans"]
        )
    forms_raw = reader.read(files.forms, LineDict())
    data["forms"] = reader.check(Forms, LineDict() if forms_raw is None else forms_raw, files.forms)
    _optional_files(reader)
    if reader.errors or manifest is None:
        raise listed_errors(root, reader.errors)
    data["indicators"], data["plans"] = _relative_deadlines(data["indicators"], data["plans"])
    if manifest.level is None and manifest.city[-1:] not in ("市", "区", "县"):
        where = f"{MANIFEST} 第{line_of(manifest_raw, ['city'])}行"
        problem = f"无法从 city “{manifest.city}” 推断行政层级:请在 catalog.yaml 中写明 level(市、区或县)"
        raise listed_errors(root, [f"{where}: {problem}"])
    catalog = Catalog(
        root=root,
        schema_version=manifest.schema_version,
        city=manifest.city,
        office=manifest.office,
        level=manifest.level,
        place=manifest.place,
        short_office=manifest.short_office or manifest.office,
        timezone=manifest.timezone,
        unit_kind_labels=manifest.unit_kind_labels,
        approvers=manifest.approvers,
        **data,
    )
    check_catalog(catalog)
    return catalog
