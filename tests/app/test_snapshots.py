"""Snapshots of the viewer at 80x24 (and one wide, light one). Review any SVG you accept:
``pytest tests/app/test_snapshots.py --snapshot-update`` then look at the files."""

from __future__ import annotations

import pytest

from tests.app.scenes import SCENES, Scene


@pytest.mark.parametrize("scene", SCENES, ids=[scene.name for scene in SCENES])
def test_snapshot(scene: Scene, snap_compare, tmp_path) -> None:  # type: ignore[no-untyped-def]
    app = scene.app(tmp_path)
    try:
        assert snap_compare(app, terminal_size=scene.size, run_before=scene.prepare)
    finally:
        app.store.close()
