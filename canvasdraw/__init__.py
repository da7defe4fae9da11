"""canvasdraw: unsupervised image-to-sequence translation with canvas-drawer networks."""

from canvasdraw.registry import load_renderer
from canvasdraw.renderer import ActionParam, Renderer, UserError, composite

__version__ = "0.1.0"
__all__ = ["ActionParam", "Renderer", "UserError", "composite", "load_renderer"]
