"""visited-by-value: a visited set that holds values, not nodes.  The sort
marks `seen[v.data]` (or a Java/C# class's equals and hashCode compare data,
or a Python class's __eq__ and __hash__ do), so two different nodes with one
value are one entry: the second is never listed, and its backward never
runs.  Shown by the structural simulation (structural.py, walk by-value)."""
from .common import Bug
from .wording import DEFAULT, LUA, PYTHON

BUGS = [Bug("visited-by-value", "a visited set keyed by value",
            {LUA: "the topological sort keys its visited table by a node's value (seen[v.data]), "
                  "so a node whose value an earlier node (or a number, which becomes a Value) "
                  "had is taken as visited: it is never listed and its backward never runs. "
                  "Key the table by the node itself: seen[v]",
             PYTHON: "the visited set compares nodes by value (__eq__ and __hash__ on data, or a "
                     "set of data), so a node whose value an earlier node (or a number, which "
                     "becomes a Value) had is taken as visited: it is never listed and its "
                     "backward never runs. Keep the default identity __eq__ and __hash__, or "
                     "key the set by id(v)",
             DEFAULT: "the visited set compares nodes by value (equals and hashCode on data, or "
                      "a set of data), so a node whose value an earlier node (or a number, "
                      "which becomes a Value) had is taken as visited: it is never listed and "
                      "its backward never runs. Compare nodes by identity in the visited set "
                      "(Java: an IdentityHashMap's key set)"},
            11.5, "visited-by-value", ("lecture-reuse-ab",))]
