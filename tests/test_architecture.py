"""The layout's rules, read from the source with `ast` (imports inside functions, classes and
`if TYPE_CHECKING:` blocks included, since each of them is still a dependency):

1. Layers: accounts <- ideas <- community. A module never imports an app above its own.
   `config.outbox` (the events seam) imports none of the three.
2. No import cycle between modules of accounts, ideas, community and config.
3. The engines (themes clustering, sentiment, personal-data masking, the vote-ring detector,
   complaint deadlines) import no Django, directly or through any project module they import.

Each rule holds with no exception and fails on the first violation. Issue #13 emptied the last
allow-lists (68 upward import statements in 13 modules and 5 cycles before it): what an app needs
from the one above is registered from that app's AppConfig.ready (docs/architecture.md, "Layers
and hooks"), and what two modules share lives in a third.
"""

import ast
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ("accounts", "ideas", "community", "config")
LAYER = {"accounts": 0, "ideas": 1, "community": 2}

ENGINES = (
    "ideas.clustering",
    "ideas.sentiment",
    "ideas.pii",
    "community.moderation.vote_rings.detector",
    "community.complaints.deadlines",
    "community.webhooks.signing",
    "community.webhooks.network",
    "community.webhooks.receiver",
)


@dataclass(frozen=True)
class Import:
    module: str  # the importing module
    target: str  # the dotted name imported (a module, or a name in a module)
    line: int


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _project_files() -> dict[str, Path]:
    files = {}
    for package in PACKAGES:
        for path in (ROOT / package).rglob("*.py"):
            if "migrations" not in path.parts:
                files[_module_name(path)] = path
    return files


MODULES = _project_files()


def _imports(module: str, path: Path) -> Iterator[Import]:
    is_package = path.name == "__init__.py"
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield Import(module, alias.name, node.lineno)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:  # relative: from the package of this module
                parts = module.split(".") if is_package else module.split(".")[:-1]
                parts = parts[: len(parts) - node.level + 1]
                base = ".".join([*parts, base] if base else parts)
            yield Import(module, base, node.lineno)
            for alias in node.names:  # `from package import module`
                if f"{base}.{alias.name}" in MODULES:
                    yield Import(module, f"{base}.{alias.name}", node.lineno)


IMPORTS = [imp for module, path in MODULES.items() for imp in _imports(module, path)]


def _project_module(name: str) -> str | None:
    """The project module a dotted name lives in (longest known prefix), or None."""
    parts = name.split(".")
    while parts:
        if ".".join(parts) in MODULES:
            return ".".join(parts)
        parts.pop()
    return None


def _graph() -> dict[str, set[str]]:
    graph: dict[str, set[str]] = {module: set() for module in MODULES}
    for imp in IMPORTS:
        target = _project_module(imp.target)
        if target is not None and target != imp.module:
            graph[imp.module].add(target)
    return graph


GRAPH = _graph()


def _app(module: str) -> str:
    return module.split(".")[0]


def upward_imports() -> set[tuple[str, str]]:
    found = set()
    for module, targets in GRAPH.items():
        for target in targets:
            src, dst = _app(module), _app(target)
            if src in LAYER and dst in LAYER and LAYER[dst] > LAYER[src]:
                found.add((module, target))
    return found


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components of more than one module (Tarjan, iterative)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found = []
    for root in graph:
        if root in index:
            continue
        work = [(root, iter(sorted(graph[root])))]
        index[root] = low[root] = len(index)
        stack.append(root)
        on_stack.add(root)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is not None:
                if child not in index:
                    index[child] = low[child] = len(index)
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(graph[child]))))
                elif child in on_stack:
                    low[node] = min(low[node], index[child])
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[node])
            if low[node] == index[node]:
                component = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.append(member)
                    if member == node:
                        break
                if len(component) > 1:
                    found.append(sorted(component))
    return found


def test_no_module_imports_an_app_above_its_own():
    assert upward_imports() == set(), "imports upward (accounts <- ideas <- community)"


def test_the_events_seam_imports_none_of_the_apps():
    found = {
        (imp.module, imp.target)
        for imp in IMPORTS
        if imp.module.startswith("config.outbox") and _app(imp.target) in LAYER
    }
    assert found == set()


def test_no_import_cycle_between_modules():
    assert cycles(GRAPH) == []


def _closure(start: str) -> set[str]:
    """`start` and every project module it imports, directly or not, with their packages."""
    seen: set[str] = set()
    todo = [start]
    while todo:
        module = todo.pop()
        if module in seen:
            continue
        seen.add(module)
        parts = module.split(".")
        todo.extend(".".join(parts[:i]) for i in range(1, len(parts)) if ".".join(parts[:i]))
        todo.extend(GRAPH.get(module, set()))
    return {m for m in seen if m in MODULES}


def _engine_modules(engine: str) -> list[str]:
    return sorted(m for m in MODULES if m == engine or m.startswith(engine + "."))


@pytest.mark.parametrize("engine", ENGINES)
def test_the_engine_imports_no_django(engine):
    modules = _engine_modules(engine)
    assert modules, f"{engine} not found"
    reached = set().union(*(_closure(m) for m in modules))
    django = sorted(
        f"{imp.module}:{imp.line} {imp.target}"
        for imp in IMPORTS
        if imp.module in reached and imp.target.split(".")[0] in ("django", "celery")
    )
    assert django == []


def test_the_checks_see_imports_inside_functions():
    """The rules would be blind without this: function-level imports are in the graph."""
    nested = [
        imp
        for module, path in MODULES.items()
        for node in ast.walk(ast.parse(path.read_text()))
        if isinstance(node, ast.FunctionDef)
        for inner in ast.walk(node)
        if isinstance(inner, ast.ImportFrom) and inner.module and not inner.level
        for imp in [Import(module, inner.module, inner.lineno)]
    ]
    assert nested, "no function-level import found: the parser is broken"
    assert all(imp in IMPORTS for imp in nested)
