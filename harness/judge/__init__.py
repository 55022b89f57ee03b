"""The judge: two evaluations of one program and a budget in, a verdict out.

compare (ulps, which values differ), tolerances (what a correct engine may
be off), conventions (where engines may legitimately differ) and verdict
(the cell).  It imports no engine and no command."""
