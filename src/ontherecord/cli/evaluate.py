"""CLI: evaluate commands."""

COMMANDS: list = []
