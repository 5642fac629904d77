"""A bounded window over the result: how the table pages without holding the whole log.

Design (stack notes, trap 4: a DataTable keeps every row it is given): the table shows at
most ``capacity`` consecutive pages of ``PAGE_SIZE`` events. When the cursor nears the bottom
the next page is fetched with keyset paging (``after`` = the previous page's last event) and,
if the window is full, the page at the top is dropped; scrolling back up re-fetches dropped
pages from the cursors remembered for them. One more page may be held aside, read ahead
below the last one shown (``keep_ahead``), so that the cursor moving on finds it there
without waiting for the database (``take_ahead``). Rows in memory are bounded by
``(capacity + 1) * PAGE_SIZE``; what grows with depth is one small ``Cursor`` per page
visited (10,000 cursors for a million events), which is the price of exact page numbers.

Keyset pages never shift when events arrive, so a page re-fetched from its cursor holds the
same events it held before (unless some expired past retention meanwhile).
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterator

from tui.domain.event import AuditEvent, to_epoch_ms
from tui.domain.query import PAGE_SIZE, Cursor, Page

#: Pages kept in the table at once (300 rows).
WINDOW_PAGES = 3


class PageWindow:
    """Consecutive pages ``first .. last`` of one query, plus the cursors to re-fetch any page."""

    def __init__(self, capacity: int = WINDOW_PAGES) -> None:
        if capacity < 2:
            raise ValueError("a window holds at least two pages")
        self.capacity = capacity
        #: ``starts[k]`` is the ``after`` cursor that fetches page k (None for the first page).
        self._starts: list[Cursor | None] = [None]
        self._pages: deque[Page] = deque()
        self._first = 0
        #: A page read ahead, not shown yet: (its index, the page). It counts only while it is
        #: the page below the last one held (``holds_ahead``, ``take_ahead``).
        self._ahead: tuple[int, Page] | None = None

    # -- what is held ----------------------------------------------------------------

    @property
    def first(self) -> int:
        """Index (0-based) of the first page held."""
        return self._first

    @property
    def last(self) -> int:
        """Index of the last page held (``first - 1`` when empty)."""
        return self._first + len(self._pages) - 1

    @property
    def is_empty(self) -> bool:
        return not any(page.events for page in self._pages)

    @property
    def at_end(self) -> bool:
        """True when the last page held is the last page of the result."""
        return bool(self._pages) and self._pages[-1].next_cursor is None

    @property
    def pages_held(self) -> int:
        return len(self._pages)

    @property
    def first_page_rows(self) -> int:
        """Rows of the first page held (0 when empty)."""
        return len(self._pages[0].events) if self._pages else 0

    @property
    def last_page_rows(self) -> int:
        """Rows of the last page held (0 when empty)."""
        return len(self._pages[-1].events) if self._pages else 0

    def __len__(self) -> int:
        return sum(len(page.events) for page in self._pages)

    def events(self) -> Iterator[AuditEvent]:
        for page in self._pages:
            yield from page.events

    def event_at(self, row: int) -> AuditEvent | None:
        for page in self._pages:
            if row < len(page.events):
                return page.events[row] if row >= 0 else None
            row -= len(page.events)
        return None

    def row_of(self, event_id: str) -> int | None:
        for row, audit_event in enumerate(self.events()):
            if audit_event.id == event_id:
                return row
        return None

    def page_of_row(self, row: int) -> int:
        """The 0-based page index that the table row ``row`` belongs to."""
        index = self._first
        for page in self._pages:
            if row < len(page.events):
                return index
            row -= len(page.events)
            index += 1
        return max(self.last, 0)

    def erased_performers(self) -> frozenset[str]:
        return frozenset().union(*(page.erased_performers for page in self._pages))

    def newest_cursor(self) -> Cursor | None:
        """The (time, id) of the newest event, when the window holds the first page."""
        if self._first != 0 or not self._pages or not self._pages[0].events:
            return None
        newest = self._pages[0].events[0]
        return Cursor(to_epoch_ms(newest.occurred_at), newest.id)

    # -- what to fetch next ----------------------------------------------------------

    def below(self) -> tuple[int, Cursor | None] | None:
        """The page to fetch when scrolling down, or None at the end of the result."""
        if not self._pages:
            return (0, None)
        if self.at_end:
            return None
        index = self.last + 1
        return index, self._starts[index]

    def above(self) -> tuple[int, Cursor | None] | None:
        """The page to re-fetch when scrolling up, or None at the top."""
        if self._first == 0:
            return None
        index = self._first - 1
        return index, self._starts[index]

    @property
    def holds_ahead(self) -> bool:
        """Whether the page below the last one held was read ahead and waits aside."""
        return self._ahead is not None and self._ahead[0] == self.last + 1

    # -- changing it -------------------------------------------------------------------

    def keep_ahead(self, index: int, page: Page) -> None:
        """Hold page ``index``, read ahead, aside until ``take_ahead``; only the page below
        the last one held is kept."""
        if self._pages and index == self.last + 1:
            self._ahead = (index, page)

    def take_ahead(self) -> tuple[int, Page] | None:
        """The page read ahead (to ``place``), if it is still the one below the last held."""
        ahead, self._ahead = self._ahead, None
        if ahead is not None and ahead[0] == self.last + 1:
            return ahead
        return None

    def place(self, index: int, page: Page) -> int:
        """Add page ``index`` next to the pages held; return how far rows moved.

        The result is added to old row numbers to find the same event afterwards: negative
        when a page was dropped at the top, positive when one was added there.
        """
        if not self._pages and index == self._first:
            self._pages.append(page)
            self._remember(index, page)
            return 0
        if index == self.last + 1:
            self._pages.append(page)
            self._remember(index, page)
            if len(self._pages) > self.capacity:
                dropped = self._pages.popleft()
                self._first += 1
                return -len(dropped.events)
            return 0
        if index == self._first - 1:
            self._pages.appendleft(page)
            self._first -= 1
            self._remember(index, page)
            if len(self._pages) > self.capacity:
                self._pages.pop()
            return len(page.events)
        raise ValueError(f"page {index} is not next to pages {self._first}..{self.last}")

    def _remember(self, index: int, page: Page) -> None:
        if page.next_cursor is None:
            del self._starts[index + 1 :]
        elif index + 1 < len(self._starts):
            self._starts[index + 1] = page.next_cursor
        else:
            self._starts.append(page.next_cursor)

    def starts_known(self) -> int:
        """How many page cursors are remembered (for tests of the memory bound)."""
        return len(self._starts)


__all__ = ["PAGE_SIZE", "WINDOW_PAGES", "PageWindow"]
