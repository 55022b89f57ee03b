"""Each Lua runtime, through lua_port's sandboxed bridge (one LuaEngine per
runtime per process, reused for every fixture)."""


class LuaBackend:
    kind = "lua"

    def __init__(self, runtime, engine):
        self.name = runtime
        self.engine = engine
        self.version = getattr(engine, "version", runtime)

    def evaluate(self, program):
        # floats already, -0.0 kept (see LuaEngine.evaluate)
        return self.engine.evaluate(_flat(program))


# The last program flattened, for the next runtime asked to run it (the
# matrix runs one program on seven runtimes in a row).
_LAST = [None, None]


def _flat(program):
    if _LAST[0] is not program:
        from lua_port import flatten_program
        _LAST[:] = [program, flatten_program(program)]
    return _LAST[1]


def make_lua_backend(runtime):
    from .base import UnavailableBackend
    try:
        import lua_port
        if runtime not in lua_port.available_runtimes():
            return UnavailableBackend(runtime, "lupa has no such runtime here")
        return LuaBackend(runtime, lua_port.LuaEngine(runtime))
    except Exception as exc:  # no lupa, no such runtime, a port that fails to load
        return UnavailableBackend(runtime, f"lua_port cannot be loaded ({exc})")
