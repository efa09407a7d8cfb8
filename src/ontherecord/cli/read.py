"""CLI: reading articles without a ledger (`extract`) and the bundled walk-through (`demo`)."""

from __future__ import annotations

COMMANDS: list = []
