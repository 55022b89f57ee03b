"""Benchmarks: speed and memory of every engine side by side, as ratios.

training.py (one moons training step: harness.training's trainers, and the
same step in micrograd 0.1.0 and torch), graphs.py (build + backward of
chains and wide graphs), matrix.py (the parity matrix), standalone.py (the
system's lua5.1/lua5.4/luajit as a cross-check), isolated.py (each
measurement in a fresh child process), results.py / targets.py / report.py
(the JSON, the verdicts, the tables and the plot); cli.py is `python -m
harness bench`.  The graph scripts live in lua/ and run through lua_port's
LuaEngine.run_file.
"""
