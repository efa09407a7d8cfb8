"""CLI: batch commands."""

COMMANDS: list = []
