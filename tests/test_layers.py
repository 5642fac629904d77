"""The layers import one way: domain ← store ← (cli, app); SQLAlchemy and Textual stay home."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "tui"

#: For each layer, the project packages and third-party libraries it must not import.
FORBIDDEN = {
    "domain": (
        "tui.store",
        "tui.cli",
        "tui.app",
        "tui.demo",
        "sqlalchemy",
        "alembic",
        "psycopg",
        "textual",
        "rich",
    ),
    "demo": ("tui.store", "tui.cli", "tui.app", "sqlalchemy", "textual"),
    "store": ("tui.cli", "tui.app", "tui.demo", "textual", "rich"),
    "cli": ("tui.app", "sqlalchemy", "alembic", "psycopg", "textual", "rich"),
    "app": (
        "tui.cli",
        "sqlalchemy",
        "alembic",
        "psycopg",
        "tui.store.schema",
        "tui.store.filters",
        "tui.store.engine",
        "tui.store.accounts",
    ),
}


def imported_modules(path: Path) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
    return names


@pytest.mark.parametrize("layer", sorted(FORBIDDEN))
def test_layer_imports_flow_one_way(layer: str) -> None:
    files = sorted((PACKAGE / layer).rglob("*.py"))
    assert files, f"no modules in tui/{layer}"
    offences = [
        f"{path.relative_to(PACKAGE.parent)} imports {name}"
        for path in files
        for name in sorted(imported_modules(path))
        if any(name == banned or name.startswith(banned + ".") for banned in FORBIDDEN[layer])
        and not (layer == "cli" and name == "tui.app")  # the one lazy entry point
    ]
    assert offences == []
