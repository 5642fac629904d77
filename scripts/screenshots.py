"""Regenerate the viewer's screenshots (SVG) in ``screenshots/`` for the README.

Usage: ``.venv/bin/python scripts/screenshots.py [SCENE ...]`` (default: every scene).

The scenes are the snapshot tests' (``tests/app/scenes.py``): a small deterministic audit
log, a fixed clock (2026-11-25 12:00 UTC), times in UTC, 80x24 unless a scene says
otherwise. Each picture is written only after the app has settled (no worker running).
"""

from __future__ import annotations

import asyncio
import os
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
OUTPUT = ROOT / "screenshots"


async def _shoot(scene, folder: Path) -> Path:  # type: ignore[no-untyped-def]
    app = scene.app(folder)
    target = OUTPUT / f"{scene.name}.svg"
    async with app.run_test(size=scene.size) as pilot:
        await scene.prepare(pilot)
        app.save_screenshot(filename=target.name, path=str(target.parent))
    app.store.close()
    _preserve_spaces(target)
    return target


def _preserve_spaces(svg: Path) -> None:
    """Mark the picture's spaces as significant (``xml:space="preserve"``).

    Rich writes each run of one style as a ``<text>`` of its own, and librsvg (behind many
    image viewers and converters) drops a run's leading space, gluing words together
    ("251 events· page", "⏎Details"); browsers keep it. With the attribute every renderer
    draws the cells the terminal shows.
    """
    text = svg.read_text(encoding="utf-8")
    if "xml:space=" not in text:
        svg.write_text(text.replace("<svg ", '<svg xml:space="preserve" ', 1), encoding="utf-8")


def main(names: list[str]) -> int:
    # Colours must not depend on the caller's terminal settings (stack notes, trap 3).
    for variable in ("NO_COLOR", "TEXTUAL_THEME"):
        os.environ.pop(variable, None)
    sys.path.insert(0, str(ROOT))
    from tests.app.scenes import SCENES

    chosen = [s for s in SCENES if not names or s.name in names]
    unknown = set(names) - {s.name for s in SCENES}
    if unknown:
        print(f"unknown scene(s): {', '.join(sorted(unknown))}", file=sys.stderr)
        print(f"scenes: {', '.join(s.name for s in SCENES)}", file=sys.stderr)
        return 2
    OUTPUT.mkdir(exist_ok=True)
    with tempfile.TemporaryDirectory() as folder:
        for scene in chosen:
            path = asyncio.run(_shoot(scene, Path(folder)))
            print(path.relative_to(ROOT))
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
