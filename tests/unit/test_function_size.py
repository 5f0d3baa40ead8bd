"""Every function in the package reads on one screen: none reaches 80 lines (split it into named steps)."""

from __future__ import annotations

import ast

from planeval.settings import REPO_ROOT

LIMIT = 80


def test_no_function_reaches_the_limit():
    too_long = []
    for path in sorted((REPO_ROOT / "plugins" / "planeval").rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                length = (node.end_lineno or node.lineno) - node.lineno + 1
                if length >= LIMIT:
                    too_long.append(f"{path.relative_to(REPO_ROOT)}:{node.lineno} {node.name} ({length} lines)")
    assert not too_long, "\n".join(too_long)
