"""The footer at start: every key once, Enter among them once rows are shown, and a change
of keys rebuilds it once (a rebuild is paid on the way to the first rows)."""

from __future__ import annotations

from textual.widgets._footer import FooterKey

from tests.app.conftest import drive, make_app, settle
from tui.app.widgets.key_footer import KeyFooter


def _keys(app) -> list[FooterKey]:  # type: ignore[no-untyped-def]
    return list(app.screen.query_one(KeyFooter).query_children(FooterKey))


def test_the_footer_shows_each_key_once_with_enter_once_rows_are_in(audit_store) -> None:
    app = make_app(audit_store)

    async def scenario(pilot) -> None:  # type: ignore[no-untyped-def]
        labels = [key.description for key in _keys(app)]
        assert labels[0] == "Details"
        assert "Search" in labels and "Quit" in labels
        assert len(labels) == len(set(labels))

    drive(app, scenario)


def test_keys_signalled_twice_before_the_rebuild_are_built_once(audit_store, monkeypatch) -> None:
    app = make_app(audit_store)
    built: list[int] = []
    compose = KeyFooter.compose

    def counting(footer: KeyFooter):  # type: ignore[no-untyped-def]
        built.append(1)
        yield from compose(footer)

    async def scenario(pilot) -> None:  # type: ignore[no-untyped-def]
        screen = app.screen
        monkeypatch.setattr(KeyFooter, "compose", counting)
        # The pane open offers Esc; two signals of that one change come before the rebuild.
        screen.pane.add_class("-open")
        footer = screen.query_one(KeyFooter)
        footer.call_later(footer.bindings_changed, screen)
        footer.call_later(footer.bindings_changed, screen)
        await settle(pilot)
        await pilot.pause()
        assert "Close" in [key.description for key in _keys(app)]
        assert len(built) == 1

    drive(app, scenario)
