"""The screen's pickers: scope, date range and the area/type/performer filters.

Scope and filter choices come from the database (the reader's tenants, the facets of the
current scope and range), so each picker opens after a worker has fetched its options. A
filter picker over a narrower scope than every tenant opens on the first round of counts
(the newest day) and fills in as the worker counts further back, instead of waiting.
"""

from __future__ import annotations

from contextlib import closing
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from textual import work
from textual.worker import get_current_worker

from tui.app.messages import ActionFailed, FacetsLoaded, TenantsLoaded
from tui.app.screens.screen_parts import ScreenParts
from tui.domain.access import Role, Scope
from tui.domain.catalog import Area, event_type, find_area
from tui.domain.errors import AuditLogError
from tui.domain.query import EventQuery, Facet, Facets
from tui.domain.timerange import RangePreset, TimeRange, retention_cutoff

if TYPE_CHECKING:
    from tui.app.widgets.choice_picker import ChoicePicker


class PickerActions(ScreenParts):
    """Mixed into ``AuditLogScreen``: the s, d, a, t and p keys."""

    def action_range(self) -> None:
        from tui.app.widgets.range_picker import RangePicker

        def chosen(span: TimeRange | None) -> None:
            if span is not None:
                self.run_query(self.query_now.with_changes(time_range=span))

        self.app.push_screen(
            RangePicker(self.query_now.time_range, self.viewer.clock, self.viewer.zone), chosen
        )

    def set_preset(self, preset: RangePreset) -> None:
        """Switch straight to a preset range (used by the command palette)."""
        self.run_query(
            self.query_now.with_changes(time_range=TimeRange.last(preset, self.viewer.clock()))
        )

    def action_scope(self) -> None:
        if self._needs_reader():
            self._load_tenants()

    @work(thread=True, exclusive=True, group="picker")
    def _load_tenants(self) -> None:
        assert self.reader is not None
        try:
            self.post_message(TenantsLoaded(self.reader.tenants()))
        except AuditLogError as error:
            self.post_message(ActionFailed("the tenants", error))

    def on_tenants_loaded(self, message: TenantsLoaded) -> None:
        from tui.app.widgets.scope_picker import ScopePicker

        self.tenant_names.update((t.id, t.name) for t in message.tenants)
        assert self.reader is not None

        def chosen(scope: Scope | None) -> None:
            if scope is not None:
                self.run_query(self.query_now.with_changes(scope=scope))

        restricted = self.reader.principal.role != Role.ADMIN
        self.app.push_screen(ScopePicker(message.tenants, self.query_now.scope, restricted), chosen)

    #: Which press of a, t or p the open (or opening) filter picker belongs to.
    _facet_load: int = 0
    #: The filter picker that later rounds of counts go to, while counting goes on.
    _counting_picker: ChoicePicker | None = None

    def action_filter(self, kind: str) -> None:
        if self._needs_reader():
            self._facet_load += 1
            self._counting_picker = None
            self._load_facets(kind, self.query_now, self._facet_load)

    @work(thread=True, exclusive=True, group="picker")
    def _load_facets(self, kind: str, query: EventQuery, load: int) -> None:
        assert self.reader is not None
        worker = get_current_worker()
        try:
            with closing(self.reader.facet_rounds(query)) as rounds:
                for facets in rounds:
                    if worker.is_cancelled:
                        return
                    self.post_message(FacetsLoaded(kind, facets, load))
        except AuditLogError as error:
            self.post_message(ActionFailed("the filter choices", error))

    def on_facets_loaded(self, message: FacetsLoaded) -> None:
        from tui.app.widgets.choice_picker import ChoicePicker

        if message.load != self._facet_load:
            return  # a round for a picker already closed
        query = self.query_now
        kind = message.kind
        progress = _progress(message.facets, query.time_range, self.viewer.clock())
        if kind == "area":
            facets, chosen = _area_facets(message.facets), frozenset(a.value for a in query.areas)
            title, multiple = "Filter by area", True
        elif kind == "type":
            facets, chosen, title, multiple = (
                message.facets.types,
                query.types,
                "Filter by event type",
                True,
            )
        else:
            facets = message.facets.performers
            chosen = frozenset({query.performer}) if query.performer else frozenset()
            title, multiple = "Filter by performer (who acted)", False
        if self._counting_picker is not None:
            self._counting_picker.show(facets, progress)
            if message.facets.complete:
                self._counting_picker = None
            return
        title += f" — {query.time_range.label.lower()}"

        def picked(values: frozenset[str] | None) -> None:
            self._facet_load += 1
            self._counting_picker = None
            self.workers.cancel_group(self, "picker")
            if values is None:
                return
            if kind == "area":
                areas = frozenset(area for v in values if (area := find_area(v)) is not None)
                self.run_query(self.query_now.with_changes(areas=areas))
            elif kind == "type":
                self.run_query(self.query_now.with_changes(types=values))
            else:
                self.run_query(self.query_now.with_changes(performer=next(iter(values), None)))

        picker = ChoicePicker(title, facets, chosen, multiple=multiple, progress=progress)
        if not message.facets.complete:
            self._counting_picker = picker
        self.app.push_screen(picker, picked)

    def on_action_failed(self, message: ActionFailed) -> None:
        if self._counting_picker is not None:
            self._counting_picker.show_stopped()
            self._counting_picker = None
        self.notify(
            f"Could not load {message.what}: {message.error}", severity="error", markup=False
        )


def _area_facets(facets: Facets) -> tuple[Facet, ...]:
    """Areas with how many events each, summed from the event-type counts (at least that
    many where a type's count was capped)."""
    totals: dict[Area, int] = {}
    capped: set[Area] = set()
    for facet in facets.types:
        kind = event_type(facet.value)
        if kind is not None:
            totals[kind.area] = totals.get(kind.area, 0) + facet.count
            if facet.capped:
                capped.add(kind.area)
    return tuple(
        Facet(area.value, area.value, totals[area], capped=area in capped)
        for area in Area
        if area in totals
    )


def _progress(facets: Facets, span: TimeRange, now: datetime) -> str | None:
    """What a picker says while its counts are still going back in time (else None)."""
    if facets.counted_from is None:
        return None
    day = timedelta(days=1)
    total = span.end - max(span.start, retention_cutoff(now))
    counted = span.end - facets.counted_from
    days = max(1, round(counted / day)), max(1, round(total / day))
    return "Still counting: the newest {} of {} days so far".format(*days)
