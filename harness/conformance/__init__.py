"""mglab check-driver PORT.toml: does a driver speak the port
protocol (docs/protocol.md), whatever its port computes?

trials.py holds the trials, session.py the protocol page's example session,
cli.py the command.
"""
