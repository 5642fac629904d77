"""The date range dialog: five presets, or a custom from/to in the viewer's time zone.

A custom range is checked by the domain (``TimeRange.custom``): one reaching past the 180
days of retention, or ending before it starts, is refused right here with the reason, and
the dialog stays open so the previous range remains in force. Dismisses with the new
``TimeRange`` or None.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta, tzinfo
from typing import ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.widgets import Button, Input, Label, OptionList, Static
from textual.widgets.option_list import Option

from tui.app.widgets.dialog import Dialog
from tui.domain.display import inert
from tui.domain.errors import RangeRefused
from tui.domain.timerange import RangePreset, TimeRange, parse_moment

HINT = "2026-11-18 or 2026-11-18 14:30"


class RangePicker(Dialog[TimeRange | None]):
    """Enter on a preset picks it; Enter in the "to" box applies the custom range."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Cancel", id="range.cancel")
    ]

    def __init__(self, current: TimeRange, clock: Callable[[], datetime], zone: tzinfo) -> None:
        super().__init__()
        self.current = current
        self.clock = clock
        self.zone = zone

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog"):
            yield Label("Date range (events are kept 180 days)", id="title")
            yield OptionList(
                *(Option(Text(preset.label), id=preset.code) for preset in RangePreset),
                id="presets",
            )
            yield Label(f"Or a custom range in {self._zone_name()}, e.g. {HINT}:")
            with Horizontal(id="custom"):
                yield Label("From", classes="field")
                yield Input(
                    self._initial(self.current.start), placeholder=HINT, compact=True, id="from"
                )
                yield Label("To", classes="field")
                yield Input(
                    self._initial(self.current.end, end=True),
                    placeholder=HINT,
                    compact=True,
                    id="to",
                )
            yield Static(id="refusal")
            with Horizontal(classes="buttons"):
                yield Button("Apply custom", id="apply", compact=True, variant="success")
                yield Button("Cancel", id="cancel", compact=True)

    def on_mount(self) -> None:
        presets = self.query_one("#presets", OptionList)
        if self.current.preset is not None:
            presets.highlighted = list(RangePreset).index(self.current.preset)
        presets.focus()

    def _zone_name(self) -> str:
        return self.clock().astimezone(self.zone).tzname() or "local time"

    def _initial(self, moment: datetime, end: bool = False) -> str:
        """Today-relative ranges are shown as dates: the custom fields start from them."""
        local = moment.astimezone(self.zone)
        if end:
            local -= timedelta(milliseconds=1)
        return local.strftime("%Y-%m-%d %H:%M")

    @on(OptionList.OptionSelected, "#presets")
    def _preset(self, event: OptionList.OptionSelected) -> None:
        preset = RangePreset.from_code(str(event.option.id))
        self.dismiss(TimeRange.last(preset, self.clock()))

    @on(Input.Submitted)
    def _submitted(self, event: Input.Submitted) -> None:
        if event.input.id == "from":
            self.query_one("#to", Input).focus()
        else:
            self._apply()

    @on(Button.Pressed, "#apply")
    def _apply(self) -> None:
        start_text = self.query_one("#from", Input).value
        end_text = self.query_one("#to", Input).value
        try:
            start = parse_moment(start_text, self.zone)
            end = parse_moment(end_text, self.zone, end_of_day=True)
            chosen = TimeRange.custom(start, end, self.clock())
        except RangeRefused as refusal:
            self.query_one("#refusal", Static).update(
                Text(f"Refused: {inert(str(refusal), 300)}", style="bold")
            )
            self.add_class("-refused")
            return
        self.dismiss(chosen)

    @on(Button.Pressed, "#cancel")
    def action_cancel(self) -> None:
        self.dismiss(None)
