"""The package's rooms import only downwards: a stage package never imports one above it.

The order (lowest first) is the one plugins/planeval/__init__.py describes. A module may import its own
package's modules; DAG files, tests and benchmarks stand above every room.
"""

from __future__ import annotations

import ast
from pathlib import Path

from planeval.settings import REPO_ROOT

PACKAGE = REPO_ROOT / "plugins" / "planeval"
LAYERS = [
    {"settings", "records", "files", "dates", "safetext", "faults"},
    {"catalog"},
    {"intake"},
    {"warehouse"},
    {"assessment"},
    {"validation"},
    {"monitoring"},
    {"reporting"},
    {"stages"},
    {"ui"},
]
LAYER_OF = {room: index for index, rooms in enumerate(LAYERS) for room in rooms}


def _room(module: str) -> str | None:
    parts = module.split(".")
    return parts[1] if parts[0] == "planeval" and len(parts) > 1 else None


def _imports(path: Path) -> list[tuple[int, str]]:
    """Every planeval module the file imports, at module level or inside a function."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names = [node.module] + [f"{node.module}.{alias.name}" for alias in node.names]
            found += [(node.lineno, name) for name in names[:1] if name.startswith("planeval")]
            if node.module == "planeval":
                found += [(node.lineno, name) for name in names[1:]]
        elif isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names if alias.name.startswith("planeval")]
    return found


def test_every_room_is_in_a_layer() -> None:
    rooms = {path.stem if path.is_file() else path.name for path in PACKAGE.iterdir() if path.name != "__pycache__"}
    rooms -= {"__init__"}
    assert rooms <= set(LAYER_OF), f"rooms without a layer: {sorted(rooms - set(LAYER_OF))}"


def test_imports_only_go_downwards() -> None:
    upward = []
    for path in sorted(PACKAGE.rglob("*.py")):
        relative = path.relative_to(PACKAGE.parent)
        own = _room(".".join(relative.with_suffix("").parts))
        if own is None:
            continue
        for line, module in _imports(path):
            target = _room(module)
            if target is None or target == own:
                continue
            if LAYER_OF[target] > LAYER_OF[own]:
                upward.append(f"{relative}:{line} ({own}) imports {module} ({target})")
    assert not upward, "imports that run upwards:\n  " + "\n  ".join(upward)


def test_the_layer_test_sees_an_upward_import(tmp_path: Path) -> None:
    """The check itself: a catalog module importing a stage is caught."""
    module = tmp_path / "bad.py"
    module.write_text("from planeval.stages.collect import run_collect\n", encoding="utf-8")
    (line, imported), *_ = _imports(module)
    assert (line, imported) == (1, "planeval.stages.collect")
    assert LAYER_OF[_room(imported)] > LAYER_OF["catalog"]
