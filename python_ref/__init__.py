"""The Python reference engine: Value (engine), Neuron/Layer/MLP (nn), Rng (rng)."""
from .engine import Value
from .nn import MLP, Layer, Module, Neuron
from .rng import Rng

__all__ = ["Value", "Module", "Neuron", "Layer", "MLP", "Rng"]
