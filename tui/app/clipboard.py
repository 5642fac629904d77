"""Copying text: the system clipboard when there is one, and the terminal's (OSC 52) always.

Over SSH there is no system clipboard, and pyperclip raises; OSC 52 asks the terminal to put
the text on the operator's own machine's clipboard. We cannot know whether the terminal
obeyed (tmux needs ``set -g set-clipboard on``), so the message says exactly what was tried.
"""

from __future__ import annotations

from typing import Protocol


class TerminalClipboard(Protocol):
    def copy_to_clipboard(self, text: str) -> None: ...


def copy_text(text: str, terminal: TerminalClipboard, what: str = "event JSON") -> tuple[bool, str]:
    """Copy ``text``; return (system clipboard worked, a message for the user)."""
    terminal.copy_to_clipboard(text)  # OSC 52: harmless when the terminal ignores it
    try:
        import pyperclip

        pyperclip.copy(text)
    except Exception as error:  # pyperclip raises its own and OS errors alike
        reason = _first_sentence(str(error)) or type(error).__name__
        return False, (
            f"No system clipboard here ({reason}); sent the {what} to your terminal's "
            "clipboard (OSC 52) — paste to check, tmux needs set-clipboard on"
        )
    return True, f"Copied the {what} to the system clipboard (and via OSC 52)"


def _first_sentence(message: str, limit: int = 80) -> str:
    """The reason's first sentence, cut at a word: pyperclip's goes on with a web address
    that is no help to someone on a server, and a cut mid-word reads like a fault."""
    lines = message.strip().splitlines()
    first = lines[0].split(". ")[0].rstrip(". ") if lines else ""
    if len(first) <= limit:
        return first
    return first[:limit].rsplit(" ", 1)[0].rstrip(" ,;:") + "…"
