"""Benchmarks: speed and memory of every engine side by side, as ratios.

training.py (one moons training step), graphs.py (build + backward of chains
and wide graphs), matrix.py (the parity matrix), report.py (table, JSON,
plot); cli.py is `python -m harness bench`.
"""
