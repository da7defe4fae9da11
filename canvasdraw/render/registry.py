"""Renderer discovery through the `canvasdraw.renderers` entry-point group, loaded lazily.

A package registers a renderer in its pyproject.toml::

    [project.entry-points."canvasdraw.renderers"]
    dots = "my_package.dots:DotsRenderer"
"""

from __future__ import annotations

import dataclasses
from importlib import metadata

from canvasdraw.errors import UserError
from canvasdraw.render.contract import Renderer

GROUP = "canvasdraw.renderers"


class UnknownRendererError(UserError):
    pass


def entry_points() -> dict[str, metadata.EntryPoint]:
    """Installed renderer entry points by name (nothing is imported)."""
    return {ep.name: ep for ep in metadata.entry_points(group=GROUP)}


def load_renderer(name: str) -> Renderer:
    """An instance of the installed renderer `name`; unknown names list the installed ones."""
    found = entry_points()
    if name not in found:
        raise UnknownRendererError(
            f"unknown renderer {name!r}; installed: {', '.join(sorted(found)) or 'none'}")
    renderer = found[name].load()()
    if not isinstance(renderer, Renderer) or renderer.name != name:
        raise UserError(f"entry point {name!r} ({found[name].value}) does not give a "
                        f"canvasdraw Renderer named {name!r}")
    return renderer


@dataclasses.dataclass(frozen=True)
class RendererInfo:
    name: str
    version: int
    params: tuple[str, ...]
    composite: str
    provider: str  # distribution "name version" that registered it

    def line(self) -> str:
        params = ",".join(self.params) if len(self.params) <= 12 else \
            f"{','.join(self.params[:2])},... ({len(self.params)} values)"
        return f"{self.name:<14} v{self.version:<3} {self.composite:<8} {params:<40} {self.provider}"


def describe_installed() -> list[RendererInfo]:
    """One RendererInfo per installed renderer, sorted by name (loads each renderer)."""
    infos = []
    for name, ep in sorted(entry_points().items()):
        renderer = load_renderer(name)
        dist = f"{ep.dist.name} {ep.dist.version}" if ep.dist is not None else "unknown"
        infos.append(RendererInfo(name, renderer.version, tuple(p.name for p in renderer.action_spec),
                                  renderer.composite, dist))
    return infos
