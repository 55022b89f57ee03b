"""The parity matrix: every fixture on every backend (runner), the command
line (cli: python -m harness parity) and the reports (terminal, JSON,
Markdown, HTML)."""
