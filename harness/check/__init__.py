"""python -m harness check PORT.toml: check a port someone else wrote.

A port is reached through its manifest (manifest.py): a Lua port through a
sandboxed lupa runtime per Lua version (lua_adapter.py), any other language
through a JSON-lines protocol on a child process (command_adapter.py).  Both
give PortRuntime objects (port.py); the runner runs the corpus on them and
judges every cell by the matrix's rules.

The check itself: cli.py (the command), runner.py (runtimes side by side,
one reference per fixture), lower.py (sum and dot as + and * for a port
without them), verdicts.py (UNSUPPORTED and CONVENTION), probes.py (ops,
numbers, backward twice, determinism, depth), diagnosis.py (the classic bug
behind a pattern of failures) and report_*.py (terminal, JSON, Markdown,
HTML).
"""
