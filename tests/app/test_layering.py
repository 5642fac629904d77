"""The viewer's layering and start-up cost, checked by reading the code (``ast``) and by
importing it in a fresh interpreter."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import tui.app

APP = Path(tui.app.__file__).parent
FORBIDDEN = ("sqlalchemy", "psycopg", "alembic", "sqlite3")


def _modules() -> list[Path]:
    return sorted(APP.rglob("*.py"))


def _imports(tree: ast.AST) -> list[tuple[ast.AST, str]]:
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [(node, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module:
            found.append((node, node.module))
    return found


def _type_checking_only(tree: ast.AST) -> set[ast.AST]:
    guarded: set[ast.AST] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            for inner in node.body:
                guarded.update(ast.walk(inner))
    return guarded


def test_the_viewer_never_touches_the_database_libraries() -> None:
    for path in _modules():
        tree = ast.parse(path.read_text())
        for _, name in _imports(tree):
            assert name.split(".")[0] not in FORBIDDEN, f"{path.name} imports {name}"


def test_the_store_is_reached_only_through_the_repository_api_for_typing() -> None:
    """Runtime calls go through the objects the app is given; imports are for type hints."""
    for path in _modules():
        tree = ast.parse(path.read_text())
        guarded = _type_checking_only(tree)
        for node, name in _imports(tree):
            if name.startswith("tui.store"):
                assert node in guarded, f"{path.name} imports {name} at run time"
                assert name == "tui.store.repository", f"{path.name} imports {name}"


def test_only_the_projects_own_errors_are_caught_from_the_store() -> None:
    for path in _modules():
        source = path.read_text()
        for word in ("DBAPIError", "OperationalError", "SQLAlchemyError", "psycopg."):
            assert word not in source, f"{path.name} mentions {word}"


def test_one_widget_per_module_and_css_beside_it() -> None:
    for path in (APP / "widgets").glob("*.py"):
        tree = ast.parse(path.read_text())
        top = [n.name for n in tree.body if isinstance(n, ast.ClassDef)]
        assert len(top) <= 1, f"{path.name} defines {top}"
    assert (APP / "screens" / "audit_log.tcss").is_file()
    assert (APP / "widgets" / "dialog.tcss").is_file()


def _fresh_import(statement: str) -> set[str]:
    code = f"import sys; {statement}; print(' '.join(sorted(sys.modules)))"
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    return set(result.stdout.split())


def test_the_package_entry_point_does_not_load_textual() -> None:
    """``auditlog query`` and friends import ``tui.app`` cheaply; Textual loads in run_viewer."""
    loaded = _fresh_import("import tui.app")
    assert "textual" not in loaded


def test_starting_the_viewer_loads_nothing_the_first_page_does_not_need() -> None:
    loaded = _fresh_import("import tui.app.app")
    for heavy in ("sqlalchemy", "pyperclip", "tree_sitter", "tui.domain.formats"):
        assert heavy not in loaded, f"{heavy} is imported at start-up"
