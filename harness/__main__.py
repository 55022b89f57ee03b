"""mglab COMMAND: the lab's command line.

Each command lives in its own module with add_arguments(parser) and
main(args) -> exit code; they are imported only when used.
"""
import argparse
import gc
import importlib
import sys

# command -> (its module, relative to this package; what it does)
COMMANDS = {
    "parity": (".parity.cli", "run every fixture on every backend and report the matrix"),
    "fuzz": (".fuzz.cli", "differential fuzzing of random expression graphs"),
    "plots": (".companion.plots_cli", "draw every figure into plots/"),
    "notes": (".companion.notes_cli", "walk through the lecture, every claim computed live"),
    "bench": (".bench.cli", "speed and memory side by side with micrograd 0.1.0"),
    "mutants": (".mutants.cli", "plant classic port bugs into the engines and score how many the checks catch"),
    "check": (".check.cli", "check your own micrograd port (a manifest) against python_ref"),
    "check-driver": (".conformance.cli",
                     "check that a command port's driver speaks the port protocol"),
    "merge": (".check.merge", "join the class summaries of check --shard runs into one"),
}
INTERRUPTED_EXIT = 130   # the shell's code for a process ended by SIGINT


def main(argv=None):
    parser = argparse.ArgumentParser(prog="mglab", description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for name, (module_name, help_text) in COMMANDS.items():
        command = sub.add_parser(name, help=help_text, description=help_text)
        command.set_defaults(module_name=module_name)
        # Arguments are added lazily: only the chosen command's module is imported.
    argv = sys.argv[1:] if argv is None else argv
    known, _ = parser.parse_known_args(argv[:1])
    module = importlib.import_module(known.module_name, __package__)
    command_parser = argparse.ArgumentParser(prog=f"mglab {known.command}",
                                             description=COMMANDS[known.command][1])
    module.add_arguments(command_parser)
    return module.main(command_parser.parse_args(argv[1:]))


def interruptible(argv=None):
    """main(), with Ctrl-C as one line and exit 130 wherever it lands (each
    command stops its own workers and writes its partial report first)."""
    try:
        return main(argv)
    except KeyboardInterrupt:
        print("interrupted (Ctrl-C)", file=sys.stderr)
        return INTERRUPTED_EXIT


def cli(argv=None):
    """The mglab command: interruptible(), then an exit that skips the heap.
    Python's exit collects garbage over every object still alive, and after
    a parity run (the corpus, torch) that walk takes most of a second; there
    is nothing left worth collecting, so every object is frozen out of it."""
    code = interruptible(argv)
    gc.freeze()
    return code


if __name__ == "__main__":
    sys.exit(cli())
