"""duplicates: an iterative topological sort that lists a node twice.  It
marks a node visited when it appends it, not when it pushes it, so a node
pushed from two parents before it is appended is appended twice, and its
backward runs twice.  Shown by the structural simulation (structural.py,
walks duplicates and duplicates-reversed: children pushed in argument order
or in reverse)."""
from .common import Bug

BUGS = [Bug("duplicates", "a topological order with duplicate nodes",
            "the iterative sort marks a node visited only when it appends it, so a node pushed "
            "from two parents before that is appended twice: its backward runs twice and "
            "everything below it is counted again (which nodes, depends on the order children "
            "are walked: a set's order can change from run to run). Mark a node visited when "
            "it is pushed, or skip a popped node that is already in the order", 11,
            "duplicates", ("micrograd-readme-example",), shown_on="")]
