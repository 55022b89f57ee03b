"""The training runs of the lab, written once: the benchmark times them and
the companion checks them.

task.py (what is trained: the moons demo, the lecture's MLP), moons.py (the
moons data), trainer.py (python_ref's trainer) and trainer.lua (the Lua
port's, the same loss graph node for node), torch_trainer.py (torch,
float64, one matrix per layer).
"""
