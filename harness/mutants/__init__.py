"""mglab mutants: how many real bugs the parity checks catch.

Each mutant (table.py) is a classic port mistake planted into a copy of
python_ref or lua_port (plant.py).  The copy is then checked the way a
user's port is checked (run.py): the corpus through harness.check's
adapters, plus an nn oracle for the nn library.  A mutant is caught on a
runtime when any cell fails or errs; the score per runtime family is
caught / planted, and every survivor is either killed by a new fixture or
listed as equivalent with its reason.
"""
