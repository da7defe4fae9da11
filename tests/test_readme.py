"""The README's renderer example is real code: it passes the conformance kit."""

import re
import sys
import types
from pathlib import Path

import pytest

from canvasdraw.render.testing import check_renderer

README = Path(__file__).resolve().parents[1] / "README.md"


def test_readme_renderer_example_and_its_twin_conform(monkeypatch):
    blocks = re.findall(r"```python\n(.*?)```", README.read_text(), re.S)
    example, twin = (next(b for b in blocks if f"class {name}" in b) for name in ("Dots", "TwinDots"))
    module = types.ModuleType("readme_example")  # importable by name, so pickling works
    monkeypatch.setitem(sys.modules, module.__name__, module)
    exec(compile(example, "README.md", "exec"), module.__dict__)
    check_renderer(module.Dots())  # raises AssertionError naming the failed check
    exec(compile(twin, "README.md", "exec"), module.__dict__)
    assert module.TwinDots().has_twin and not module.Dots().has_twin
    check_renderer(module.TwinDots())  # the kit's check_twin included


def test_readme_commands_match_the_cli():
    text = README.read_text()
    assert "pip install '.[test]' && python -m pytest -q" in text
    ci = (README.parent / ".ci" / "run").read_text()
    assert "pip install --quiet '.[test]' && python -m pytest -q" in ci
    with pytest.raises(SystemExit):
        from canvasdraw.cli.main import main
        main(["render", "--help"])
