"""The filter dialog for area, event type or performer, offered from what the data holds.

Each choice shows how many events in the current scope and range carry it. Area and type
allow several choices (a SelectionList); performer allows one (an OptionList: Enter picks).
Typing filters the list. Dismisses with the chosen values (empty = no filter) or None.

While the counts are still being made (a narrower scope than every tenant, counted newest
first), a line says how far back they go, and ``show`` refills the list as they grow,
keeping what is typed, ticked and highlighted.
"""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.widgets import Button, Input, Label, OptionList, SelectionList
from textual.widgets.option_list import Option
from textual.widgets.selection_list import Selection

from tui.app.widgets.filterable_dialog import FilterableDialog
from tui.domain.display import one_line
from tui.domain.query import Facet

HINT_MANY = "Space ticks · Enter applies (or takes the highlighted line)"
HINT_ONE = "Enter picks the highlighted line"
NOTHING_TO_CHOOSE = "Nothing to choose: no events in this scope and range."
NOTHING_YET = "No events in the newest days counted so far."


class ChoicePicker(FilterableDialog[frozenset[str] | None]):
    """Space toggles (multiple) or Enter picks (single); Esc cancels."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Cancel", id="choice.cancel")
    ]

    def __init__(
        self,
        title: str,
        facets: tuple[Facet, ...],
        chosen: frozenset[str],
        *,
        multiple: bool,
        progress: str | None = None,
    ) -> None:
        super().__init__()
        self.title_text = title
        self.facets = facets
        self.chosen = set(chosen)
        self.multiple = multiple
        self.progress = progress

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog"):
            yield Label(self.title_text, id="title")
            yield Input(placeholder="Type to filter", compact=True, id="filter")
            if self.multiple:
                yield SelectionList[str](id="choices")
            else:
                yield OptionList(id="choices")
            yield Label(HINT_MANY if self.multiple else HINT_ONE, classes="hint")
            yield Label("", id="progress", classes="hint")
            yield Label("", id="empty")
            with Horizontal(classes="buttons"):
                if self.multiple:
                    yield Button("Apply", id="apply", compact=True, variant="success")
                yield Button("Any (no filter)", id="any", compact=True)
                yield Button("Cancel", id="cancel", compact=True)

    def on_mount(self) -> None:
        self._fill("")
        self.query_one("#filter", Input).focus()

    def show(self, facets: tuple[Facet, ...], progress: str | None) -> None:
        """Offer ``facets`` instead (a later round of counts); ``progress`` None: the last."""
        self.facets, self.progress = facets, progress
        if self.is_mounted and self.is_attached:  # else mounting fills the list
            self._fill(self.query_one("#filter", Input).value, keep=True)

    def show_stopped(self) -> None:
        """Counting failed half-way: say that the counts shown are partial."""
        self.show(self.facets, "Counting stopped: the values and counts shown are partial")

    def _label(self, facet: Facet) -> Text:
        label = Text(one_line(facet.label, 50))
        label.append(f"  · {facet.shown_count}", style="dim")
        return label

    def _fill(self, text: str, *, keep: bool = False) -> None:
        """The lines matching ``text``; ``keep``: the highlighted value stays highlighted."""
        needle = text.strip().casefold()
        shown = [f for f in self.facets if not needle or needle in f.label.casefold()]
        progress = self.query_one("#progress", Label)
        progress.update(self.progress or "")
        progress.display = self.progress is not None
        empty = self.query_one("#empty", Label)
        empty.display = not self.facets
        if not self.facets:
            empty.update(NOTHING_YET if self.progress else NOTHING_TO_CHOOSE)
        choices = self.query_one("#choices", SelectionList if self.multiple else OptionList)
        index = choices.highlighted
        was = None if index is None or not keep else _value(choices.get_option_at_index(index))
        choices.clear_options()
        if self.multiple:
            choices.add_options(
                [Selection(self._label(f), f.value, f.value in self.chosen) for f in shown]
            )
        else:
            choices.add_options([Option(self._label(f), id=f.value) for f in shown])
        if shown:
            values = [f.value for f in shown]
            choices.highlighted = values.index(was) if was in values else 0

    @on(Input.Submitted, "#filter")
    def _submitted(self) -> None:
        """Enter in the filter box: take the highlighted line unless one shown is ticked."""
        if self.multiple:
            selections = self.query_one("#choices", SelectionList)
            shown = [selections.get_option_at_index(i) for i in range(selections.option_count)]
            index = selections.highlighted
            if index is not None and not any(s.value in self.chosen for s in shown):
                self.chosen.add(shown[index].value)
            self._apply()
            return
        options = self.query_one("#choices", OptionList)
        if options.highlighted is not None:
            picked = options.get_option_at_index(options.highlighted)
            self.dismiss(frozenset({str(picked.id)}))

    @on(SelectionList.SelectionToggled)
    def _toggled(self, event: SelectionList.SelectionToggled[str]) -> None:
        self.chosen.symmetric_difference_update({event.selection.value})

    @on(OptionList.OptionSelected)
    def _picked(self, event: OptionList.OptionSelected) -> None:
        if not self.multiple:
            self.dismiss(frozenset({str(event.option.id)}))

    @on(Button.Pressed)
    def _pressed(self, event: Button.Pressed) -> None:
        if event.button.id == "apply":
            self._apply()
        elif event.button.id == "any":
            self.dismiss(frozenset())
        else:
            self.action_cancel()

    def _apply(self) -> None:
        self.dismiss(frozenset(self.chosen))

    def action_cancel(self) -> None:
        self.dismiss(None)


def _value(option: Option) -> str:
    """The value a line stands for (a Selection's value, an Option's id)."""
    return str(option.value if isinstance(option, Selection) else option.id)
