"""python -m harness check PORT.toml: check a port someone else wrote.

A port is reached through its manifest (manifest.py): a Lua port through a
sandboxed lupa runtime per Lua version (lua_adapter.py), any other language
through a JSON-lines protocol on a child process (command_adapter.py).  Both
give PortRuntime objects (port.py); the runner runs the corpus on them and
judges every cell by the matrix's rules.
"""
