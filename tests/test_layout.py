"""The package layout: subpackages along the data flow, imports pointing down it only, no cycles,
modules a reader can hold in their head, and built-in renderers that use only the public SDK."""

import ast
from pathlib import Path

import pytest

import canvasdraw.render

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "canvasdraw"
# The data flow, upstream first; a module may import its own subpackage, the shared root modules
# and subpackages of a lower rank (train and vectorize are peers: neither imports the other).
RANKS = {"render": 0, "data": 1, "nets": 2, "metrics": 3, "store": 4, "train": 5, "vectorize": 5, "cli": 6}
SHARED = {"errors", "files", "pictures", "processes"}  # root modules everyone may use; they import only each other
MAX_LINES = 300


def module_name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


MODULES = {module_name(p): p for p in sorted(PACKAGE.rglob("*.py"))}


def imports_of(path: Path) -> list[tuple[str, int, bool]]:
    """(imported canvasdraw module, line, inside a function) for each import in the file."""
    tree = ast.parse(path.read_text())
    in_function = {id(node) for f in ast.walk(tree) if isinstance(f, (ast.FunctionDef, ast.AsyncFunctionDef))
                   for node in ast.walk(f)}
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names = [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module:
            # `from pkg import name` imports the module pkg.name when there is one.
            names = [f"{node.module}.{a.name}" if f"{node.module}.{a.name}" in MODULES else node.module
                     for a in node.names]
        else:
            continue
        found += [(n, node.lineno, id(node) in in_function) for n in names
                  if n.split(".")[0] in ("canvasdraw", "canvasdraw_configs")]
    return found


def place(module: str) -> str:
    """The subpackage a canvasdraw module belongs to, or its own name for root modules."""
    return module.split(".")[1] if module.count(".") >= 1 else ""


def allowed(importer: str, imported: str) -> bool:
    source, target = place(importer), place(imported)
    if imported.startswith("canvasdraw_configs"):
        return source == "cli"  # the demo reads the shipped configs
    if target in SHARED:
        return True
    if source in SHARED:
        return False  # shared modules import only each other
    if source == target:
        return True
    return target in RANKS and source in RANKS and RANKS[target] < RANKS[source]


def test_the_tree_has_the_data_flow_subpackages_and_a_small_root():
    subpackages = {p.name for p in PACKAGE.iterdir() if (p / "__init__.py").exists()}
    assert subpackages == set(RANKS)
    root_modules = {p.stem for p in PACKAGE.glob("*.py")}
    assert root_modules == {"__init__", "__main__"} | SHARED


def test_imports_follow_the_data_flow():
    wrong = [f"{name}:{line} imports {target}"
             for name, path in MODULES.items() if name not in ("canvasdraw", "canvasdraw.__main__")
             for target, line, _ in imports_of(path) if not allowed(name, target)]
    assert wrong == []


def test_the_layering_check_catches_an_upstream_import():
    assert not allowed("canvasdraw.nets.drawer", "canvasdraw.train.loop")
    assert not allowed("canvasdraw.train.drawer", "canvasdraw.vectorize.sliding")
    assert not allowed("canvasdraw.errors", "canvasdraw.render.contract")
    assert allowed("canvasdraw.vectorize.run", "canvasdraw.store.models")


def test_no_import_cycles():
    graph = {name: {t for t, _, _ in imports_of(path) if t in MODULES and t != name}
             for name, path in MODULES.items()}
    state = {}

    def visit(node, trail):
        state[node] = "open"
        for nxt in graph[node]:
            if state.get(nxt) == "open":
                pytest.fail("import cycle: " + " -> ".join(trail[trail.index(nxt):] + [nxt]))
            if nxt not in state:
                visit(nxt, trail + [nxt])
        state[node] = "done"

    for name in graph:
        if name not in state:
            visit(name, [name])


def test_only_the_cli_imports_the_library_inside_functions():
    # The CLI defers imports so that `canvasdraw --help` starts without JAX; elsewhere a
    # function-body import would only hide a dependency (or dodge a cycle).
    hidden = [f"{name}:{line}" for name, path in MODULES.items() if place(name) != "cli"
              for _, line, inside in imports_of(path) if inside]
    assert hidden == []


def test_modules_stay_short():
    long = {name: n for name, path in MODULES.items() if (n := len(path.read_text().splitlines())) > MAX_LINES}
    assert long == {}


def test_built_in_renderers_use_only_the_public_sdk():
    for path in (ROOT / "renderers").glob("*.py"):
        tree = ast.parse(path.read_text())
        used = {node.module for node in ast.walk(tree) if isinstance(node, ast.ImportFrom) and node.module}
        used |= {a.name for node in ast.walk(tree) if isinstance(node, ast.Import) for a in node.names}
        assert {m for m in used if m.startswith("canvasdraw")} <= {"canvasdraw.render"}, path.name


def test_the_sdk_exports_exactly_what_a_renderer_author_needs():
    assert sorted(canvasdraw.render.__all__) == sorted(
        ["ActionParam", "CoverageRaster", "ColorRenderer", "LAB_SPEC", "ProgramError", "ProgramRenderer", "Renderer",
         "composite", "format_program", "lab_to_hex", "lab_to_rgb", "load_renderer", "parse_program", "polyline_coverage",
         "program_spec", "svg"])
    assert all(hasattr(canvasdraw.render, name) for name in canvasdraw.render.__all__)
