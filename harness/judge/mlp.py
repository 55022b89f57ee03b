"""The verdict on one pass of a port's MLP (harness/nn): its loss and its
parameters' gradients against python_ref's nn, by the engine's budget
carried through the equivalent Program, as a fixture's cell is judged.

A port's Neuron adds b + w . x in an order of its own (micrograd's sum()
from b, or w . x first, then b): the dot nodes that stand for its neurons
count every rounding (node_budgets' free_order), the rest is the engine's
budget as it is.
"""
from .tolerances import UlpAllowance, node_budgets
from .verdict import decide

FREE_ORDER = frozenset({"dot"})   # the equivalent Program's neurons


def mlp_budgets(budget, program, reference):
    """{node: (data ulps, grad ulps)} of an engine's MLP on the equivalent
    program, python_ref's values of its every node given."""
    return node_budgets(program, reference, budget.table, bool(budget.reorders), FREE_ORDER)


def judge_pass(judged, reference, candidate, budgets):
    """A Cell: candidate against reference, evaluations of the program judged
    (what a port answers: the loss's data, the parameters' gradients);
    budgets() gives mlp_budgets (asked only when a value differs)."""
    return decide(reference, candidate, judged, UlpAllowance(budgets))
