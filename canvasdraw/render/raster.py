"""Cairo coverage rasterisation shared by renderers (built-in and third-party alike).

`CoverageRaster` keeps one reusable 8-bit alpha surface per size, so drawing an action costs
one Cairo call and one copy (surface creation would dominate the rollout budget otherwise).
It is thread-safe (one set of surfaces per thread) and picklable (surfaces are dropped and
re-created lazily in each worker process).
"""

from __future__ import annotations

import threading
from typing import Callable

import cairocffi as cairo
import numpy as np


class CoverageRaster:
    """Draws with Cairo onto an (S, S) alpha mask and returns its coverage in [0, 1].

    Example::

        raster = CoverageRaster()
        mask = raster.draw(64, lambda ctx: (ctx.rectangle(8, 8, 16, 16), ctx.fill()))
        mask.shape  # (64, 64), float32, 1.0 inside the square
    """

    def __init__(self):
        self._local = threading.local()

    def __getstate__(self):
        return {}

    def __setstate__(self, state):
        self._local = threading.local()

    def _surface(self, size: int):
        surfaces = self._local.__dict__.setdefault("surfaces", {})
        if size not in surfaces:
            surface = cairo.ImageSurface(cairo.FORMAT_A8, size, size)
            buffer = np.frombuffer(surface.get_data(), np.uint8).reshape(size, surface.get_stride())
            surfaces[size] = (surface, cairo.Context(surface), buffer)
        return surfaces[size]

    def draw(self, size: int, paint: Callable[[cairo.Context], None]) -> np.ndarray:
        """Clears the mask, calls `paint(ctx)` (user space = pixels, opaque source, operator
        OVER; changes to the context are undone afterwards), returns (S, S) float32."""
        surface, ctx, buffer = self._surface(size)
        buffer.fill(0)  # clearing through NumPy is cheaper than a Cairo paint
        surface.mark_dirty()
        ctx.save()
        paint(ctx)
        ctx.restore()
        surface.flush()
        return buffer[:, :size] * np.float32(1 / 255)
