"""no-topo: no topological sort at all.  backward recurses: each node runs
its backward and then calls its children's, so a node's backward runs once
per path from the output, each time passing on the gradient it has gathered
so far.  Shown by the structural simulation (structural.py, walk no-topo).
A sort without a visited set whose children come in reverse (a Python
set of two) walks exactly so, reversed: where the same runtime shows the
sort without a visited set on another fixture, this joins it."""
from .common import Bug

BUGS = [Bug("no-topo", "backward without a topological order",
            "backward recurses from each node into its children, so a node reached by "
            "several paths runs its backward once per path, each time passing on all the "
            "gradient it has so far: gradients are multiplied, and a graph with much reuse "
            "takes exponential time (a sort without a visited set that takes the children in "
            "reverse order walks the same way). Sort the nodes once (depth-first, with a "
            "visited set) and run each node's backward once, in reversed order", 10, "no-topo",
            ("micrograd-sanity-check",), joins=("no-visited",))]
