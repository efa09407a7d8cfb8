"""CLI: export commands."""

COMMANDS: list = []
