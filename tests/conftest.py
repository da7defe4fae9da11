from importlib import metadata

import pytest

from canvasdraw import registry

DOTS = metadata.EntryPoint(name="dots", value="tests.plugin_dots:DotsRenderer", group=registry.GROUP)


@pytest.fixture
def dots_plugin(monkeypatch):
    """Installs the third-party `dots` renderer through a faked entry point."""
    real = metadata.entry_points

    def entry_points(**selection):
        found = real(**selection)
        if selection.get("group") == registry.GROUP:
            found = metadata.EntryPoints(tuple(found) + (DOTS,))
        return found

    monkeypatch.setattr(registry.metadata, "entry_points", entry_points)
    return "dots"
