"""python -m micrograd_lab.harness.parity.audit [parity.json]: the CLOSE cells of a parity
report whose candidate is more than half off its reference (relative error
over 0.5), read from each cell's worst value.  A CLOSE checks at least the
leading binary digit of every value, so the list should be empty; exit 1
when it is not."""
import json
import sys
from pathlib import Path

from ..judge.verdict import CLOSE

FAR = 0.5   # a relative error above this leaves not even the leading binary digit


def far_close_cells(report):
    """[(fixture, column, "vs_reference" or "vs_torch", worst value's JSON)]."""
    found = []
    for fixture in report["fixtures"]:
        for column, sides in fixture["cells"].items():
            for side, cell in sorted(sides.items()):
                worst = cell.get("worst") or {}
                if cell["status"] == CLOSE and float(worst.get("rel_err", 0)) > FAR:
                    found.append((fixture["name"], column, side, worst))
    return found


def main(argv=None):
    argv = sys.argv[1:] if argv is None else argv
    path = Path(argv[0] if argv else "report/parity.json")
    try:
        report = json.loads(path.read_text())
        found = far_close_cells(report)
    except (OSError, ValueError, KeyError, TypeError) as exc:
        print(f"{path}: not a readable parity report ({type(exc).__name__}: {exc})",
              file=sys.stderr)
        return 2
    for name, column, side, worst in found:
        print(f"{name}[{column}] {side}: node {worst['node']} {worst['field']}: expected "
              f"{worst['reference']}, got {worst['candidate']} (relative error {worst['rel_err']})")
    on_reference = sum(1 for _, _, side, _ in found if side == "vs_reference")
    print(f"{on_reference} CLOSE cell(s) against python_ref more than half off "
          f"({len(found) - on_reference} more against torch)")
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main())
