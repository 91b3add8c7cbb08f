"""Helpers of the reliability tests (tests/reliability): a fault server, the fault table,
the CLI runner, store checks and the fault matrix of docs/reliability.md."""
