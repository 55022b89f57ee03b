"""open_port(manifest): the port a manifest describes, one PortRuntime per
runtime, whatever its language."""

__all__ = ["open_port"]


def open_port(manifest, runtimes=None):
    """PortRuntime objects for the manifest's port, started and ready to
    evaluate.  runtimes: for a Lua port, a subset of the manifest's runtimes
    (default: all it names); a command port is one runtime, its own process.
    Close each when done."""
    if manifest.language == "command":
        from .command_adapter import open_command_port
        return open_command_port(manifest)
    if manifest.language == "lua":
        unknown = [r for r in runtimes or () if r not in manifest.runtimes]
        if unknown:
            raise ValueError(f"{manifest.shown}: the port does not name runtime "
                             f"{', '.join(unknown)} (it names {', '.join(manifest.runtimes)})")
        from .lua_adapter import open_lua_port
        return open_lua_port(manifest, runtimes)
    raise ValueError(f"{manifest.shown}: unknown language {manifest.language!r}")
