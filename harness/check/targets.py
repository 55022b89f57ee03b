"""What `check` is given, refused before any work when it is wrong (one
line, exit 2): the ports (manifests, folders holding a port.toml, globs),
the report folder, a shard.

A port's report folder in a class is named after its manifest's path
relative to the folder all the class's manifests share (`alice/port.toml`
-> `alice`), so two students' ports never share one, whatever they named
their ports; where two paths would still give one name, each gets a short
hash of its full path.
"""
import glob
import hashlib
import os
import re
from dataclasses import dataclass
from pathlib import Path

MANIFEST_NAME = "port.toml"
GLOB_CHARS = re.compile(r"[*?[]")


class BadInput(Exception):
    """One line naming what is wrong with the command's input (exit 2)."""


@dataclass(frozen=True)
class Target:
    """One port of the class: its manifest and its report folder's name."""
    manifest: Path
    slug: str


def _in_folder(path):
    """A folder's manifest: its port.toml, else the one port.toml of its
    subfolders (a driver kit's labkit/ in a student's folder), else None."""
    inside = path / MANIFEST_NAME
    if inside.is_file():
        return inside
    below = [m for m in path.glob(f"*/{MANIFEST_NAME}") if m.is_file()]
    return below[0] if len(below) == 1 else None


def manifest_of(path):
    """The manifest a PORT argument names: the file, or a folder's (_in_folder)."""
    path = Path(path)
    if path.is_dir():
        found = _in_folder(path)
        if found is not None:
            return found
        below = sorted(path.glob(f"*/{MANIFEST_NAME}"))
        hint = (f"; its subfolders hold {len(below)}: name them with {path}/*/"
                if below else "")
        raise BadInput(f"{path}: a folder without {MANIFEST_NAME}{hint}")
    if not path.exists():
        raise BadInput(f"{path}: no such file or folder")
    return path


def resolve(arguments):
    """(manifests, whether a glob named them): every PORT argument, a glob
    expanded (a glob matching nothing is an error), in the order given,
    each manifest once."""
    found, globbed = [], False
    for argument in map(str, arguments):
        if GLOB_CHARS.search(argument) and not Path(argument).exists():
            matches = sorted(glob.glob(argument))
            if not matches:
                raise BadInput(f"{argument}: the pattern matches no file or folder")
            globbed = True
            # a glob over a class folder may also match files beside the ports
            paths = [m for m in matches if Path(m).is_dir() or m.endswith(".toml")]
            folders = [m for m in paths if Path(m).is_dir()]
            if folders and not any(_in_folder(Path(m)) for m in folders):
                # no folder of it holds one: the pattern is the mistake; the
                # first folder whose subfolders hold one gives the hint
                deeper = [m for m in folders if any(Path(m).glob(f"*/{MANIFEST_NAME}"))]
                manifest_of((deeper or folders)[0])
            # a student's folder without port.toml is that port's row, not
            # the end of the class: its missing manifest is refused there
            found += [(_in_folder(Path(m)) or Path(m) / MANIFEST_NAME) if Path(m).is_dir()
                      else manifest_of(m) for m in paths]
        else:
            found.append(manifest_of(argument))
    unique = list(dict.fromkeys(p.resolve() for p in found))
    return unique, globbed


def _slug(text):
    return re.sub(r"[^A-Za-z0-9._-]+", "-", text).strip("-.") or "port"


def targets(manifests):
    """A Target per manifest, each report folder name its own."""
    manifests = [Path(m).resolve() for m in manifests]
    common = Path(os.path.commonpath([m.parent for m in manifests])) if manifests else Path()
    names = []
    for m in manifests:
        relative = m.relative_to(common)
        parts = list(relative.parts)
        if parts[-1] == MANIFEST_NAME:
            parts.pop()
        else:
            parts[-1] = Path(parts[-1]).stem
        names.append(_slug("-".join(parts) or m.parent.name))
    return [Target(m, n) for m, n in zip(manifests, distinct(names, manifests))]


def distinct(names, manifests):
    """The names, each that two ports share followed by a short hash of its
    manifest's path (merge meets them too: two runs' `frank`)."""
    counts = {n: names.count(n) for n in names}
    return [n if counts[n] == 1 else f"{n}-{hashlib.sha1(str(m).encode()).hexdigest()[:8]}"
            for m, n in zip(manifests, names)]


def report_folder(manifest):
    """report/check/<its path>/ under this folder, one per manifest path: the
    manifest's path from here (ports/alice for ports/alice/port.toml), or,
    for one outside this folder, its folder's name and a hash of its path."""
    manifest = Path(manifest).resolve()
    parts = list(manifest.parts)
    parts[-1] = "" if parts[-1] == MANIFEST_NAME else Path(parts[-1]).stem
    try:
        name = "-".join(p for p in manifest.relative_to(Path.cwd()).parent.parts + (parts[-1],)
                        if p)
    except ValueError:   # not under this folder
        name = (f"{manifest.parent.name}-{parts[-1]}-" if parts[-1] else
                f"{manifest.parent.name}-") + hashlib.sha1(str(manifest).encode()).hexdigest()[:8]
    return Path("report") / "check" / _slug(name or manifest.parent.name)


@dataclass(frozen=True)
class Shard:
    """Part `index` (1-based) of `count`: every count-th item from the index-th."""
    index: int
    count: int

    def __str__(self):
        return f"{self.index}/{self.count}"

    def take(self, items):
        return [item for n, item in enumerate(items) if n % self.count == self.index - 1]


def shard(text):
    """--shard K/N (argparse type)."""
    import argparse
    m = re.fullmatch(r"(\d+)/(\d+)", text.strip())
    if not m or not 1 <= int(m.group(1)) <= int(m.group(2)):
        raise argparse.ArgumentTypeError(f"{text!r} is not K/N with 1 <= K <= N (e.g. 2/4)")
    return Shard(int(m.group(1)), int(m.group(2)))
