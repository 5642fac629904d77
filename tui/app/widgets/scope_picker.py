"""The scope dialog: All, Portal only, or a chosen set of tenants (type to filter).

It offers only what the reader may choose (``AuditReader.tenants()``): a supervisor sees the
portal and their own tenants, never anyone else's. Dismisses with the new ``Scope`` or None.
"""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.widgets import Button, Input, Label, SelectionList
from textual.widgets.selection_list import Selection

from tui.app.widgets.filterable_dialog import FilterableDialog
from tui.domain.access import Scope
from tui.domain.display import one_line
from tui.domain.event import TenantRef

HINT = "Space ticks · Enter applies (or takes the highlighted line)"
PORTAL = "\x00portal"  # a value no tenant id can take (ids are printable)


class ScopePicker(FilterableDialog[Scope | None]):
    """Space toggles a line, Enter in the filter box applies, Esc cancels.

    Enter with no shown line ticked takes the highlighted one: ``s``, type "harb", Enter.

    Typing anywhere in the dialog goes to the filter box, so with 30+ tenants the list
    narrows as you type.
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Cancel", id="scope.cancel"),
        # Priority: the filter box has the focus and would take ctrl+a as "home".
        Binding("ctrl+a", "choose_all", "All", id="scope.all", priority=True),
        Binding("ctrl+o", "portal_only", "Portal only", id="scope.portal", priority=True),
    ]

    def __init__(self, tenants: tuple[TenantRef, ...], current: Scope, restricted: bool) -> None:
        super().__init__()
        self.tenants = tenants
        self.restricted = restricted
        if current.tenants is None:
            self.chosen: set[str] = set()
        else:
            self.chosen = set(current.tenants) | ({PORTAL} if current.portal else set())

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog"):
            title = "Scope: which events by where they happened"
            if self.restricted:
                title += " (yours: the portal and your tenants)"
            yield Label(title, id="title")
            with Horizontal(classes="buttons"):
                yield Button("All", id="all", compact=True, variant="primary")
                yield Button("Portal only", id="portal", compact=True)
            yield Input(placeholder="Type to filter tenants", compact=True, id="filter")
            yield SelectionList[str](id="choices")
            yield Label(HINT, classes="hint")
            with Horizontal(classes="buttons"):
                yield Button("Apply chosen", id="apply", compact=True, variant="success")
                yield Button("Cancel", id="cancel", compact=True)

    def on_mount(self) -> None:
        self._fill("")
        self.query_one("#filter", Input).focus()

    def _fill(self, text: str) -> None:
        needle = text.strip().casefold()
        choices = self.query_one("#choices", SelectionList)
        choices.clear_options()
        options: list[Selection[str]] = []
        if not needle or needle in "portal":
            options.append(
                Selection(Text("Portal (the MSP portal itself)"), PORTAL, PORTAL in self.chosen)
            )
        for tenant in self.tenants:
            if needle and needle not in f"{tenant.name} {tenant.id}".casefold():
                continue
            label = Text(f"{one_line(tenant.name, 40)}  ")
            label.append(one_line(tenant.id, 30), style="dim")
            options.append(Selection(label, tenant.id, tenant.id in self.chosen))
        choices.add_options(options)
        if options:
            choices.highlighted = 0

    @on(Input.Submitted, "#filter")
    def _submit(self) -> None:
        """Enter in the filter box: take the highlighted line unless one shown is ticked."""
        choices = self.query_one("#choices", SelectionList)
        shown = [choices.get_option_at_index(i) for i in range(choices.option_count)]
        index = choices.highlighted
        if index is not None and not any(s.value in self.chosen for s in shown):
            self.chosen.add(shown[index].value)
        self._apply()

    @on(SelectionList.SelectionToggled)
    def _toggled(self, event: SelectionList.SelectionToggled[str]) -> None:
        value = event.selection.value
        self.chosen.symmetric_difference_update({value})

    @on(Button.Pressed)
    def _pressed(self, event: Button.Pressed) -> None:
        actions = {
            "all": self.action_choose_all,
            "portal": self.action_portal_only,
            "apply": self._apply,
            "cancel": self.action_cancel,
        }
        actions[str(event.button.id)]()

    def _apply(self) -> None:
        if not self.chosen:
            self.notify("Tick the portal or at least one tenant, or choose All.", markup=False)
            return
        tenants = frozenset(self.chosen - {PORTAL})
        self.dismiss(Scope.of_tenants(tenants, portal=PORTAL in self.chosen))

    def action_choose_all(self) -> None:
        self.dismiss(Scope.all())

    def action_portal_only(self) -> None:
        self.dismiss(Scope.portal_only())

    def action_cancel(self) -> None:
        self.dismiss(None)
