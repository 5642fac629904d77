"""What the copy action says when the system clipboard is missing."""

from __future__ import annotations

import pyperclip

from tui.app.clipboard import copy_text


class _Terminal:
    def __init__(self) -> None:
        self.sent: list[str] = []

    def copy_to_clipboard(self, text: str) -> None:
        self.sent.append(text)


def _failing(monkeypatch, message: str) -> None:  # type: ignore[no-untyped-def]
    def copy(text: str) -> None:
        raise pyperclip.PyperclipException(message)

    monkeypatch.setattr(pyperclip, "copy", copy)


def test_pyperclips_reason_is_its_first_sentence_without_the_web_address(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    # pyperclip 1.11's own words on a machine with neither a display nor xclip
    _failing(
        monkeypatch,
        "Pyperclip could not find a copy/paste mechanism for your system. For more information, "
        "please visit https://pyperclip.readthedocs.io/en/latest/index.html#not-implemented-error"
        "\nOn Linux, you can run `sudo apt-get install xclip` to install a copy/paste mechanism.",
    )
    terminal = _Terminal()
    worked, message = copy_text("{}", terminal)
    assert not worked and terminal.sent == ["{}"]
    assert message.startswith(
        "No system clipboard here (Pyperclip could not find a copy/paste mechanism for your "
        "system); sent the event JSON to your terminal's clipboard (OSC 52)"
    )
    assert "http" not in message and "For more" not in message


def test_a_long_reason_is_cut_at_a_word_with_an_ellipsis(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    _failing(monkeypatch, "word " * 40)
    _, message = copy_text("{}", _Terminal())
    reason = message.split("(", 1)[1].split(")", 1)[0]
    assert reason.endswith("word…") and len(reason) <= 81


def test_an_error_without_text_is_named_by_its_type(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    _failing(monkeypatch, "")
    _, message = copy_text("{}", _Terminal())
    assert "(PyperclipException)" in message
