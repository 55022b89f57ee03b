"""The nn half: a port's own Neuron, Layer and MLP, checked like its Values.

The lab builds the port's MLP of given sizes with given parameters (no PRNG
needed), runs it forward and backward on a loss, then a few SGD steps, and
compares every parameter's gradient and every loss with python_ref's nn
(python_ref/nn.py) by the engine's budget, carried through an equivalent
Program (docs/protocol.md, "The nn half").

    request.py    what a port is asked and what it answers (MlpRequest, MlpAnswer)
    cases.py      the lab's cases: the lecture's MLP, SGD steps of the moons task
    reference.py  python_ref's nn on a request, and the equivalent Program
    cell.py       one case on one engine: its verdict (a Cell), as a corpus row

An engine answers a request with Engine.mlp (harness/engines/base.py): a
Lua port through its manifest's [nn] expressions, a command port through
the protocol's `mlp` request.
"""
