"""Both backends open, migrate and store an event."""

from tests.conftest import ADMIN, make_event


def test_append_then_read_back(store) -> None:
    store.add_account(ADMIN)
    assert store.append([make_event(1), make_event(2)]).added == 2
    reader = store.reader(ADMIN.email)
    assert reader.get("evt_000001") == make_event(1)
