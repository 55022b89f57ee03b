"""Each Lua runtime, through lua_port's sandboxed bridge (one LuaEngine per
runtime per process, reused for every fixture)."""


class LuaBackend:
    kind = "lua"

    def __init__(self, runtime, engine):
        self.name = runtime
        self.engine = engine
        self.version = getattr(engine, "version", runtime)

    def evaluate(self, program):
        result = self.engine.evaluate(program.to_plain())
        return {node: (_float(data), _float(grad)) for node, (data, grad) in result.items()}


def _float(x):
    return None if x is None else float(x)


def make_lua_backend(runtime):
    from . import UnavailableBackend
    try:
        import lua_port
        if runtime not in lua_port.available_runtimes():
            return UnavailableBackend(runtime, "lupa has no such runtime here")
        return LuaBackend(runtime, lua_port.LuaEngine(runtime))
    except Exception as exc:  # no lupa, no such runtime, a port that fails to load
        return UnavailableBackend(runtime, f"lua_port cannot be loaded ({exc})")
