"""`make_drawer`: the drawer module of a spec's variant (canvasdraw.nets.drawer, .anchors)."""

from __future__ import annotations

from flax import nnx

from canvasdraw.nets.anchors import AnchorDrawer
from canvasdraw.nets.drawer import Drawer, DrawerSpec, GridDrawer


def make_drawer(spec: DrawerSpec, rngs: nnx.Rngs) -> nnx.Module:
    """GridDrawer for variant `grid`, AnchorDrawer for `anchors`, else Drawer (`lstm`, `plain`)."""
    return {"grid": GridDrawer, "anchors": AnchorDrawer}.get(spec.variant, Drawer)(spec, rngs=rngs)
