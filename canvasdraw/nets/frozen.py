"""Frozen canvases: what the drawer trains through.

A `FrozenCanvas` is a JAX pytree (architecture static, parameters as leaves) rather than an
`nnx.Module`: it holds no `nnx.Param`, so an `nnx.Optimizer(drawer, ..., wrt=nnx.Param)` cannot
see it, and its call stops gradients at the parameters, so even a gradient taken with respect to
it is zero. Pass it to jitted functions as an argument. canvasdraw.store reads and writes them.
"""

from __future__ import annotations

from typing import Any

import jax
import jax.numpy as jnp
import numpy as np
from flax import nnx, struct

from canvasdraw.nets.canvas import CanvasSpec, next_state
from canvasdraw.render.contract import composite, render_batch


@struct.dataclass
class FrozenCanvas:
    """A trained canvas whose parameters no optimiser can change.

    canvas(states (B,S,S,C), actions (B,D)) -> predicted next states (B,S,S,C) in [0, 1].
    """

    spec: CanvasSpec = struct.field(pytree_node=False)
    graphdef: Any = struct.field(pytree_node=False)
    params: Any

    def module(self) -> nnx.Module:
        return nnx.merge(self.graphdef, jax.lax.stop_gradient(self.params))

    def __call__(self, states, actions):
        return next_state(self.spec, states, self.module()(states, actions))

    def layers(self, actions):
        """What each action (B, D) paints, (B, S, S, C + 1): colour then alpha, for `over` canvases
        of the action form (whose layer does not depend on the state)."""
        if self.spec.form != "action" or self.spec.composite != "over":
            raise ValueError(f"layers need an `over` canvas of the action form, not {self.spec.composite}/{self.spec.form}")
        return jax.nn.sigmoid(self.module()(None, actions))


@struct.dataclass
class RealForwardCanvas:
    """The real renderer forward, the frozen canvas backward (a straight-through estimator).

    canvas(states, actions) has the value of `renderer.step` on each (state, clipped action),
    computed on the host, and the gradient of `canvas`. A drawer trained through it is scored
    on what the renderer really draws, so it cannot learn to exploit the canvas's errors; the
    canvas only says which way to move. Costs one host render per action per update.
    """

    canvas: FrozenCanvas
    renderer: Any = struct.field(pytree_node=False)

    @property
    def spec(self) -> CanvasSpec:
        return self.canvas.spec

    def _render(self, states, actions):
        states = np.asarray(states)
        return render_batch(self.renderer, np.asarray(actions)[:, None], states.shape[1], states)

    def __call__(self, states, actions):
        guess = self.canvas(states, actions)
        real = jax.pure_callback(self._render, jax.ShapeDtypeStruct(guess.shape, guess.dtype),
                                 jax.lax.stop_gradient(states), jnp.clip(jax.lax.stop_gradient(actions), 0, 1),
                                 vmap_method="sequential")
        return guess + jax.lax.stop_gradient(real - guess)


@struct.dataclass
class TwinCanvas:
    """The renderer's own differentiable twin (`Renderer.twin_layer`) in a canvas's place:
    canvas(states (B,S,S,C), actions (B,D)) -> the next states, composited by the renderer's
    rule. Actions are clipped to [0, 1] as the renderer reads them."""

    renderer: Any = struct.field(pytree_node=False)

    def __call__(self, states, actions):
        layers = self.renderer.twin_layer(jnp.clip(actions, 0, 1), states.shape[1])
        return composite(self.renderer.composite, states, layers)


def freeze(model: nnx.Module) -> FrozenCanvas:
    graphdef, params = nnx.split(model, nnx.Param)
    return FrozenCanvas(model.spec, graphdef, params)


def canvas_rollout(canvas: FrozenCanvas, start, actions):
    """Composites action sequences (B, K, D) through the canvas from `start` ((S, S, C) or
    (B, S, S, C)), feeding it its own predictions; returns the K states (B, K, S, S, C)."""
    state = jnp.broadcast_to(start, (actions.shape[0],) + start.shape[-3:])

    def step(state, action):
        state = canvas(state, action)
        return state, state

    _, states = jax.lax.scan(step, state, jnp.swapaxes(actions, 0, 1))
    return jnp.swapaxes(states, 0, 1)
