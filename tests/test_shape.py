"""The server half's shape: no module over 450 lines, no function over 60 (as the page's
``src/__tests__/layout.spec.ts`` holds the TypeScript to)."""

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent / "jupyterlab_qbraid_session"
MODULES = sorted(PACKAGE.glob("*.py"))


def functions(path: Path):
    """Each function of a module with its length, decorators included."""
    for node in ast.walk(ast.parse(path.read_text("utf-8"))):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            first = node.decorator_list[0].lineno if node.decorator_list else node.lineno
            yield f"{path.name}:{first} {node.name}", node.end_lineno - first + 1


def test_no_module_is_over_450_lines():
    assert MODULES, "the package's modules are found"
    long = {path.name: n for path in MODULES if (n := len(path.read_text("utf-8").splitlines())) > 450}
    assert long == {}


def test_no_function_is_over_60_lines():
    measured = dict(item for path in MODULES for item in functions(path))
    assert any(name.endswith(" identity_of") for name in measured), "functions are measured"
    assert {name: n for name, n in measured.items() if n > 60} == {}
