"""CLI: ledger commands."""

COMMANDS: list = []
