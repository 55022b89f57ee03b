"""One backend on one program, judged against the reference: the rule the
matrix, its tests and the fuzzer share (budgets, finite differences' relative
mode, known deviations)."""
from . import tolerances
from .compare import FAIL, Cell, compare
from .backends import NotApplicable


def run_backend(backend, program):
    """(evaluation or None, Cell or None): the Cell is ERROR/N/A when it raised."""
    try:
        return backend.evaluate(program), None
    except NotApplicable as exc:
        return None, Cell.not_applicable(str(exc))
    except Exception as exc:  # the backend's own failure is the verdict
        return None, Cell.error(exc)


def budget_for(backend, program, reference):
    return tolerances.node_budgets(program, reference, backend.name)


def judge(backend, program, reference, evaluation, budget=None, noise=None):
    """Compare evaluation (from backend) with reference (python_ref's)."""
    if backend.kind == "fd":
        return compare(reference, evaluation, program, rel_tol=tolerances.FD_REL_TOL,
                       noise=noise if noise is not None else backend.noise)
    if budget is None:
        budget = budget_for(backend, program, reference)
    cell = compare(reference, evaluation, program, budget)
    if cell.status == FAIL:
        why = tolerances.known_deviation(program, reference, backend.name)
        if why:
            return Cell.not_applicable(f"{why} (first difference: {cell.first_fail.describe()})")
    return cell


def evaluate_and_judge(backend, program, reference):
    """Run backend on program and judge it against reference in one go."""
    evaluation, cell = run_backend(backend, program)
    return cell if cell is not None else judge(backend, program, reference, evaluation)
