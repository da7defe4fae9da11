"""The renderer plug-in SDK: everything a renderer author needs, and nothing else.

A renderer subclasses `Renderer`, declares its `ActionParam`s and compositing rule, draws one
action as a layer (Cairo through `CoverageRaster`) and writes it as one SVG element (`svg`
helpers); colour renderers mix in `ColorRenderer`, renderers of discrete programs (a grid of instructions)
`ProgramRenderer`. A renderer may add a differentiable twin of its layer (`twin_layer`, built
from `polyline_coverage`) that per-image refinement moves actions through. It is registered through the entry-point
group `canvasdraw.renderers` and found with `load_renderer`. Test it with
`canvasdraw.render.testing.check_renderer`. README "Write your own renderer" has an example.
"""

from canvasdraw.render import svg
from canvasdraw.render.color import LAB_SPEC, ColorRenderer, lab_to_hex, lab_to_rgb
from canvasdraw.render.contract import ActionParam, Renderer, composite
from canvasdraw.render.programs import ProgramError, ProgramRenderer, format_program, parse_program, program_spec
from canvasdraw.render.raster import CoverageRaster
from canvasdraw.render.registry import load_renderer
from canvasdraw.render.twins import polyline_coverage

__all__ = ["ActionParam", "CoverageRaster", "ColorRenderer", "LAB_SPEC", "ProgramError", "ProgramRenderer", "Renderer", "polyline_coverage",
           "composite", "format_program", "lab_to_hex", "lab_to_rgb", "load_renderer", "parse_program", "program_spec",
           "svg"]
