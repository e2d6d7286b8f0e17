"""The outbox sits below the three apps, and events and consumers respect the layers
(accounts <- ideas <- community): no import upward, at module level or inside a function."""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[3]
APPS = ("accounts", "ideas", "community")


def imported_apps(path: Path) -> set[str]:
    found = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            names = [node.module]
        else:
            continue
        found |= {name.split(".")[0] for name in names if name.split(".")[0] in APPS}
    return found


@pytest.mark.parametrize(
    ("module", "allowed"),
    [
        *[(str(p.relative_to(ROOT)), set()) for p in (ROOT / "config" / "outbox").rglob("*.py")],
        ("accounts/events.py", set()),
        ("ideas/events.py", set()),
        ("ideas/consumers.py", {"ideas"}),
        ("community/events.py", set()),
        ("community/consumers.py", {"ideas", "community"}),
    ],
)
def test_no_import_goes_up_a_layer(module, allowed):
    assert imported_apps(ROOT / module) <= allowed
