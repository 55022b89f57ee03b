"""A mutant as files: a copy of the engine's package with the edits made.

python_ref is copied whole (its modules import each other relatively) into
a folder of its own, importable under a name no other mutant shares;
lua_port/micrograd is copied whole into a port root that a manifest can
point at.
"""
import importlib.util
import shutil
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
PACKAGE_OF = {"python": REPO / "python_ref", "lua": REPO / "lua_port" / "micrograd"}


class EditDoesNotApply(ValueError):
    """The mutant's text is not in the file exactly once: the table drifted."""


def mutated_text(mutant):
    """The mutant's file with its edits made."""
    path = REPO / mutant.file
    text = path.read_text()
    for old, new in mutant.edits:
        count = text.count(old)
        if count != 1:
            raise EditDoesNotApply(f"{mutant.file}: mutant {mutant.name}: the text to replace "
                                   f"occurs {count} times, expected once: {old.strip()[:60]!r}")
        text = text.replace(old, new)
    return text


def plant(mutant, folder):
    """Write the mutated package into folder; returns the package's folder
    (python: folder/<unique package name>; lua: folder/micrograd)."""
    source = PACKAGE_OF[mutant.language]
    name = source.name if mutant.language == "lua" else _package_name(mutant)
    target = Path(folder) / name
    shutil.copytree(source, target, ignore=shutil.ignore_patterns("__pycache__", "spec"))
    (target / Path(mutant.file).name).write_text(mutated_text(mutant))
    return target


def _package_name(mutant):
    return "mutant_" + mutant.name.replace("-", "_")


def import_python(package_dir):
    """Import a planted python_ref copy as its own package (and its submodules)."""
    name = Path(package_dir).name
    if name in sys.modules:
        return sys.modules[name]
    spec = importlib.util.spec_from_file_location(
        name, Path(package_dir) / "__init__.py", submodule_search_locations=[str(package_dir)])
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module
