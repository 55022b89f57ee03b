"""The project's modules import each other without a circle.

Every module of python_ref, lua_port and harness is parsed (never imported)
with ast, and every import statement in it counts: at the top of the file,
inside a function or a class, under `if`/`try`, absolute or relative.  An
edge A -> B means A names project module B in an import: `import a.b`,
`from a import b` (b when it is a module, else the package a), `from .b
import c` (b, or b.c when that is a module).  The packages a module sits in
are not edges: Python runs their __init__ first, but a package that
re-exports its children would otherwise make every child a circle.

A circle means one of its modules can only be imported once another has
finished, which works until someone reorders an import; an import moved
inside a function hides the circle without removing it.
"""
import ast
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ("python_ref", "lua_port", "harness")

def project_modules(root=REPO_ROOT, packages=PACKAGES):
    """{dotted name: path} of every .py file of the packages."""
    modules = {}
    for package in packages:
        for path in sorted((root / package).rglob("*.py")):
            parts = list(path.relative_to(root).with_suffix("").parts)
            if parts[-1] == "__init__":
                parts.pop()
            modules[".".join(parts)] = path
    return modules


def _local(name):
    """A module's name as its folder gives it: harness.x for micrograd_lab.harness.x
    (the installed package's name, pyproject.toml)."""
    return name.removeprefix("micrograd_lab.")


def imported_modules(name, path, modules):
    """The project modules the file at path (module `name`) imports, anywhere in it."""
    tree = ast.parse(path.read_text(), filename=str(path))
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            targets = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module
            if node.level:  # relative: from the package, one level up per extra dot
                parts = package.split(".")
                parts = parts[:len(parts) - (node.level - 1)]
                base = ".".join(parts + ([node.module] if node.module else []))
            targets = [f"{base}.{alias.name}" if _local(f"{base}.{alias.name}") in modules
                       else base for alias in node.names]
        else:
            continue
        targets = [_local(t) for t in targets]
        found.update(t for t in targets if t in modules and t != name)
    return found


def import_graph(root=REPO_ROOT, packages=PACKAGES):
    modules = project_modules(root, packages)
    return {name: imported_modules(name, path, modules) for name, path in modules.items()}


def find_cycle(graph):
    """One circle as [a, b, ..., a], or None (depth first, in sorted order)."""
    state = {}  # "open" while on the path, "done" once every child is explored

    def visit(name, path):
        state[name] = "open"
        path.append(name)
        for child in sorted(graph.get(name, ())):
            if state.get(child) == "open":
                return path[path.index(child):] + [child]
            if child not in state:
                cycle = visit(child, path)
                if cycle:
                    return cycle
        path.pop()
        state[name] = "done"
        return None

    for name in sorted(graph):
        if name not in state:
            cycle = visit(name, [])
            if cycle:
                return cycle
    return None


def all_cycles(graph):
    """One circle per tangle: after each circle found, its first edge is
    dropped and the search runs again, so the message lists every circle."""
    graph = {name: set(children) for name, children in graph.items()}
    found = []
    while (cycle := find_cycle(graph)) is not None:
        found.append(cycle)
        graph[cycle[0]].discard(cycle[1])
    return found


def circles_message(cycles):
    return "import circles:\n" + "\n".join("  " + " -> ".join(c) for c in cycles)


def test_the_project_imports_without_a_circle():
    cycles = all_cycles(import_graph())
    assert not cycles, circles_message(cycles)


def test_the_project_graph_has_the_edges_the_rules_promise():
    """Relative, function-level and package-level imports of the real code
    are in the graph (a graph with no edges would have no circle either)."""
    graph = import_graph()
    assert "harness.companion.training" in graph["harness.companion.figures.training"]  # from ..training
    assert "harness.engines.lab_lua" in graph["harness.engines.registry"]                # inside a function
    assert "python_ref.engine" in graph["python_ref"]                                     # __init__: from .engine
    assert "python_ref" in graph["harness.training.trainer"]                              # the package itself


def test_every_kind_of_import_is_an_edge(tmp_path):
    pkg = tmp_path / "pkg"
    (pkg / "sub").mkdir(parents=True)
    (pkg / "__init__.py").write_text("")
    (pkg / "sub" / "__init__.py").write_text("from . import leaf\n")
    (pkg / "sub" / "leaf.py").write_text("import os\n")
    (pkg / "a.py").write_text("from .b import thing\n")
    (pkg / "b.py").write_text("def f():\n    from pkg.sub import leaf\n    import pkg.c\n")
    (pkg / "c.py").write_text("try:\n    from .sub.leaf import x\nexcept ImportError:\n    pass\n")
    (pkg / "sub" / "deep.py").write_text("class K:\n    from .. import a\n    from ..sub import leaf\n")
    graph = import_graph(tmp_path, ("pkg",))
    assert graph == {"pkg": set(), "pkg.sub": {"pkg.sub.leaf"}, "pkg.sub.leaf": set(),
                     "pkg.sub.deep": {"pkg.a", "pkg.sub.leaf"}, "pkg.a": {"pkg.b"},
                     "pkg.b": {"pkg.sub.leaf", "pkg.c"}, "pkg.c": {"pkg.sub.leaf"}}
    assert find_cycle(graph) is None


def test_a_circle_through_a_function_level_import_is_found_and_named(tmp_path):
    pkg = tmp_path / "pkg"
    pkg.mkdir()
    (pkg / "__init__.py").write_text("")
    (pkg / "graphs.py").write_text("from . import standalone\n")
    (pkg / "standalone.py").write_text("from .training import Row\n")
    (pkg / "training.py").write_text("def run():\n    from pkg import graphs\n")
    (pkg / "other.py").write_text("import pkg.other_two\n")
    (pkg / "other_two.py").write_text("def f():\n    from . import other\n")
    cycles = all_cycles(import_graph(tmp_path, ("pkg",)))
    assert cycles == [["pkg.graphs", "pkg.standalone", "pkg.training", "pkg.graphs"],
                      ["pkg.other", "pkg.other_two", "pkg.other"]]
    with pytest.raises(AssertionError, match=r"pkg\.graphs -> pkg\.standalone -> pkg\.training -> pkg\.graphs"):
        assert not cycles, circles_message(cycles)


def test_lua_port_imports_nothing_from_the_harness():
    """lua_port is the port and how Python runs it: the harness builds on it,
    never the other way (the spec's generated values are written from the
    tests, tests/lua/spec_values.py)."""
    graph = import_graph()
    crossing = sorted(f"{module} -> {target}" for module, targets in graph.items()
                      if module.split(".")[0] == "lua_port"
                      for target in targets if target.split(".")[0] == "harness")
    assert crossing == []


# -- the layers ---------------------------------------------------------------------------
COMMANDS = ("harness.parity", "harness.check", "harness.conformance", "harness.mutants",
            "harness.bench", "harness.fuzz", "harness.companion")


def _command_of(module):
    return next((c for c in COMMANDS if module == c or module.startswith(c + ".")), None)


def test_no_layer_imports_a_command_and_no_command_another_ones():
    """The engine layer, the judge, the runner, the probes, the diagnoses and
    the reports import no command; a command imports no other command."""
    graph = import_graph()
    wrong = [f"{a} -> {b}" for a, targets in graph.items() for b in targets
             if _command_of(b) is not None and _command_of(a) != _command_of(b)]
    assert not wrong, "\n".join(wrong)


def test_the_judge_imports_no_engine():
    graph = import_graph()
    judge = [f"{a} -> {b}" for a, targets in graph.items() if a.startswith("harness.judge")
             for b in targets if b.startswith(("harness.engines", "harness.run"))]
    assert not judge, "\n".join(judge)


def test_no_package_imports_another_packages_underscore_names():
    found = []
    for name, path in project_modules().items():
        package = name if path.name == "__init__.py" else name.rpartition(".")[0]
        top = ".".join(name.split(".")[:2])
        for node in ast.walk(ast.parse(path.read_text())):
            if not isinstance(node, ast.ImportFrom):
                continue
            base = node.module or ""
            if node.level:
                parts = package.split(".")
                base = ".".join(parts[:len(parts) - (node.level - 1)] + ([base] if base else []))
            other = ".".join(base.split(".")[:2]) != top
            found += [f"{name}: {base}.{a.name}" for a in node.names
                      if other and a.name.startswith("_") and not a.name.startswith("__")]
    assert not found, "\n".join(found)
