"""The build step of a command port: `[port] build` in the manifest.

A port in a compiled language (a driver kit of harness/drivers/) is built
before the check: the manifest's `build` argv runs once, in the manifest's
folder, under the port's memory limit and a wall-clock limit
(`build_timeout`), in a process group killed when it ends.  `{cache}` in
`build` and `command` names a folder of the lab's cache for this manifest, so
compiled output stays out of the student's source tree.

A build is skipped when nothing it could read changed since the last one
that succeeded: the fingerprint holds the build and run commands, the build
tool's file, and the size and modification time of every file under the
manifest's folder and under `sources` (hidden files and the cache left out).
A lock on the cache folder keeps two checks of one manifest from building at
once.  A build that fails raises BuildError: one line, with the first error
the build printed and where its whole output is.
"""
import fcntl
import hashlib
import json
import os
import re
import shlex
import shutil
import signal
import subprocess
import time
from contextlib import contextmanager
from pathlib import Path

from . import children
from .command_process import _limits, child_environment, describe_exit

CACHE_PLACEHOLDER = "{cache}"
CACHE_ENVIRONMENT = "MICROGRAD_LAB_CACHE"    # the cache's root, if not the user's cache folder
DEFAULT_BUILD_TIMEOUT = 600.0
STAMP, LOG, LOCK = ".build-stamp", "build.log", ".lock"
SHOWN_CHARACTERS = 300
# a linker's "undefined reference" comes before its "ld returned 1 exit status"
ERROR_WORDS = re.compile(r"error|undefined reference", re.IGNORECASE)
PLACE_BELOW = re.compile(r"-->\s*(\S+:\d+(?::\d+)?)$")


class BuildError(Exception):
    """The build did not run or did not succeed: the reason, one line."""


def cache_root():
    """Where the lab keeps build outputs: $MICROGRAD_LAB_CACHE, else the
    user's cache folder (XDG)."""
    if os.environ.get(CACHE_ENVIRONMENT):
        return Path(os.environ[CACHE_ENVIRONMENT])
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base) / "micrograd-parity-lab"


def cache_folder(manifest_path):
    """The build cache folder of one manifest: its folder's name, for people,
    and a hash of its whole path, so two manifests never share one."""
    manifest_path = Path(manifest_path).resolve()
    digest = hashlib.sha256(str(manifest_path).encode()).hexdigest()[:16]
    readable = "".join(c if c.isalnum() or c in "-_." else "-" for c in manifest_path.parent.name)
    return cache_root() / "builds" / f"{readable or 'port'}-{digest}"


def ensure_built(manifest, say=None):
    """Build the port if its manifest has a build and something changed since
    the last good build.  Returns "built", "fresh" (nothing to do) or None (no
    build step); say(text) hears one line when a build runs.  Raises BuildError."""
    if not manifest.build:
        return None
    cache = manifest.cache
    try:
        cache.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise BuildError(f"cannot make the build cache {cache}: {error.strerror}") from None
    with _locked(cache / LOCK):
        stamp = cache / STAMP
        if stamp.is_file() and stamp.read_text() == fingerprint(manifest):
            return "fresh"
        stamp.unlink(missing_ok=True)
        started = time.monotonic()
        _run(manifest, cache / LOG)
        # after the build: a build that writes into the folder is not rebuilt for it
        stamp.write_text(fingerprint(manifest))
        if say:
            say(f"built {manifest.name}: {shlex.join(manifest.build)} "
                f"({time.monotonic() - started:.1f} s)")
        return "built"


@contextmanager
def _locked(path):
    with open(path, "w") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def fingerprint(manifest):
    """A digest of everything a build may read (see the module docstring)."""
    digest = hashlib.sha256()
    tool = shutil.which(manifest.build[0], path=child_environment()["PATH"])
    tool_stat = os.stat(tool) if tool else None
    digest.update(json.dumps([manifest.build, manifest.command, tool and os.path.realpath(tool),
                              tool_stat and [tool_stat.st_size, tool_stat.st_mtime_ns]]).encode())
    for root in (manifest.folder, *manifest.sources):
        for entry in _files(Path(root), manifest.cache):
            digest.update(entry.encode())
    return digest.hexdigest()


def _files(root, skipped):
    """'path size mtime' of every file under root (a file or a folder), sorted."""
    if root.is_file():
        found = [root]
    else:
        found = []
        for folder, subfolders, names in os.walk(root):
            subfolders[:] = sorted(d for d in subfolders if not d.startswith(".")
                                   and Path(folder, d) != skipped)
            found += [Path(folder, n) for n in names if not n.startswith(".")]
    entries = []
    for path in sorted(found):
        try:
            stat = path.stat()
        except OSError:   # a dangling link, or gone while we looked
            continue
        entries.append(f"{path}\0{stat.st_size}\0{stat.st_mtime_ns}\n")
    return entries


def _run(manifest, log_path):
    """Run the build, its output (stdout and stderr) into log_path."""
    command = shlex.join(manifest.build)
    try:
        process = subprocess.Popen(
            manifest.build, cwd=manifest.folder, env=child_environment(),
            stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
            close_fds=True, start_new_session=True,
            preexec_fn=_limits(manifest.max_memory * 2**20))
    except OSError as error:
        raise BuildError(f"cannot run `{command}`: {error.strerror}") from None
    # a class's worker stopped by Ctrl-C ends the groups it tracks: a build's
    # too (an instructor's Ctrl-C left a build's `sleep 30` running)
    children.track(process)
    try:
        output, _ = process.communicate(timeout=manifest.build_timeout)
        late = False
    except subprocess.TimeoutExpired:
        late = True
    finally:
        _kill_group(process.pid)   # whatever it left running
        children.forget(process)
    if late:
        output, _ = process.communicate()
    log_path.write_bytes(output)
    if late:
        raise BuildError(f"`{command}` did not finish within {manifest.build_timeout:g} s of "
                         f"wall clock; killed (its output: {log_path})")
    if process.returncode != 0:
        raise BuildError(f"`{command}` {describe_exit(process.returncode)}: "
                         f"{first_error(output.decode('utf-8', 'replace'))} "
                         f"(whole output: {log_path})")


def _kill_group(pid):
    try:
        os.killpg(pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass


def first_error(text):
    """The line of a compiler's output that says what is wrong first: the
    first line naming an error, else the last line it wrote; with its place
    where the compiler writes that on a line of its own (rustc's `--> file:line:col`)."""
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    if not lines:
        return "it printed nothing"
    index = next((i for i, line in enumerate(lines) if ERROR_WORDS.search(line)), len(lines) - 1)
    chosen = lines[index]
    if len(chosen) > SHOWN_CHARACTERS:
        chosen = chosen[:SHOWN_CHARACTERS] + "..."
    place = next((m.group(1) for line in lines[index + 1:index + 3]
                  if (m := PLACE_BELOW.match(line))), None)
    return f"{chosen} (at {place})" if place else chosen
