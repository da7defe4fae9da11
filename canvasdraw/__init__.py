"""canvasdraw: unsupervised image-to-sequence translation with canvas-drawer networks.

The package follows the data flow, and imports point down this list only (tests/test_layout.py):
render (the renderer plug-in SDK) → data (rollouts, image sources; no JAX) → nets (canvas,
drawer; Flax NNX) → metrics → store (weights, model files, run folders) → train, vectorize → cli.
errors, files, pictures and processes are shared by all of them.
"""

from canvasdraw.errors import UserError
from canvasdraw.render import ActionParam, Renderer, composite, load_renderer

__version__ = "0.1.0"
__all__ = ["ActionParam", "Renderer", "UserError", "composite", "load_renderer"]
