"""no-topo: no topological sort at all.  backward recurses: each node runs
its backward and then calls its children's, so a node's backward runs once
per path from the output, each time passing on the gradient it has gathered
so far.  Shown by the structural simulation (structural.py, walk no-topo)."""
from .common import Bug

BUGS = [Bug("no-topo", "backward without a topological order",
            "backward recurses from each node into its children, so a node reached by "
            "several paths runs its backward once per path, each time passing on all the "
            "gradient it has so far: gradients are multiplied, and a graph with much reuse "
            "takes exponential time. Sort the nodes once (depth-first, with a visited set) "
            "and run each node's backward once, in reversed order", 10, "no-topo",
            ("micrograd-sanity-check",))]
