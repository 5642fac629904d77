"""``AuditEvent.from_stored``: a stored body read back without validation is the same event.

The read side decodes every body it shows or exports; ``from_stored`` skips the checks the
body already passed on the way in. These tests hold it to ``parse_event``: over the demo
data and the whole adversarial corpus, both give the same event and the same bytes, and a
damaged body is still refused with the field named.
"""

from __future__ import annotations

import dataclasses
import json
from typing import Any

import orjson
import pytest

from tests.adversarial.corpus import (
    EDGE_DETAILS,
    base_event,
    big_summary,
    everywhere_events,
    field_events,
    kitchen_sink,
    mail_events,
    nested,
)
from tests.conftest import FIXED_NOW, raw_event
from tui.demo.generator import build_demo
from tui.domain.errors import EventRejected
from tui.domain.event import AuditEvent
from tui.domain.formats import decode_json, encode_event
from tui.domain.validation import parse_event


def _stored(raw: dict[str, Any]) -> dict[str, Any]:
    """What the read side gets back for ``raw``: its canonical body, decoded again."""
    return decode_json(encode_event(parse_event(raw)))


def _assert_same(document: dict[str, Any]) -> None:
    trusted = AuditEvent.from_stored(document)
    checked = parse_event(document)
    assert trusted == checked
    assert encode_event(trusted) == encode_event(checked)
    assert trusted.search_text() == checked.search_text()
    assert trusted.occurred_at.tzinfo is checked.occurred_at.tzinfo


def _corpus() -> list[dict[str, Any]]:
    raws = field_events("f") + everywhere_events("e") + mail_events("m")
    raws.append(kitchen_sink("k", 0))
    for n, (name, details) in enumerate(EDGE_DETAILS.items()):
        raws.append(base_event(f"edge_{name}", n) | {"details": details})
    raws.append(base_event("deep", 0) | {"details": {"n": nested(127)}})
    raws.append(base_event("portal", 0, tenant=None))
    return raws


def test_every_demo_event_reads_back_as_parse_event_reads_it() -> None:
    for audit_event in build_demo(FIXED_NOW, events=3_000, seed=11).iter_events():
        document = decode_json(encode_event(audit_event))
        _assert_same(document)
        assert AuditEvent.from_stored(document) == audit_event


def test_every_hostile_event_reads_back_exactly() -> None:
    corpus = _corpus()
    assert len(corpus) > 700
    for raw in corpus:
        _assert_same(_stored(raw))


def test_a_valid_body_is_not_validated_again(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(raw: Any, **_: Any) -> AuditEvent:
        raise AssertionError("parse_event called for a canonical body")

    document = _stored(raw_event(1, details={"n": nested(20)}))
    monkeypatch.setattr("tui.domain.validation.parse_event", refuse)
    assert AuditEvent.from_stored(document).details == {"n": nested(20)}


def test_big_integers_and_a_big_summary_survive() -> None:
    raw = base_event("big", 0) | {
        "summary": big_summary(),
        "details": {"big": 2**64, "huge": -(2**1000), "nul": "\x00", "f": -0.0},
    }
    document = _stored(raw)
    _assert_same(document)
    event = AuditEvent.from_stored(document)
    assert event.details["big"] == 2**64 and event.details["huge"] == -(2**1000)
    assert event.summary == raw["summary"]


def test_a_timestamp_not_in_canonical_form_is_read_as_parse_event_reads_it() -> None:
    document = _stored(raw_event(1)) | {"timestamp": "2026-11-25T13:30:00.123456+02:00"}
    _assert_same(document)
    assert AuditEvent.from_stored(document).to_dict()["timestamp"] == "2026-11-25T11:30:00.123Z"


def test_a_seal_beside_the_event_is_ignored() -> None:
    document = _stored(raw_event(1))
    sealed = document | {"_seal": {"chain": "c1", "hash": "ab" * 32}}
    assert AuditEvent.from_stored(sealed) == AuditEvent.from_stored(document)


@pytest.mark.parametrize(
    ("damage", "field"),
    [
        ({"type": "Coffee Brewed"}, "type"),
        ({"timestamp": "yesterday"}, "timestamp"),
        ({"timestamp": "2026-11-25T09:30:00"}, "timestamp"),
        ({"performer": "Ada"}, "performer"),
        ({"context": {"tenant": None}}, "context.source_ip"),
    ],
)
def test_a_damaged_body_is_refused_with_the_field_named(damage: dict[str, Any], field: str) -> None:
    with pytest.raises(EventRejected) as caught:
        AuditEvent.from_stored(_stored(raw_event(1)) | damage)
    assert caught.value.field == field


def test_a_body_missing_a_member_is_refused() -> None:
    document = _stored(raw_event(1))
    del document["target"]
    with pytest.raises(EventRejected) as caught:
        AuditEvent.from_stored(document)
    assert caught.value.field == "target"


def test_the_canonical_json_is_the_dict_written_compactly_and_computed_once() -> None:
    event = parse_event(raw_event(1, details={"big": 2**70, "nul": "\x00", "f": 0.1}))
    text = event.canonical_json()
    assert json.loads(text) == event.to_dict()
    assert text == json.dumps(event.to_dict(), ensure_ascii=False, separators=(",", ":"))
    assert event.canonical_json() is text
    plain = parse_event(raw_event(2))
    assert plain.canonical_json() == orjson.dumps(plain.to_dict()).decode()
    assert plain.search_text() is plain.search_text()


def test_an_event_built_without_validation_gets_no_json_of_what_json_cannot_hold() -> None:
    good = parse_event(raw_event(1))
    careless = dataclasses.replace(good, details={"x": b"\x1b"})
    with pytest.raises(EventRejected) as caught:
        careless.canonical_json()
    assert caught.value.field == "details.x"
