"""The rooms of DESIGN §4 hold: the import-linter contracts in pyproject.toml are kept, each of
them fails when its rule is broken, no module imports itself in a circle, and no module has grown
past one idea's size. docs/ARCHITECTURE.md explains the rules; these tests make them binding.

The contracts read the import statements. What they cannot see is what a third-party library
drags in when it is imported, so the last test imports each Qt-free room in a fresh interpreter
and looks at what actually loaded.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import grimp
import pytest

from tests.paths import REPO_ROOT

PACKAGE = REPO_ROOT / "fineauthor"
MAX_LINES = 650  # "past ~600 lines it is two ideas" (DESIGN §4), with a little give


def _lint_imports(cwd: Path) -> subprocess.CompletedProcess[str]:
    """lint-imports on the package found in ``cwd``, without a cache in the working tree."""
    run = (
        "from importlinter.cli import lint_imports; "
        "raise SystemExit(lint_imports(no_cache=True, no_logo=True))"
    )
    env = {**os.environ, "PYTHONPATH": str(cwd)}
    return subprocess.run(
        [sys.executable, "-c", run],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


def test_the_import_contracts_are_kept() -> None:
    result = _lint_imports(REPO_ROOT)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "5 kept, 0 broken" in result.stdout


# Each line breaks one rule: (module to edit, the import added to it, the contract it breaks).
BREAKS = [
    ("core/dataset/example.py", "import PySide6", "core is Qt-free and network-free"),
    ("core/catalog.py", "import urllib.request", "core is Qt-free and network-free"),
    ("providers/base.py", "import fineauthor.ui.shell.workers", "Imports point one way"),
    ("training/watch.py", "import fineauthor.cli.exit_codes", "Imports point one way"),
    ("core/settings.py", "import fineauthor.cli.parsing", "Imports point one way"),
    ("training/watch.py", "import PySide6.QtCore", "Only ui imports Qt"),
    ("cli/exit_codes.py", "import PySide6", "Only ui imports Qt"),
    ("ui/widgets/labels.py", "import openai", "Only providers talk to the network"),
    ("cli/exit_codes.py", "import keyring", "Only providers talk to the network"),
    (
        "providers/openai/__init__.py",
        "import fineauthor.providers.together",
        "Each service stands alone",
    ),
]


@pytest.fixture(scope="module")
def tree_copy(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The package and pyproject.toml copied aside, to be broken on purpose."""
    root = tmp_path_factory.mktemp("tree")
    shutil.copy(REPO_ROOT / "pyproject.toml", root / "pyproject.toml")
    shutil.copytree(PACKAGE, root / "fineauthor", ignore=shutil.ignore_patterns("__pycache__"))
    return root


@pytest.mark.parametrize(
    ("module", "statement", "contract"), BREAKS, ids=[f"{m}: {s}" for m, s, _ in BREAKS]
)
def test_a_forbidden_import_breaks_its_contract(
    tree_copy: Path, module: str, statement: str, contract: str
) -> None:
    path = tree_copy / "fineauthor" / module
    original = path.read_text(encoding="utf-8")
    path.write_text(original + f"\n{statement}  # broken on purpose\n", encoding="utf-8")
    try:
        result = _lint_imports(tree_copy)
    finally:
        path.write_text(original, encoding="utf-8")
    assert result.returncode == 1, result.stdout + result.stderr
    broken = [line for line in result.stdout.splitlines() if line.endswith(" BROKEN")]
    assert len(broken) == 1, result.stdout
    assert broken[0].startswith(contract), result.stdout
    dotted = "fineauthor." + module.removesuffix(".py").removesuffix("/__init__").replace("/", ".")
    assert dotted in result.stdout  # the report names the module that broke the rule


def _cycles(graph: grimp.ImportGraph, modules: set[str]) -> list[list[str]]:
    """Strongly connected groups of more than one module (Tarjan's algorithm)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(module: str) -> None:
        index[module] = low[module] = len(index)
        stack.append(module)
        on_stack.add(module)
        for other in graph.find_modules_directly_imported_by(module) & modules:
            if other not in index:
                visit(other)
                low[module] = min(low[module], low[other])
            elif other in on_stack:
                low[module] = min(low[module], index[other])
        if low[module] == index[module]:
            group = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                group.append(member)
                if member == module:
                    break
            if len(group) > 1:
                found.append(sorted(group))

    for module in sorted(modules):
        if module not in index:
            visit(module)
    return found


def test_no_module_imports_itself_in_a_circle() -> None:
    # Imports made only for type hints count too: a cycle there is still two ideas tangled.
    graph = grimp.build_graph("fineauthor", cache_dir=None)
    # A package's __init__ is where Python starts a package, not an idea of its own.
    modules = {
        ".".join(path.relative_to(REPO_ROOT).with_suffix("").parts)
        for path in PACKAGE.rglob("*.py")
        if path.name != "__init__.py"
    }
    assert len(modules) > 80  # the graph really holds the package
    assert _cycles(graph, modules) == []


def test_the_cycle_finder_finds_a_cycle() -> None:
    graph = grimp.ImportGraph()
    for name in ("a", "a.one", "a.two", "a.three"):
        graph.add_module(name)
    graph.add_import(importer="a.one", imported="a.two")
    graph.add_import(importer="a.two", imported="a.one")
    graph.add_import(importer="a.three", imported="a.one")
    assert _cycles(graph, {"a.one", "a.two", "a.three"}) == [["a.one", "a.two"]]


def test_every_module_holds_one_idea_by_size() -> None:
    sizes = {
        str(path.relative_to(REPO_ROOT)): len(path.read_text(encoding="utf-8").splitlines())
        for path in PACKAGE.rglob("*.py")
    }
    assert len(sizes) > 80
    too_long = {path: lines for path, lines in sizes.items() if lines > MAX_LINES}
    assert too_long == {}, "split these by idea (DESIGN §4)"


# What must never load when a Qt-free room is imported, whoever asks for it.
QT = ("PySide6", "shiboken6")
NETWORK = ("openai", "httpx", "httpx2", "httpcore", "requests", "urllib3")
STDLIB_NETWORK = ("http.client", "urllib.request", "socket", "ssl")
NEVER_LOADED = {
    "core": (*QT, *NETWORK, *STDLIB_NETWORK, "keyring"),
    "training": QT,
    "providers": QT,
}

# Runs in the child: imports every module of one room and reports each forbidden module that
# loaded, with the fineauthor module whose import statement (at whatever depth) asked for it.
_CHILD = r"""
import json, pathlib, sys

root, room, forbidden = sys.argv[1], sys.argv[2], sys.argv[3].split(",")
sys.path.insert(0, root)


def is_forbidden(name):
    return any(name == f or name.startswith(f + ".") for f in forbidden)


found = {}


class Watch:
    def find_spec(self, name, path=None, target_module=None):
        if is_forbidden(name) and name not in found:
            frame = sys._getframe(1)
            while frame is not None:
                module = frame.f_globals.get("__name__", "")
                if module.startswith("fineauthor"):
                    found[name] = module
                    break
                frame = frame.f_back
            else:
                found[name] = None
        return None  # only watching: the normal finders do the importing


folder = pathlib.Path(root, "fineauthor", room)
modules = []
for path in sorted(folder.rglob("*.py")):
    parts = path.relative_to(root).with_suffix("").parts
    modules.append(".".join(parts[:-1] if parts[-1] == "__init__" else parts))
sys.meta_path.insert(0, Watch())
for module in modules:
    __import__(module)
for name in sys.modules:
    if is_forbidden(name):
        found.setdefault(name, None)
print(json.dumps({"modules": len(modules), "found": found}))
"""


@pytest.mark.parametrize("room", sorted(NEVER_LOADED))
def test_importing_a_qt_free_room_loads_nothing_it_must_not(room: str) -> None:
    forbidden = NEVER_LOADED[room]
    # -I: no user site-packages or PYTHON* variables; the repository is put on the path.
    result = subprocess.run(
        [sys.executable, "-I", "-c", _CHILD, str(REPO_ROOT), room, ",".join(forbidden)],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, f"fineauthor.{room} failed to import:\n{result.stderr[-3000:]}"
    report = json.loads(result.stdout.strip().splitlines()[-1])
    assert report["modules"] >= 3  # the room was found and imported
    # A submodule of something already listed (PySide6.QtCore of PySide6) adds nothing.
    found = {
        name: asker
        for name, asker in report["found"].items()
        if not any(name.startswith(other + ".") for other in report["found"])
    }
    assert found == {}, f"importing fineauthor.{room} loaded (module: asked for by): {found}"
