"""lua_port: micrograd in plain Lua (micrograd/*.lua), and how Python runs it.

    runtimes.py   the seven Lua runtimes lupa ships (RUNTIMES), which load here
    wire.py       how a program crosses into Lua (flatten) and its results back
    bridge.py     sandboxed lupa runtimes: LuaSandbox, and LuaEngine with our port
    sandbox.lua   the trusted Lua half of the bridge
    interpret.lua the program interpreter for our port; interpret_port.lua
                  the one for any port, through its manifest's expressions;
                  interpret_nn.lua the nn half's loop on any port's own MLP
"""
from .bridge import (MODULE_FILES, LuaBudgetError, LuaEngine, LuaError, LuaMemoryLimitError,
                     LuaSandbox, read_modules)
from .runtimes import RUNTIMES, available_runtimes, lupa_module
from .wire import flatten, flatten_program

__all__ = ["RUNTIMES", "available_runtimes", "lupa_module", "flatten", "flatten_program",
           "LuaSandbox", "LuaEngine",
           "LuaError", "LuaBudgetError", "LuaMemoryLimitError", "read_modules", "MODULE_FILES"]
