"""mglab parity: the registry's engines on every fixture,
against python_ref and torch (cli.py), and the tools that look closer at
its Lua columns (jit_diff, jit_coverage) and at its report (audit)."""
