"""The grader's modules import one another without a cycle.

The graph is read from the source with `ast`, not from what an import happens to run: imports
under `if TYPE_CHECKING:` and inside functions count, since each is a module needing another.
`import a.b.c` and `from a.b.c import x` import the packages `a` and `a.b` first, so they count
as edges to them too; so does a package's `__init__.py` importing its own submodules.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

from fixture_paths import REPO

PACKAGE = REPO / "grader"


def module_name(path: Path) -> str:
    parts = path.relative_to(REPO).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def grader_modules() -> dict[str, Path]:
    return {module_name(path): path for path in sorted(PACKAGE.rglob("*.py"))}


def with_parents(name: str) -> Iterator[str]:
    """`a.b.c`, `a.b`, `a`: importing a module imports each package above it first."""
    parts = name.split(".")
    for end in range(len(parts), 0, -1):
        yield ".".join(parts[:end])


def imported_by(source: str, *, name: str, is_package: bool, modules: set[str]) -> set[str]:
    """The grader modules that the module `name` imports, wherever the import statement stands."""
    package = name if is_package else name.rpartition(".")[0]
    found: set[str] = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            for alias in node.names:
                found.update(with_parents(alias.name))
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                parts = package.split(".")
                base = ".".join([*parts[: len(parts) - (node.level - 1)], *([node.module] if node.module else [])])
            else:
                base = node.module or ""
            found.update(with_parents(base))
            found.update(f"{base}.{alias.name}" for alias in node.names)
    return {target for target in found if target in modules and target != name}


def import_graph() -> dict[str, set[str]]:
    modules = grader_modules()
    return {
        name: imported_by(
            path.read_text(encoding="utf-8"), name=name, is_package=path.name == "__init__.py", modules=set(modules),
        )
        for name, path in modules.items()
    }


def find_cycle(graph: dict[str, set[str]]) -> list[str] | None:
    """One cycle as the path that closes it (`a -> b -> a`), or None."""
    state: dict[str, str] = {}  # "open" while on the current path, "done" once fully explored
    path: list[str] = []

    def visit(node: str) -> list[str] | None:
        state[node] = "open"
        path.append(node)
        for target in sorted(graph[node]):
            if state.get(target) == "open":
                return [*path[path.index(target):], target]
            if target not in state and (cycle := visit(target)):
                return cycle
        path.pop()
        state[node] = "done"
        return None

    for node in sorted(graph):
        if node not in state and (cycle := visit(node)):
            return cycle
    return None


def test_the_graph_reader_sees_type_checking_local_relative_and_parent_package_imports() -> None:
    source = (
        "from typing import TYPE_CHECKING\n"
        "from . import sibling\n"
        "from .sub.leaf import thing\n"
        "import grader.other\n"
        "if TYPE_CHECKING:\n"
        "    from grader.typed import T\n"
        "def later():\n"
        "    from grader.lazy import f\n"
    )
    modules = {
        "grader", "grader.pkg", "grader.pkg.mod", "grader.pkg.sibling", "grader.pkg.sub", "grader.pkg.sub.leaf",
        "grader.other", "grader.typed", "grader.lazy", "grader.unused",
    }

    found = imported_by(source, name="grader.pkg.mod", is_package=False, modules=modules)

    assert found == modules - {"grader.pkg.mod", "grader.unused"}


def test_a_package_importing_its_own_submodule_is_a_cycle_with_it() -> None:
    modules = {"grader", "grader.cli", "grader.cli.app"}
    package = imported_by("from grader.cli import app\n", name="grader.cli", is_package=True, modules=modules)
    submodule = imported_by("from grader.cli.app import x\n", name="grader.cli.app", is_package=False, modules=modules)

    assert find_cycle({"grader": set(), "grader.cli": package, "grader.cli.app": submodule}) == [
        "grader.cli", "grader.cli.app", "grader.cli",
    ]


def test_the_cycle_finder_names_the_modules_of_a_cycle() -> None:
    graph = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}
    assert find_cycle(graph) == ["a", "b", "c", "a"]
    assert find_cycle({"a": {"b"}, "b": set()}) is None


def test_no_module_of_the_grader_imports_itself_through_others() -> None:
    cycle = find_cycle(import_graph())
    assert cycle is None, "import cycle: " + " -> ".join(cycle or ())


def test_reports_name_statuses_from_the_shared_types_not_from_the_runner() -> None:
    graph = import_graph()
    reports = {name for name in graph if name.startswith("grader.report.")}
    assert reports, "no report module found"
    assert {name for name in reports if "grader.runner" in graph[name]} == set()
