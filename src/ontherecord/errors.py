"""One exception tree for ontherecord. The CLI turns any of these into a one-line error.

    OntherecordError
    ├── InputError            a file or text we cannot read (missing, binary, empty, too big, no article)
    ├── ExtractionError       the reader failed on one article (parse, extract, resolve)
    ├── ModelError            a trained model that is missing, corrupt or of another version
    ├── SettingsError         settings of the wrong type or out of bounds (one problem per bad value)
    └── LedgerError           the database: not ours, newer schema, integrity problems, a Record it refuses
        ├── LedgerFault       the database itself failed: locked, read-only, disk full, I/O, damaged
        └── NotFoundError     an article or source the ledger does not hold
"""

from __future__ import annotations


class OntherecordError(Exception):
    """Root of every error ontherecord raises on purpose."""


class InputError(OntherecordError):
    """Input we cannot read. The message names the file and the problem."""

    def __init__(self, origin: str, problem: str) -> None:
        super().__init__(f"{origin}: {problem}")
        self.origin = origin
        self.problem = problem


class ExtractionError(OntherecordError):
    """A stage of the reader failed on one article."""

    def __init__(self, origin: str, stage: str, problem: str) -> None:
        super().__init__(f"{origin}: {stage} failed: {problem}")
        self.origin = origin
        self.stage = stage
        self.problem = problem


class ModelError(OntherecordError):
    """A trained model we cannot load."""


class SettingsError(OntherecordError, ValueError):
    """Settings that cannot be used. ``problems`` holds one line per bad value, naming where it came from."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("; ".join(problems))
        self.problems = list(problems)


class LedgerError(OntherecordError):
    """The ledger database refused or cannot be used."""


class NotFoundError(LedgerError):
    """No such article or source in the ledger."""


class LedgerFault(LedgerError):
    """The database itself failed (not one Record): nothing more can be written until it is fixed.

    Attributes:
        kind: what failed (``locked``, ``conflict``, ``unreachable``, ``read_only``, ``disk_full``,
            ``io``, ``corrupt``, ``cannot_open``, ``other``); see ``ontherecord.ledger.faults``.
        transient: True when the same work may succeed later (a lock, a conflict, a lost server).
    """

    def __init__(self, message: str, *, kind: str, transient: bool) -> None:
        super().__init__(message)
        self.kind = kind
        self.transient = transient
