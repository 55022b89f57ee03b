"""mglab's command line run in this process, as the CLI tests use it."""
from micrograd_lab.harness.__main__ import main


def harness(argv, capsys):
    """(exit code, stdout, stderr) of `mglab ARGV`; argparse's SystemExit
    is an exit code like any other."""
    try:
        code = main([str(a) for a in argv])
    except SystemExit as exit_:
        code = exit_.code
    out, err = capsys.readouterr()
    return code, out, err
