"""What stands between a change's key and its rows (issue 5: on screen within 50 ms).

A closed dialog is not restyled on its way out: that used the UI thread while the rows
were awaited.
"""

from __future__ import annotations

from textual.css.stylesheet import Stylesheet

from tests.app.conftest import drive, make_app, settle
from tui.app.widgets.scope_picker import ScopePicker
from tui.domain.access import Scope


def test_a_closed_dialog_is_not_restyled_and_the_table_takes_the_keys(
    audit_store, monkeypatch
) -> None:
    app = make_app(audit_store)
    restyled: list[object] = []
    update_nodes = Stylesheet.update_nodes

    def spy(self, nodes, animate=False):  # type: ignore[no-untyped-def]
        nodes = list(nodes)
        restyled.extend(nodes)
        return update_nodes(self, nodes, animate=animate)

    async def scenario(pilot) -> None:  # type: ignore[no-untyped-def]
        screen = app.screen
        await pilot.press("s")
        await settle(pilot)
        picker = app.screen
        assert isinstance(picker, ScopePicker)
        assert picker.focused is not None  # the filter box
        dialog_nodes = set(picker.walk_children(with_self=True))
        monkeypatch.setattr(Stylesheet, "update_nodes", spy)
        await pilot.press("ctrl+o")
        await settle(pilot)
        monkeypatch.setattr(Stylesheet, "update_nodes", update_nodes)
        assert app.screen is screen
        assert screen.query_now.scope == Scope.portal_only()
        assert not [node for node in restyled if node in dialog_nodes]
        # The keys go to the table again, as before.
        assert screen.focused is screen.table
        await pilot.press("down")
        assert screen.table.cursor_row == 1

    drive(app, scenario)
