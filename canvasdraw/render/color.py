"""Colour for the colour renderers: actions name a colour in CIELAB, states hold sRGB.

Actions give *normalised* LAB, each channel in [0, 1]: L* = 100·l, a* = 255·a − 128,
b* = 255·b − 128 (D65 white); LAB spreads perceptually distinct colours evenly over the action
space. The colour is drawn as the 8-bit sRGB colour the SVG names (out-of-gamut colours clipped),
and layers merge *over* the state in sRGB, because that is what every SVG renderer does.
"""

from __future__ import annotations

import jax.numpy as jnp
import numpy as np

from canvasdraw.render.contract import ActionParam

_D65 = np.array([0.95047, 1.0, 1.08883], np.float32)
_XYZ_TO_RGB = np.array(
    [[3.2404542, -1.5371385, -0.4985314],
     [-0.9692660, 1.8760108, 0.0415560],
     [0.0556434, -0.2040259, 1.0572252]], np.float32)

LAB_SPEC = (
    ActionParam("L", "LAB lightness L*/100"),
    ActionParam("a", "LAB (a*+128)/255"),
    ActionParam("b", "LAB (b*+128)/255"),
)


def normalised_lab(cielab) -> np.ndarray:
    """CIELAB colours (..., 3) as (L*, a*, b*) -> the normalised LAB of actions (..., 3) float32."""
    return ((np.asarray(cielab, np.float32) + [0, 128, 128]) / [100, 255, 255]).astype(np.float32)


def lab_to_rgb(lab: np.ndarray, xp=np) -> np.ndarray:
    """Normalised LAB (..., 3) in [0, 1] -> sRGB (..., 3) float32 in [0, 1] (clipped to gamut).
    `xp`: the array module (numpy, or jax.numpy for a differentiable conversion)."""
    lab = xp.asarray(lab, xp.float32)
    big_l, a, b = lab[..., 0] * 100, lab[..., 1] * 255 - 128, lab[..., 2] * 255 - 128
    fy = (big_l + 16) / 116
    f = xp.stack([fy + a / 500, fy, fy - b / 200], axis=-1)
    xyz = xp.where(f > 6 / 29, f**3, 3 * (6 / 29) ** 2 * (f - 4 / 29)) * _D65
    linear = xp.clip(xyz @ _XYZ_TO_RGB.T, 0, 1)
    # the floor keeps the power's gradient finite where the branch is not taken
    srgb = xp.where(linear <= 0.0031308, 12.92 * linear, 1.055 * xp.maximum(linear, 0.0031308) ** (1 / 2.4) - 0.055)
    return xp.clip(srgb, 0, 1).astype(xp.float32)


def rgb_to_lab(rgb) -> np.ndarray:
    """sRGB (..., 3) in [0, 1] -> normalised LAB (..., 3) float32: the inverse of `lab_to_rgb` on
    its gamut."""
    srgb = np.asarray(rgb, np.float64)
    linear = np.where(srgb <= 0.04045, srgb / 12.92, ((srgb + 0.055) / 1.055) ** 2.4)
    xyz = linear @ np.linalg.inv(_XYZ_TO_RGB.astype(np.float64)).T / _D65
    f = np.where(xyz > (6 / 29) ** 3, np.cbrt(xyz), xyz / (3 * (6 / 29) ** 2) + 4 / 29)
    cielab = np.stack([116 * f[..., 1] - 16, 500 * (f[..., 0] - f[..., 1]), 200 * (f[..., 1] - f[..., 2])], -1)
    return normalised_lab(cielab)


def cielab_of(lab) -> np.ndarray:
    """Normalised LAB (..., 3) -> CIELAB (L*, a*, b*) (..., 3) float32 (the inverse of `normalised_lab`)."""
    return (np.asarray(lab, np.float32) * [100, 255, 255] - [0, 128, 128]).astype(np.float32)


def lab_to_srgb8(lab: np.ndarray) -> np.ndarray:
    """One normalised LAB colour (3,) -> its 8-bit sRGB colour (3,) int, as an SVG names it."""
    return np.round(lab_to_rgb(lab) * 255).astype(int)


def lab_to_hex(lab: np.ndarray) -> str:
    """One normalised LAB colour (3,) -> '#rrggbb'."""
    r, g, b = lab_to_srgb8(lab)
    return f"#{r:02x}{g:02x}{b:02x}"


class ColorRenderer:
    """Mixin for colour renderers: `over` compositing on an sRGB state (black blank).

    `color_layer` turns a coverage mask plus a LAB action colour into the (S, S, 4) sRGB + alpha
    layer that `composite("over", ...)` expects, in the exact 8-bit colour `lab_to_hex` writes.
    Use as ``class MyRenderer(ColorRenderer, Renderer)``.
    """

    channels = 3
    composite = "over"

    @staticmethod
    def color_layer(coverage: np.ndarray, lab: np.ndarray, alpha: float = 1.0) -> np.ndarray:
        """coverage (S, S) in [0, 1], lab (3,), alpha in [0, 1] -> (S, S, 4) float32 layer."""
        layer = np.empty(coverage.shape + (4,), np.float32)
        layer[..., :3] = lab_to_srgb8(lab) / np.float32(255)
        layer[..., 3] = coverage * np.float32(alpha)
        return layer

    @staticmethod
    def twin_color_layer(coverage, lab, alpha=1.0):
        """`color_layer`'s twin in jax.numpy, for `Renderer.twin_layer`: coverage (B, S, S), lab
        (B, 3), alpha scalar or (B,) -> (B, S, S, 4); the colour unrounded, so differentiable."""
        colour = jnp.broadcast_to(lab_to_rgb(lab, jnp)[:, None, None, :], coverage.shape + (3,))
        return jnp.concatenate([colour, (coverage * jnp.reshape(alpha, (-1, 1, 1)))[..., None]], axis=-1)
