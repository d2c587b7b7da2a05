"""The layers of ARCHITECTURE.md, as the imports of app/ say them: no import cycle, and a domain core that knows
nothing of the web or the database — counting imports inside functions, which would only hide a cycle."""

from __future__ import annotations

import ast
from collections.abc import Collection
from pathlib import Path

import pytest

APP = Path(__file__).resolve().parents[1] / "app"
DOMAIN_CORE = ("app.engine", "app.kinds", "app.bank", "app.part_check", "app.scoring", "app.solution_policy")
WEB_AND_STORAGE = ("fastapi", "starlette", "jinja2", "sqlalchemy", "alembic", "uvicorn", "httpx", "app.storage")
WEB_AND_STORAGE += ("app.web", "app.api", "app.lti", "app.deps", "app.checker", "app.practice", "app.main")

Graph = dict[str, set[str]]


def module_name(path: Path) -> str:
    parts = path.relative_to(APP.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imported_names(path: Path, name: str, modules: Collection[str]) -> set[str]:
    """Every module the file imports, anywhere in it but under `if TYPE_CHECKING:`, relative imports resolved.
    `from package import module` imports that module (its package's `__init__` runs first, as for any submodule:
    not an edge)."""
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found: set[str] = set()
    tree = ast.parse(path.read_text(), str(path))
    skipped = type_only(tree)
    for node in (n for n in ast.walk(tree) if id(n) not in skipped):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*anchor, base] if base else anchor)
            for alias in node.names:
                found.add(f"{base}.{alias.name}" if f"{base}.{alias.name}" in modules else base)
    return found


def type_only(tree: ast.Module) -> set[int]:
    """The import statements under `if TYPE_CHECKING:`, which never run: names for annotations, not a cycle."""
    return {
        id(statement)
        for block in ast.walk(tree)
        if isinstance(block, ast.If) and ast.unparse(block.test) in ("TYPE_CHECKING", "typing.TYPE_CHECKING")
        for statement in ast.walk(block)
        if isinstance(statement, ast.Import | ast.ImportFrom)
    }


def within(name: str, prefixes: tuple[str, ...]) -> bool:
    return any(name == prefix or name.startswith(prefix + ".") for prefix in prefixes)


@pytest.fixture(scope="module")
def modules() -> dict[str, Path]:
    return {module_name(path): path for path in APP.rglob("*.py")}


@pytest.fixture(scope="module")
def imports(modules: dict[str, Path]) -> Graph:
    """Module → the modules it imports: ours resolved to the module (not the names in it), others kept whole."""

    def resolve(target: str) -> str:
        probe = target
        while probe and probe not in modules:
            probe = probe.rpartition(".")[0]
        return probe or target

    return {name: {resolve(t) for t in imported_names(path, name, modules)} - {name} for name, path in modules.items()}


def cycles(graph: Graph) -> list[list[str]]:
    """The strongly connected components with more than one module (Tarjan's algorithm, iteratively)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    found: list[list[str]] = []
    for root in graph:
        if root in index:
            continue
        work = [(root, iter(sorted(graph[root] & graph.keys())))]
        index[root] = low[root] = len(index)
        stack.append(root)
        while work:
            node, edges = work[-1]
            child = next((e for e in edges), None)
            if child is None:
                work.pop()
                if work:
                    low[work[-1][0]] = min(low[work[-1][0]], low[node])
                if low[node] == index[node]:
                    component = stack[stack.index(node) :]
                    del stack[stack.index(node) :]
                    if len(component) > 1:
                        found.append(sorted(component))
            elif child not in index:
                index[child] = low[child] = len(index)
                stack.append(child)
                work.append((child, iter(sorted(graph[child] & graph.keys()))))
            elif child in stack:
                low[node] = min(low[node], index[child])
    return found


def test_cycle_finder_finds_a_cycle_through_three_modules() -> None:
    graph = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}
    assert cycles(graph) == [["a", "b", "c"]]


def test_app_has_no_import_cycle(imports: Graph) -> None:
    assert cycles(imports) == []


def test_the_domain_core_imports_nothing_of_the_web_or_storage(imports: Graph) -> None:
    leaks = {
        module: sorted(t for t in targets if within(t, WEB_AND_STORAGE))
        for module, targets in imports.items()
        if within(module, DOMAIN_CORE)
    }
    assert {module: found for module, found in leaks.items() if found} == {}


def test_the_layer_lists_name_real_packages(modules: dict[str, Path]) -> None:
    ours = [prefix for prefix in DOMAIN_CORE + WEB_AND_STORAGE if prefix.startswith("app.")]
    assert [prefix for prefix in ours if not any(within(m, (prefix,)) for m in modules)] == []
