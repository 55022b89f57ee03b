"""mglab check PORT.toml: check a port someone else wrote, a
thin command over the engine layer (the engines its manifest opens,
harness/engines/open.py), the runner (harness/run.py, with the probes and
the diagnoses) and the reports (harness/reports/)."""
