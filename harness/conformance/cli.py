"""mglab check-driver PORT.toml: does the manifest's driver speak
the port protocol (docs/protocol.md)?

Runs the trials of trials.py on the command the manifest names (after its
build, if it has one) and prints one line per trial: `ok` and what it saw,
or `PROBLEM` and what the driver did wrong.  It judges the driver, not the
port: values that only the port decides are never compared with python_ref.
Exit 0 when the driver is conformant, 1 when a trial found a problem, 2 for
a bad manifest or a build that fails (one line).
"""
import sys
from pathlib import Path

from ..engines.build import BuildError, ensure_built
from ..engines.manifest import ManifestError, load_manifest
from .trials import STOPPED, TRIALS, run_trials

USAGE_ERROR = 2


def add_arguments(parser):
    parser.add_argument("manifest", type=Path, metavar="PORT.toml",
                        help="the manifest of a command port (docs/protocol.md)")


def main(args):
    try:
        manifest = load_manifest(args.manifest)
    except ManifestError as error:
        print(error, file=sys.stderr)
        return USAGE_ERROR
    if manifest.language != "command":
        print(f"{manifest.shown}: [port] language: check-driver tries the driver of a command "
              f"port; this port is {manifest.language!r} (lupa runs it, no driver)",
              file=sys.stderr)
        return USAGE_ERROR
    try:
        ensure_built(manifest, say=lambda text: print(text, file=sys.stderr))
    except BuildError as error:
        print(manifest.error(["port", "build"], error), file=sys.stderr)
        return USAGE_ERROR

    def report(outcome):
        if outcome.problem:
            print(f"PROBLEM  {outcome.trial}: {outcome.problem}", flush=True)
        else:
            print(f"ok       {outcome.trial}: {outcome.detail}", flush=True)

    outcomes = run_trials(manifest, report)
    problems = sum(1 for o in outcomes if o.problem)
    if problems:
        # a port that does not load (a syntax error, a missing module) stops
        # its driver before the hello: the driver's protocol is not in question
        stopped = any(o.problem and o.problem.startswith(STOPPED) for o in outcomes)
        print(f"{manifest.shown}: {problems} problem{'s' if problems > 1 else ''} in "
              f"{len(outcomes)} of {len(TRIALS)} trials: " +
              ("the command stops before its hello; the stderr quoted above says whether the "
               "driver or the port it loads is at fault" if stopped else
               "the driver does not speak the protocol as docs/protocol.md says"))
        return 1
    print(f"{manifest.shown}: the driver speaks the protocol ({len(TRIALS)} trials passed)")
    return 0
