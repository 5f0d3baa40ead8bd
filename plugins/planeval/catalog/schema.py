"""The catalog's files as a strict, versioned schema: YAML read with the line of every key and list item, and
every unknown or misspelled key, missing key or wrong value reported in Chinese as
“<file> 第N行: …”, with the closest valid key where one is near. The models of the files that are not lists of
entities live here (catalog.yaml's manifest, units.yaml's top level, demo.yaml, roster.yaml); the entities'
models are in ``planeval.catalog.model``.

May import: planeval.catalog.model, planeval.dates."""

from __future__ import annotations

import difflib
import functools
import re
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any, Literal, get_args, get_origin

import yaml
from pydantic import BaseModel, Field, TypeAdapter, ValidationError
from pydantic_core import ErrorDetails

from planeval.catalog.model import FrozenModel
from planeval.dates import DEFAULT_TIMEZONE

# The catalog format this code reads (catalog.yaml `schema_version`, default 1). A new optional key with a
# default keeps the version; a key renamed, removed or given a new meaning raises it (docs/catalog.md).
SCHEMA_VERSION = 1
SUPPORTED_SCHEMA_VERSIONS = (1,)


# --- YAML with lines ----------------------------------------------------------------------------------


class LineDict(dict[Any, Any]):
    """A YAML mapping that remembers its own line and each key's (1-based)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.line = 0
        self.key_lines: dict[Any, int] = {}

    def with_key(self, key: str, value: object) -> LineDict:
        """A copy with one key added (no line of its own), the lines kept."""
        copy = LineDict(self)
        copy[key] = value
        copy.line, copy.key_lines = self.line, dict(self.key_lines)
        return copy


class LineList(list[Any]):
    """A YAML sequence that remembers its own line and each item's (1-based)."""

    def __init__(self, *args: Any) -> None:
        super().__init__(*args)
        self.line = 0
        self.item_lines: list[int] = []


class _LineLoader(yaml.SafeLoader):
    """SafeLoader building LineDict / LineList and noting keys written twice (YAML keeps the last silently)."""

    def __init__(self, stream: Any) -> None:
        super().__init__(stream)
        self.repeated: list[tuple[int, object]] = []


def _mapping(loader: _LineLoader, node: yaml.MappingNode) -> Any:
    data = LineDict()
    data.line = node.start_mark.line + 1
    yield data
    data.update(loader.construct_mapping(node, deep=True))
    for key_node, _ in node.value:
        key = loader.construct_object(key_node, deep=True)
        if key in data.key_lines:
            loader.repeated.append((key_node.start_mark.line + 1, key))
        data.key_lines[key] = key_node.start_mark.line + 1


def _sequence(loader: _LineLoader, node: yaml.SequenceNode) -> Any:
    data = LineList()
    data.line = node.start_mark.line + 1
    yield data
    data.extend(loader.construct_sequence(node, deep=True))
    data.item_lines = [item.start_mark.line + 1 for item in node.value]


_LineLoader.add_constructor("tag:yaml.org,2002:map", _mapping)
_LineLoader.add_constructor("tag:yaml.org,2002:seq", _sequence)


class YamlFileError(ValueError):
    """A catalog file that is not valid YAML; the message (Chinese) names file and line."""


def read_yaml(path: Path, name: str) -> tuple[object, list[str]]:
    """The file's data (LineDict / LineList inside) and the messages about keys written twice.
    FileNotFoundError when it is missing; YamlFileError when it is not YAML."""
    with path.open(encoding="utf-8") as handle:
        loader = _LineLoader(handle)
        try:
            data = loader.get_single_data()
        except yaml.MarkedYAMLError as exc:
            mark = exc.problem_mark or exc.context_mark
            where = f" 第{mark.line + 1}行" if mark else ""
            raise YamlFileError(f"{name}{where}: YAML 格式错误({exc.problem or exc.context})") from None
        except yaml.YAMLError as exc:
            raise YamlFileError(f"{name}: YAML 格式错误({exc})") from None
        finally:
            loader.dispose()
    return data, [f"{name} 第{line}行: 键 “{key}” 重复出现(只有最后一个生效)" for line, key in loader.repeated]


def line_of(raw: object, loc: Sequence[int | str]) -> int:
    """The line of the deepest key or item of ``loc`` present in ``raw`` (a missing key: its mapping's line)."""
    line = getattr(raw, "line", 0)
    node = raw
    for part in loc:
        if isinstance(node, LineDict) and part in node:
            line = node.key_lines.get(part, line)
        elif isinstance(node, LineList) and isinstance(part, int) and 0 <= part < len(node):
            line = node.item_lines[part]
        else:
            break
        node = node[part]  # type: ignore[index]
    return line


# --- the models behind a location ---------------------------------------------------------------------


def _inner(annotation: object) -> tuple[type[BaseModel] | None, int]:
    """The model inside an annotation (through Optional, tuple, list, dict) and how many mapping keys (of a
    ``dict[str, Model]``) stand between the field and it in an error's location."""
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation, 0
    args = get_args(annotation)
    if get_origin(annotation) in (dict, Mapping) and len(args) == 2:
        model, keys = _inner(args[1])
        return model, keys + 1
    for arg in args:
        model, keys = _inner(arg)
        if model is not None:
            return model, keys
    return None, 0


def valid_keys(model: type[BaseModel]) -> list[str]:
    """The keys a file may use for the model: each field's alias, else its name."""
    return [field.alias or name for name, field in model.model_fields.items()]


def model_at(model: type[BaseModel], loc: Sequence[int | str]) -> type[BaseModel] | None:
    """The model whose mapping ``loc`` points into (list indexes and dict keys skipped), or None."""
    current: type[BaseModel] | None = model
    keys = 0
    for part in loc:
        if isinstance(part, int):
            continue
        if keys:
            keys -= 1
            continue
        assert current is not None
        fields = {field.alias or name: field for name, field in current.model_fields.items()}
        fields |= dict(current.model_fields)
        if part not in fields:
            return None
        current, keys = _inner(fields[part].annotation)
        if current is None:
            return None
    return current


def closest_key(key: str, model: type[BaseModel] | None, written: Iterable[object] = ()) -> str | None:
    """The valid key nearest to a misspelled one (difflib), or None when none is near; keys the mapping
    already has (``written``) are not what the misspelling stands for."""
    if model is None:
        return None
    taken = set(written)
    found = difflib.get_close_matches(key, [k for k in valid_keys(model) if k not in taken], n=1, cutoff=0.6)
    return found[0] if found else None


def _mapping_at(raw: object, loc: Sequence[int | str]) -> Mapping[Any, Any]:
    """The mapping of ``raw`` that ``loc`` points to ({} when there is none)."""
    node = raw
    for part in loc:
        if isinstance(node, dict) and part in node:
            node = node[part]
        elif isinstance(node, list) and isinstance(part, int) and 0 <= part < len(node):
            node = node[part]
        else:
            return {}
    return node if isinstance(node, dict) else {}


# --- errors in Chinese --------------------------------------------------------------------------------

_NOUNS = {
    "int": "整数",
    "float": "数字",
    "decimal": "数字",
    "string": "文字",
    "str": "文字",
    "bool": "true 或 false",
    "date": "日期(如 2025-06-16)",
    "datetime": "日期时间",
    "tuple": "列表",
    "list": "列表",
    "set": "列表",
    "dict": "映射(键: 值)",
    "model": "映射(键: 值)",
    "mapping": "映射(键: 值)",
}

_PATTERNS = {
    r"^[a-z][a-z0-9_]*$": "须以小写英文字母开头,只含小写字母、数字和下划线",
    r"^[a-z0-9_]+$": "只能含小写英文字母、数字和下划线",
}


def _path(loc: Sequence[int | str]) -> str:
    """A location as the file's keys: deadlines[0].form (type tags of union members left out)."""
    text = ""
    for part in loc:
        if isinstance(part, int):
            text += f"[{part}]"
        elif "[" not in part and "-" not in part:
            text += f".{part}" if text else part
    return text or "(文件内容)"


def _shown(value: object) -> str:
    return "空值" if value is None else f"“{value}”"


def error_text(error: ErrorDetails, model: type[BaseModel], written: Iterable[object] = ()) -> str:
    """One pydantic error as a Chinese sentence (without file and line); ``written``: the keys of the mapping
    an unknown key stands in."""
    loc, kind, ctx = error["loc"], error["type"], error.get("ctx") or {}
    key = _path(loc)
    if kind == "extra_forbidden":
        parent = model_at(model, loc[:-1])
        best = closest_key(str(loc[-1]), parent, written)
        if best:
            return f"未知键 “{loc[-1]}”,是否应为 “{best}”?"
        keys = "、".join(valid_keys(parent)) if parent else ""
        return f"未知键 “{loc[-1]}”" + (f"(可用的键:{keys})" if keys else "")
    if kind == "missing":
        return f"缺少必填键 “{key}”"
    if kind == "literal_error":
        allowed = re.findall(r"'([^']*)'", str(ctx.get("expected", ""))) or [str(ctx.get("expected", ""))]
        return f"“{key}” 的值 {_shown(error['input'])} 无效,应为 {'、'.join(allowed)} 之一"
    if kind == "too_short":
        return f"“{key}” 至少需要 {ctx.get('min_length')} 项"
    if kind == "string_pattern_mismatch":
        rule = _PATTERNS.get(str(ctx.get("pattern")), f"须符合格式 {ctx.get('pattern')}")
        return f"“{key}” 的值 {_shown(error['input'])} {rule}"
    if kind in ("greater_than_equal", "greater_than", "less_than_equal", "less_than"):
        bound = {"greater_than_equal": "不小于", "greater_than": "大于", "less_than_equal": "不大于"}
        words = bound.get(kind, "小于")
        limit = next(iter(ctx.values()), "")
        return f"“{key}” 的值 {_shown(error['input'])} 应{words} {limit}"
    if kind in ("value_error", "assertion_error"):
        text = error["msg"].removeprefix("Value error, ").removeprefix("Assertion failed, ")
        return f"{key}: {text}" if loc else text
    noun = _NOUNS.get(kind.split("_")[0]) if kind.endswith(("_type", "_parsing", "_from_float")) else None
    if noun:
        return f"“{key}” 应为{noun},实为 {_shown(error['input'])}"
    return f"“{key}”: {error['msg']}"


@functools.cache
def _adapter(model: type[BaseModel], many: bool) -> TypeAdapter[Any]:
    return TypeAdapter(tuple[model, ...]) if many else TypeAdapter(model)  # type: ignore[valid-type]


def validate(model: type[BaseModel], raw: object, name: str, *, many: bool = False) -> tuple[Any, list[str]]:
    """``raw`` (a file's data, or one part of it) as ``model`` (``many``: a list of them), and every error
    as “<name> 第N行: …”; the value is None when there are errors."""
    try:
        return _adapter(model, many).validate_python(raw), []
    except ValidationError as exc:
        errors = exc.errors()

    def written(loc: Sequence[int | str]) -> Iterable[object]:
        return _mapping_at(raw, loc[:-1]).keys()

    meant = {  # a misspelled key also leaves the key it stands for missing: one message says both
        (*error["loc"][:-1], best)
        for error in errors
        if error["type"] == "extra_forbidden"
        and (best := closest_key(str(error["loc"][-1]), model_at(model, error["loc"][:-1]), written(error["loc"])))
    }
    found: list[tuple[int, str]] = []
    for error in errors:
        if error["type"] == "missing" and tuple(error["loc"]) in meant:
            continue
        loc, entry = error["loc"], ""
        if many and loc and isinstance(loc[0], int):  # an entry of a list file: named by its code
            code = raw[loc[0]].get("code") if isinstance(raw, list) and isinstance(raw[loc[0]], dict) else None
            loc, entry = loc[1:], f"(条目 {code})" if code else ""
        text = error_text({**error, "loc": loc}, model, written(error["loc"])) + entry
        line = line_of(raw, error["loc"])
        found.append((line, f"{name} 第{line}行: {text}" if line else f"{name}: {text}"))
    return None, list(dict.fromkeys(message for _, message in sorted(found, key=lambda item: item[0])))


# --- the files that are not lists of entities ---------------------------------------------------------


class ManifestFiles(FrozenModel):
    """catalog.yaml `files`: which file holds each part (units, campaigns and forms are required)."""

    units: str
    campaigns: str
    forms: str
    indicators: str | None = None
    measures: str | None = None
    plans: str | None = None
    plan_tasks: str | None = None
    projects: str | None = None
    tasks: str | None = None


class Manifest(FrozenModel):
    """catalog.yaml: the place, its office, the format version and the files."""

    schema_version: int = SCHEMA_VERSION
    city: str
    office: str
    short_office: str = ""  # default: office
    level: Literal["市", "区", "县"] | None = None  # 行政层级; default: the last character of city
    place: str | None = None  # the place name a title starts with; default: city
    timezone: str = DEFAULT_TIMEZONE
    unit_kind_labels: dict[Literal["department", "town"], str] = Field(default_factory=dict)
    approvers: tuple[str, ...] = ("office",)
    files: ManifestFiles


def version_error(raw: object, name: str) -> str | None:
    """Why the manifest's ``schema_version`` cannot be read by this code, or None."""
    if not isinstance(raw, dict) or "schema_version" not in raw:
        return None
    version = raw["schema_version"]
    where = f"{name} 第{line_of(raw, ['schema_version'])}行"
    if not isinstance(version, int) or isinstance(version, bool) or version < 1:
        return f"{where}: schema_version 应为正整数(当前目录格式版本为 {SCHEMA_VERSION}),实为 {_shown(version)}"
    if version not in SUPPORTED_SCHEMA_VERSIONS:
        supported = "、".join(str(v) for v in SUPPORTED_SCHEMA_VERSIONS)
        return (
            f"{where}: 目录格式版本 schema_version {version} 不受支持(本程序支持:{supported});"
            "请升级 planeval,或按 docs/catalog.md 改写目录"
        )
    return None


class UnitsFile(FrozenModel):
    """units.yaml: 报送单位 in two lists; an entry's kind comes from its list."""

    departments: tuple[dict[str, Any], ...] = ()
    towns: tuple[dict[str, Any], ...] = ()


class RosterEntry(FrozenModel):
    """roster.yaml: one user of the web interface (planeval.ui.accounts checks the unit codes)."""

    username: str
    name: str = ""
    role: Literal["office", "admin", "unit"]
    unit: str | None = None


class DemoIndicator(FrozenModel):
    values: tuple[float | str, ...] = ()
    self_rating: str = "符合预期"
    analysis: str = ""
    explanation: str = ""  # the 上报说明 typed for a value the receipt warns about (警告)
    per_unit: dict[str, tuple[float | str, ...]] = Field(default_factory=dict)


class DemoProjects(FrozenModel):
    progress: str = ""
    results: str = ""


class DemoStatus(FrozenModel):
    share: float = 0
    texts: tuple[str, ...] = ()


class DemoIndicatorTexts(FrozenModel):
    own: tuple[str, ...] = ()
    item: str = ""
    analysis: str = ""
    none: tuple[str, ...] = ()
    problem: str = ""


class DemoArtefact(FrozenModel):
    section: str
    text: str
    paragraph: bool = False


class DemoNarrative(FrozenModel):
    title: str = ""
    overall: str = ""
    task_status: dict[str, str] = Field(default_factory=dict)
    statuses: dict[str, DemoStatus] = Field(default_factory=dict)
    cooperating: tuple[str, ...] = ()
    indicators: DemoIndicatorTexts | None = None
    no_tasks: tuple[str, ...] = ()
    sections: dict[str, tuple[str, ...]] = Field(default_factory=dict)
    town: dict[str, tuple[str, ...]] = Field(default_factory=dict)
    fields: dict[str, str] = Field(default_factory=dict)
    missing_sections: dict[str, tuple[str, ...]] = Field(default_factory=dict)
    artefacts: dict[str, tuple[DemoArtefact, ...]] = Field(default_factory=dict)


class DemoSpec(FrozenModel):
    """demo.yaml: the demo's made-up submissions (planeval.ui.demo reads it)."""

    indicators: dict[str, DemoIndicator] = Field(default_factory=dict)
    figures: dict[str, tuple[float, ...]] = Field(default_factory=dict)
    projects: DemoProjects | None = None
    missing: tuple[str, ...] = ()
    rejected_first: str | None = None
    dry_run: str | None = None  # a unit whose first try goes to its check/ folder (预审) instead of its inbox
    narrative: DemoNarrative | None = None
