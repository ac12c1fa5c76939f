"""The layers keep their imports pointing one way (DESIGN §4): core never loads Qt, the network
or the layers above it; providers never load Qt or the ui.

Each module is imported alone in a fresh interpreter, so what one module drags in is never
blamed on another, and an import hook names the module that asked for the forbidden one.
"""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from tests.paths import REPO_ROOT

PACKAGE = REPO_ROOT / "fineauthor"

NETWORK_LIBRARIES = (
    "openai",
    "httpx",
    "httpx2",
    "httpcore",
    "httpcore2",
    "requests",
    "urllib3",
    "aiohttp",
    "http.client",
    "urllib.request",
)
QT = ("PySide6", "shiboken6")

FORBIDDEN = {
    "core": (*QT, *NETWORK_LIBRARIES, "fineauthor.providers", "fineauthor.ui"),
    "providers": (*QT, "fineauthor.ui"),
}

# Runs in the child: imports one module and reports every forbidden module it caused to load,
# with the fineauthor module whose import statement asked for it.
_CHILD = r"""
import json, sys

root, target, forbidden = sys.argv[1], sys.argv[2], sys.argv[3].split(",")
sys.path.insert(0, root)


def is_forbidden(name):
    return any(name == f or name.startswith(f + ".") for f in forbidden)


found = {}


class Watch:
    def find_spec(self, name, path=None, target_module=None):
        if is_forbidden(name) and name not in found:
            ours = direct = None
            frame = sys._getframe(1)
            while frame is not None:
                module = frame.f_globals.get("__name__", "")
                if direct is None and not module.startswith(("importlib", "_frozen")):
                    direct = module
                if module.startswith("fineauthor"):
                    ours = module
                    break
                frame = frame.f_back
            found[name] = [ours, direct]
        return None  # only watching: the normal finders do the importing


already = {name for name in sys.modules if is_forbidden(name)}
sys.meta_path.insert(0, Watch())
__import__(target)
for name in sys.modules:
    if is_forbidden(name) and name not in already:
        found.setdefault(name, [None, None])
print(json.dumps(found))
"""


def _is_in(module: str | None, names: tuple[str, ...]) -> bool:
    return module is not None and any(module == n or module.startswith(n + ".") for n in names)


def _modules(layer: str) -> list[str]:
    folder = PACKAGE / layer
    names = []
    for path in sorted(folder.rglob("*.py")):
        parts = path.relative_to(REPO_ROOT).with_suffix("").parts
        if parts[-1] == "__init__":
            parts = parts[:-1]
        names.append(".".join(parts))
    return names


CASES = [(layer, module) for layer in FORBIDDEN for module in _modules(layer)]


def test_every_layer_has_modules_to_check() -> None:
    # Guards the test itself: a wrong folder would otherwise make it pass by checking nothing.
    assert "fineauthor.core" in [module for _, module in CASES]
    assert "fineauthor.providers" in [module for _, module in CASES]


@pytest.mark.parametrize(("layer", "module"), CASES, ids=[module for _, module in CASES])
def test_module_imports_stay_in_their_layer(layer: str, module: str) -> None:
    # -I: no user site-packages or PYTHON* variables; the repo is put on the path explicitly.
    result = subprocess.run(
        [sys.executable, "-I", "-c", _CHILD, str(REPO_ROOT), module, ",".join(FORBIDDEN[layer])],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, f"{module} failed to import:\n{result.stderr[-3000:]}"
    found: dict[str, list[str | None]] = json.loads(result.stdout.strip().splitlines()[-1])
    forbidden = FORBIDDEN[layer]
    problems = []
    for name, (ours, direct) in sorted(found.items()):
        if any(name.startswith(other + ".") for other in found) or _is_in(direct, forbidden):
            continue  # a consequence (PySide6.QtCore of PySide6, urllib3 of requests)
        line = f"{ours or module} imports {name}"
        if direct and direct != ours:
            line += f" (through {direct})"
        if ours and ours != module:
            line += f", reached from {module}"
        problems.append(line)
    assert not problems, (
        f"{module} is in fineauthor.{layer}, which must not load "
        f"{', '.join(forbidden)}:\n  " + "\n  ".join(problems)
    )
