"""What stands between a change's key and its rows (issue 5: on screen within 50 ms).

A closed dialog is not restyled on its way out, and the count of a new query starts only
once its rows are drawn: both used the UI thread while the rows were awaited or drawn.
"""

from __future__ import annotations

from textual.css.stylesheet import Stylesheet

from tests.app.conftest import drive, make_app, settle
from tui.app.screens.audit_log import AuditLogScreen
from tui.app.widgets.event_table import EventTable
from tui.app.widgets.range_picker import RangePicker
from tui.app.widgets.scope_picker import ScopePicker
from tui.domain.access import Scope
from tui.domain.timerange import RangePreset


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


def test_the_count_of_a_change_starts_once_its_rows_are_drawn(audit_store, monkeypatch) -> None:
    app = make_app(audit_store)
    drawn: list[int] = []  # the generation shown, at each drawing of the table
    counted: list[bool] = []  # whether that generation's rows were drawn when its count began
    render_lines = EventTable.render_lines
    count = AuditLogScreen._count

    def drawing(self, crop):  # type: ignore[no-untyped-def]
        drawn.append(self.screen._shown_generation)
        return render_lines(self, crop)

    def counting(self, generation, query):  # type: ignore[no-untyped-def]
        counted.append(generation in drawn)
        return count(self, generation, query)

    async def scenario(pilot) -> None:  # type: ignore[no-untyped-def]
        screen = app.screen
        monkeypatch.setattr(EventTable, "render_lines", drawing)
        monkeypatch.setattr(AuditLogScreen, "_count", counting)
        await pilot.press("d")
        await settle(pilot)
        assert isinstance(app.screen, RangePicker)
        await pilot.press("up", "enter")  # Last 24 hours
        await settle(pilot)
        assert screen.query_now.time_range.preset is RangePreset.LAST_24H
        assert counted == [True]
        assert str(screen.status.render()).startswith("39 events")

    drive(app, scenario)


def test_the_rows_of_a_scope_change_are_drawn_as_they_arrive(audit_store, monkeypatch) -> None:
    """Closing the dialog asks for a frame while painting waits for the rows; the rows must
    not then wait for the frame after (up to 17 ms): they are drawn in the handling of
    their arrival."""
    app = make_app(audit_store)
    handled: list[tuple[str, int]] = []  # (what, the generation shown by the table)
    render_lines = EventTable.render_lines
    loaded = AuditLogScreen.on_window_loaded

    def drawing(self, crop):  # type: ignore[no-untyped-def]
        handled.append(("drawn", self.screen._shown_generation))
        return render_lines(self, crop)

    def arriving(self, message):  # type: ignore[no-untyped-def]
        handled.append(("arrived", message.generation))
        loaded(self, message)
        handled.append(("handled", message.generation))

    async def scenario(pilot) -> None:  # type: ignore[no-untyped-def]
        screen = app.screen
        await pilot.press("s")
        await settle(pilot)
        monkeypatch.setattr(EventTable, "render_lines", drawing)
        monkeypatch.setattr(AuditLogScreen, "on_window_loaded", arriving)
        await pilot.press("ctrl+o")
        await settle(pilot)
        assert screen.query_now.scope == Scope.portal_only()
        generation = screen.generation
        arrived = handled.index(("arrived", generation))
        done = handled.index(("handled", generation))
        assert ("drawn", generation) in handled[arrived:done], handled

    drive(app, scenario)
