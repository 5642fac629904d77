"""Scope, date range (presets, custom, refusal), search and the area/type/performer filters."""

from __future__ import annotations

import threading
from datetime import UTC, datetime

from textual.widgets import Input, Label, SelectionList

from tests.app.conftest import SUPERVISOR, cells, drive, make_app, seeded_events, settle
from tui.app.widgets.choice_picker import ChoicePicker
from tui.app.widgets.range_picker import RangePicker
from tui.app.widgets.scope_picker import ScopePicker
from tui.domain.access import Scope
from tui.domain.catalog import Area
from tui.domain.timerange import RangePreset
from tui.store import facet_counts
from tui.store.repository import AuditReader


def _column(table, key: str) -> set[str]:  # type: ignore[no-untyped-def]
    return set(cells(table, key))


def _status(app) -> str:  # type: ignore[no-untyped-def]
    return str(app.screen.status.render())


def test_scope_portal_only_then_chosen_tenants_by_typing(audit_store) -> None:
    app = make_app(audit_store)

    async def scenario(pilot) -> None:  # type: ignore[no-untyped-def]
        screen = app.screen
        await pilot.press("s")
        await settle(pilot)
        assert isinstance(app.screen, ScopePicker)
        await pilot.click("#portal")
        await settle(pilot)
        assert screen.query_now.scope == Scope.portal_only()
        assert _column(screen.table, "where") == {"Portal"}
        assert "Scope: Portal only" in str(screen.query_one("#header").render())

        await pilot.press("s")
        await settle(pilot)
        picker = app.screen
        await pilot.press(*"glo")  # typing filters the tenants
        choices = picker.query_one(SelectionList)
        assert [choices.get_option_at_index(i).value for i in range(choices.option_count)] == [
            "t_globex"
        ]
        choices.focus()
        await pilot.press("space")  # tick Globex (Portal is already ticked)
        picker.query_one("#filter", Input).focus()
        await pilot.press("enter")
        await settle(pilot)
        assert screen.query_now.scope == Scope.of_tenants({"t_globex"}, portal=True)
        assert _column(screen.table, "where") == {"Portal", "Globex"}

        await pilot.press("s")
        await settle(pilot)
        await pilot.click("#all")
        await settle(pilot)
        assert screen.query_now.scope.is_all
        assert _column(screen.table, "where") == {"Portal", "Globex", "Acme Corp", "Initech"}

    drive(app, scenario)


def test_range_presets_and_a_custom_range(audit_store) -> None:
    app = make_app(audit_store)

    async def scenario(pilot) -> None:  # type: ignore[no-untyped-def]
        screen = app.screen
        await pilot.press("d")
        await pilot.pause()
        assert isinstance(app.screen, RangePicker)
        await pilot.press("up", "enter")  # from "Last 7 days" to "Last 24 hours"
        await settle(pilot)
        assert screen.query_now.time_range.preset is RangePreset.LAST_24H
        # Events every 37 minutes, the newest 5 minutes old: 39 in the last 24 hours.
        assert _status(app).startswith("39 events")
        assert "Last 24 hours" in str(screen.query_one("#header").render())

        await pilot.press("d")
        await pilot.pause()
        picker = app.screen
        picker.query_one("#from", Input).value = "2026-11-20"
        picker.query_one("#to", Input).value = "2026-11-20"
        picker.query_one("#to", Input).focus()
        await pilot.press("enter")
        await settle(pilot)
        span = screen.query_now.time_range
        assert span.preset is None
        assert span.label == "2026-11-20 00:00 UTC → 2026-11-20 23:59 UTC"
        start, end = datetime(2026, 11, 20, tzinfo=UTC), datetime(2026, 11, 21, tzinfo=UTC)
        expected = sum(start <= e.occurred_at < end for e in seeded_events())
        assert _status(app).startswith(f"{expected} events")
        times = _column(screen.table, "time")
        assert all(t.startswith("Nov 20") for t in times)

    drive(app, scenario)


def test_a_range_past_180_days_is_refused_in_place(audit_store) -> None:
    app = make_app(audit_store)

    async def scenario(pilot) -> None:  # type: ignore[no-untyped-def]
        screen = app.screen
        before = screen.query_now.time_range
        await pilot.press("d")
        await pilot.pause()
        picker = app.screen
        picker.query_one("#from", Input).value = "2026-01-01"
        picker.query_one("#to", Input).value = "2026-11-25 10:00"
        await pilot.click("#apply")
        await pilot.pause()
        assert app.screen is picker, "the dialog stays open"
        refusal = str(picker.query_one("#refusal").render())
        assert "Refused" in refusal and "180 days" in refusal and "earliest start" in refusal
        picker.query_one("#from", Input).value = "2026-13-45"
        picker.query_one("#to", Input).focus()
        await pilot.press("enter")
        await pilot.pause()
        assert "is not a date" in str(picker.query_one("#refusal").render())
        await pilot.press("escape")
        await settle(pilot)
        assert screen.query_now.time_range == before
        assert screen.table.row_count == 100

    drive(app, scenario)


def test_search_narrows_and_clearing_restores(audit_store) -> None:
    app = make_app(audit_store)

    async def scenario(pilot) -> None:  # type: ignore[no-untyped-def]
        screen = app.screen
        await pilot.press("slash")
        assert isinstance(app.focused, Input)
        await pilot.press(*'"object 12"', "enter")
        await settle(pilot)
        # "object 12" is in Object 12 and Object 120..129.
        assert screen.table.row_count == 11
        assert _status(app).startswith("11 events")
        await pilot.press("escape")
        assert app.focused is screen.table
        await pilot.press("x")
        await settle(pilot)
        assert screen.query_now.text == ""
        assert screen.table.row_count == 100

    drive(app, scenario)


def test_a_search_without_matches_says_why(audit_store) -> None:
    app = make_app(audit_store)

    async def scenario(pilot) -> None:  # type: ignore[no-untyped-def]
        screen = app.screen
        await pilot.press("slash", *"nothing-like-this", "enter")
        await settle(pilot)
        text = str(screen.notice.render())
        assert "No events match" in text
        assert 'search "nothing-like-this"' in text
        assert "clearing the search and filters: x" in text

    drive(app, scenario)


def test_filters_for_area_type_and_performer(audit_store) -> None:
    app = make_app(audit_store)

    async def scenario(pilot) -> None:  # type: ignore[no-untyped-def]
        screen = app.screen
        await pilot.press("a")
        await settle(pilot)
        picker = app.screen
        assert isinstance(picker, ChoicePicker)
        assert [f.value for f in picker.facets] == [
            Area.USER_MANAGEMENT.value,
            Area.INFRASTRUCTURE.value,
            Area.INTEGRATIONS.value,
            Area.REPORTING.value,
        ]
        await pilot.press(*"integr")
        picker.query_one(SelectionList).focus()
        await pilot.press("space")
        await pilot.click("#apply")
        await settle(pilot)
        assert screen.query_now.areas == {Area.INTEGRATIONS}
        shown = [screen.window.event_at(row) for row in range(screen.table.row_count)]
        assert {e.area for e in shown if e is not None} == {Area.INTEGRATIONS}
        assert "Area: Integrations" in str(screen.query_one("#pick-area").label)

        await pilot.press("t")
        await settle(pilot)
        await pilot.press(*"integration deleted")
        app.screen.query_one(SelectionList).focus()
        await pilot.press("space", "escape")  # Esc cancels: nothing changes
        await settle(pilot)
        assert screen.query_now.types == frozenset()

        await pilot.press("t")
        await settle(pilot)
        await pilot.press(*"integration deleted")
        app.screen.query_one(SelectionList).focus()
        await pilot.press("space")
        await pilot.click("#apply")
        await settle(pilot)
        assert screen.query_now.types == {"Integration Deleted"}
        assert _column(screen.table, "type") == {"Integration Deleted"}

        await pilot.press("p")
        await settle(pilot)
        picker = app.screen
        labels = [f.label for f in picker.facets]
        assert "Bob Ops <bob.ops@example.com>" in labels
        await pilot.press(*"bob", "enter", "enter")  # filter, then pick the highlighted one
        await settle(pilot)
        assert screen.query_now.performer == "bob.ops@example.com"
        assert _column(screen.table, "performer") <= {"bob.ops@example.com"}

        await pilot.click("#pick-clear")
        await settle(pilot)
        assert not (screen.query_now.types or screen.query_now.areas or screen.query_now.performer)
        assert screen.table.row_count == 100

    drive(app, scenario)


def test_ctrl_a_in_the_scope_pickers_filter_box_chooses_all(audit_store) -> None:
    """The footer offers ^a All; the filter box, which has the focus, must not take it."""
    app = make_app(audit_store)

    async def scenario(pilot) -> None:  # type: ignore[no-untyped-def]
        screen = app.screen
        screen.run_query(screen.query_now.with_changes(scope=Scope.portal_only()))
        await settle(pilot)
        await pilot.press("s")
        await settle(pilot)
        assert isinstance(app.screen, ScopePicker)
        assert isinstance(app.screen.focused, Input)
        await pilot.press("ctrl+a")
        await settle(pilot)
        assert app.screen is screen and screen.query_now.scope == Scope.all()

    drive(app, scenario)


def test_pickers_show_capped_counts_as_more(audit_store, monkeypatch) -> None:
    """Past the store's cap a count reads "N+": on a type, and on its area's sum."""
    monkeypatch.setattr(facet_counts, "CAP", 1)
    app = make_app(audit_store)

    def prompts() -> list[str]:
        choices = app.screen.query_one(SelectionList)
        return [str(choices.get_option_at_index(i).prompt) for i in range(choices.option_count)]

    async def scenario(pilot) -> None:  # type: ignore[no-untyped-def]
        await pilot.press("t")
        await settle(pilot)
        assert isinstance(app.screen, ChoicePicker)
        shown = prompts()
        assert shown and all(line.endswith("  · 1+") for line in shown), shown
        await pilot.press("escape")
        await pilot.press("a")
        await settle(pilot)
        shown = prompts()
        assert len(shown) == 4 and all(line.endswith("+") for line in shown), shown

    drive(app, scenario)


def _gate_after_the_first_round(monkeypatch) -> threading.Event:  # type: ignore[no-untyped-def]
    """Hold every count of facets after its first round until the returned event is set."""
    released = threading.Event()
    original = AuditReader.facet_rounds

    def gated(self, query):  # type: ignore[no-untyped-def]
        rounds = original(self, query)
        yield next(rounds)
        released.wait(10)
        yield from rounds

    monkeypatch.setattr(AuditReader, "facet_rounds", gated)
    return released


async def _until(pilot, done) -> None:  # type: ignore[no-untyped-def]
    for _ in range(200):
        if done():
            return
        await pilot.pause(0.02)
    raise AssertionError("never happened")


def test_a_supervisors_picker_opens_on_the_newest_day_and_fills_in(
    audit_store, monkeypatch
) -> None:
    """A narrower scope is counted newest first: the picker opens on the first round with
    "N+" counts and a line saying how far back they go, then takes the complete counts,
    keeping what was typed and highlighted."""
    count_rounds = AuditReader.facet_rounds
    released = _gate_after_the_first_round(monkeypatch)
    app = make_app(audit_store, SUPERVISOR.email)
    reader = audit_store.reader(SUPERVISOR.email)

    def lines() -> list[str]:
        choices = app.screen.query_one(SelectionList)
        return [str(choices.get_option_at_index(i).prompt) for i in range(choices.option_count)]

    async def scenario(pilot) -> None:  # type: ignore[no-untyped-def]
        query = app.screen.query_now
        first, *_, final = list(count_rounds(reader, query))
        assert not first.complete and final.complete and len(first.types) < len(final.types)

        await pilot.press("t")
        await _until(pilot, lambda: isinstance(app.screen, ChoicePicker))
        picker = app.screen
        progress = picker.query_one("#progress", Label)
        assert progress.display
        assert str(progress.render()) == "Still counting: the newest 1 of 7 days so far"
        assert lines() == [f"{f.value}  · {f.count}+" for f in first.types]
        await pilot.press("down", "down")  # into the list, then one line down
        highlighted = first.types[1].value
        assert picker.query_one(SelectionList).highlighted_option.value == highlighted

        released.set()
        await settle(pilot)
        assert app.screen is picker and not progress.display
        assert lines() == [f"{f.value}  · {f.count}" for f in final.types]
        choices = picker.query_one(SelectionList)
        assert choices.highlighted_option.value == highlighted
        await pilot.press("space")
        await pilot.click("#apply")
        await settle(pilot)
        assert app.screen.query_now.types == frozenset({highlighted})

    drive(app, scenario)


def test_a_picker_closed_while_counting_stays_closed(audit_store, monkeypatch) -> None:
    """Esc while the counts go on: the later rounds are dropped, no picker comes back, and
    the next key opens its own picker."""
    released = _gate_after_the_first_round(monkeypatch)
    app = make_app(audit_store, SUPERVISOR.email)

    async def scenario(pilot) -> None:  # type: ignore[no-untyped-def]
        screen = app.screen
        await pilot.press("t")
        await _until(pilot, lambda: isinstance(app.screen, ChoicePicker))
        await pilot.press("escape")
        released.set()
        await settle(pilot)
        assert app.screen is screen
        await pilot.press("p")
        await settle(pilot)
        assert isinstance(app.screen, ChoicePicker) and not app.screen.multiple
        assert not app.screen.query_one("#progress", Label).display
        assert screen.query_now.types == frozenset()

    drive(app, scenario)


def test_a_picker_whose_counting_fails_half_way_says_its_counts_are_partial(
    audit_store, monkeypatch
) -> None:
    from tui.domain.errors import StoreUnavailable

    original = AuditReader.facet_rounds

    def failing(self, query):  # type: ignore[no-untyped-def]
        yield next(original(self, query))
        raise StoreUnavailable("the database went away")

    monkeypatch.setattr(AuditReader, "facet_rounds", failing)
    app = make_app(audit_store, SUPERVISOR.email)

    async def scenario(pilot) -> None:  # type: ignore[no-untyped-def]
        await pilot.press("t")
        await settle(pilot)
        picker = app.screen
        assert isinstance(picker, ChoicePicker) and picker.facets  # the first round stays
        progress = picker.query_one("#progress", Label)
        assert str(progress.render()) == "Counting stopped: the values and counts shown are partial"
        assert any("database went away" in str(n.message) for n in app._notifications)

    drive(app, scenario)


def test_b_shows_everything_by_the_selected_performer_and_keeps_the_event(audit_store) -> None:
    app = make_app(audit_store)

    async def scenario(pilot) -> None:  # type: ignore[no-untyped-def]
        screen = app.screen
        await pilot.press("slash", *"integration deleted", "enter")
        await settle(pilot)
        await pilot.press("escape")
        target = screen.table.selected_id
        performer = cells(screen.table, "performer")[screen.table.cursor_row].removeprefix("† ")
        await pilot.press("b")
        await settle(pilot)
        assert screen.query_now.performer == performer and screen.query_now.text == ""
        assert screen.table.selected_id == target
        assert _column(screen.table, "performer") <= {performer, f"† {performer}"}
        assert screen.table.row_count > 1

    drive(app, scenario)


def test_who_deleted_an_integration_at_a_tenant_in_a_few_keys(audit_store) -> None:
    """The issue's acceptance question, typed: t, "integration del", Enter; s, "acme",
    Enter; Enter on the row; b for what the performer did before."""
    app = make_app(audit_store)

    async def scenario(pilot) -> None:  # type: ignore[no-untyped-def]
        screen = app.screen
        await pilot.press("t")
        await settle(pilot)
        await pilot.press(*"integration del", "enter")  # Enter takes the highlighted type
        await settle(pilot)
        assert screen.query_now.types == {"Integration Deleted"}
        await pilot.press("s")
        await settle(pilot)
        await pilot.press(*"acme", "enter")
        await settle(pilot)
        assert screen.query_now.scope == Scope.of_tenants({"t_acme"})
        assert "Scope: Acme Corp" in str(screen.query_one("#header").render())
        assert _column(screen.table, "type") == {"Integration Deleted"}
        assert _column(screen.table, "where") == {"Acme Corp"}
        deleted = screen.table.selected_id
        await pilot.press("enter")
        await pilot.pause()
        assert screen.pane.event.id == deleted
        await pilot.press("b")
        await settle(pilot)
        assert screen.table.selected_id == deleted
        assert screen.query_now.types == frozenset()
        assert screen.table.row_count > 1
        await pilot.press("down")  # the event before it, by the same performer, in the pane
        await pilot.pause()
        assert screen.pane.event.performer.mail == screen.query_now.performer

    drive(app, scenario)
