"""The top line: who is reading, which database, and the active scope and range."""

from __future__ import annotations

from collections.abc import Mapping

from rich.text import Text
from textual.widgets import Static

from tui.domain.access import Principal, Role, Scope
from tui.domain.display import one_line
from tui.domain.timerange import TimeRange


def scope_label(scope: Scope, names: Mapping[str, str]) -> str:
    """Like ``Scope.label`` but with tenant names where known: "Portal, Acme Corp +2 more"."""
    if scope.tenants is None or not scope.tenants:
        return scope.label()
    parts = (["Portal"] if scope.portal else []) + sorted(names.get(t, t) for t in scope.tenants)
    if len(parts) > 2:
        return f"{parts[0]}, {parts[1]} +{len(parts) - 2} more"
    return ", ".join(parts)


class HeaderLine(Static):
    """``ada@example.com (Admin) │ sqlite:/…/demo.sqlite3 │ Scope: All │ Last 7 days``."""

    DEFAULT_CSS = """
    HeaderLine {
        height: 1;
        background: $panel;
        color: $text;
        text-wrap: nowrap;
        text-overflow: ellipsis;
        padding: 0 1;
    }
    """

    _shown: Text | None = None

    def show(
        self,
        principal: Principal | None,
        email: str,
        database: str,
        scope: Scope,
        span: TimeRange,
        tenant_names: Mapping[str, str] | None = None,
    ) -> None:
        """``tenant_names`` (id → name, as far as known) names the chosen tenants."""
        who = Text(one_line(email, 60), style="bold")
        if principal is not None and principal.role:
            who.append(f" ({one_line(principal.role, 20)})", style="")
        where = scope_label(scope, tenant_names or {})
        if scope.is_all and principal is not None and principal.role == Role.SUPERVISOR:
            count = len(principal.tenants)
            where = f"Yours (portal + {count} tenant{'s' * (count != 1)})"
        line = Text.assemble(
            who,
            " │ Scope: ",
            (one_line(where, 50), "bold"),
            " │ ",
            (span.label, "bold"),
            " │ ",
            (one_line(database, 120), "dim"),
        )
        if line != self._shown:
            self._shown = line
            self.update(line, layout=False)  # one line, whatever it says: no layout needed
