"""Command palette entries: every key's action by name, plus direct range and theme picks.

They are derived from the screen's bindings, so the palette, the footer and the `?` list
never disagree.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from functools import partial

from textual.binding import Binding
from textual.command import DiscoveryHit, Hit, Hits, Provider

from tui.domain.timerange import RangePreset


class AuditLogCommands(Provider):
    """ "Audit log: …" commands for the screen the palette was opened from."""

    def _commands(self) -> Iterator[tuple[str, str, Callable[[], object]]]:
        from tui.app.screens.audit_log import AuditLogScreen

        screen = self.screen
        if not isinstance(screen, AuditLogScreen):
            return
        for binding in screen.BINDINGS:
            assert isinstance(binding, Binding)
            if binding.action in ("close",):
                continue
            key = self.app.get_key_display(binding)
            yield (
                f"Audit log: {binding.tooltip}",
                f"{binding.description} ({key})",
                partial(screen.run_action, binding.action),
            )
        for preset in RangePreset:
            yield (
                f"Range: {preset.label}",
                "Show this date range",
                partial(screen.set_preset, preset),
            )
        app = self.app
        yield "Theme: light", "Light colours", partial(setattr, app, "theme", "textual-light")
        yield "Theme: dark", "Dark colours", partial(setattr, app, "theme", "textual-dark")

    async def discover(self) -> Hits:
        for name, help_text, callback in self._commands():
            yield DiscoveryHit(name, callback, help=help_text)

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for name, help_text, callback in self._commands():
            score = matcher.match(name)
            if score > 0:
                yield Hit(score, matcher.highlight(name), callback, help=help_text)
