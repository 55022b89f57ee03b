"""The reports: one RunResult in, the terminal table and files out (JSON,
Markdown, HTML), the same for the parity matrix and for a check."""
