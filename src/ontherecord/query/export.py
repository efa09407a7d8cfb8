"""Stage ⑦: exports of the ledger — JSONL Records, one-row-per-attribution CSV/Parquet, a SQLite copy.

Records and rows are streamed article by article, so an export's memory does not grow with the
archive. Every format carries the text of each span beside its offsets, as citron's format does.

An export only ever creates or replaces a regular file: it refuses, ``--force`` or not, to write onto
the ledger itself (or its -wal/-shm/-journal files), through a symbolic link, onto a device, a FIFO,
a socket or a directory. CSV cells that a spreadsheet would run as a formula are neutralised.
"""

from __future__ import annotations

import csv
import os
import stat
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, Protocol

from ontherecord.errors import OntherecordError
from ontherecord.ledger.engine import sqlite_files
from ontherecord.model import Record
from ontherecord.model.serialize import record_to_json
from ontherecord.model.spans import Spans, spans_text

FORMATS = ("jsonl", "csv", "parquet", "sqlite")

# Column order of the CSV and Parquet exports: one row per attribution.
ATTRIBUTION_COLUMNS = (
    "article_id",
    "title",
    "published",
    "url",
    "attribution_id",
    "kind",
    "confidence",
    "source_id",
    "source_name",
    "source_identification",
    "source_kind",
    "source_text",
    "source_offsets",
    "cue_text",
    "cue_offsets",
    "content_text",
    "content_offsets",
    "qualifiers",
)
_PARQUET_BATCH = 10_000


class ExportError(OntherecordError):
    """An export that cannot be written (missing optional dependency, bad path)."""


class Exportable(Protocol):
    """What an export reads from: the archive's ``Ledger`` (named here by shape, since the archive
    door sits above this module)."""

    @property
    def url(self) -> str: ...

    def latest_records(self) -> Iterator[Record]: ...

    def copy_to_sqlite(self, path: Any) -> dict[str, int]: ...


def attribution_rows(record: Record) -> Iterator[dict[str, Any]]:
    """One flat row per attribution of ``record``; offsets as lists of ``[start, end]`` pairs."""
    a, text = record.article, record.article.text

    def offsets(spans: Spans) -> list[list[int]]:
        return [s.to_list() for s in spans]

    for t in record.attributions:
        source = record.source(t.source_id) if t.source_id else None
        yield {
            "article_id": a.id,
            "title": a.title,
            "published": a.published,
            "url": a.url,
            "attribution_id": t.id,
            "kind": str(t.kind),
            "confidence": t.confidence,
            "source_id": t.source_id,
            "source_name": source.name if source else None,
            "source_identification": str(source.identification) if source else None,
            "source_kind": str(source.kind) if source else None,
            "source_text": spans_text(t.source, text),
            "source_offsets": offsets(t.source),
            "cue_text": spans_text(t.cue, text),
            "cue_offsets": offsets(t.cue),
            "content_text": spans_text(t.content, text),
            "content_offsets": offsets(t.content),
            "qualifiers": [q.kind for q in t.qualifiers],
        }


# A cell starting with one of these is a formula to Excel, LibreOffice or Google Sheets (OWASP's
# "CSV Injection" rule): `=HYPERLINK(...)` in a quoted source's words would run when opened.
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def neutralise_formula(text: str) -> str:
    """``text`` as a spreadsheet shows it but never runs it: a leading ``'`` where it could be a formula."""
    return "'" + text if text.startswith(_FORMULA_STARTS) else text


def _csv_cell(value: Any) -> Any:
    # Spreadsheet-friendly: offsets as "start-end;start-end", qualifier kinds as "a;b".
    if isinstance(value, list):
        value = ";".join("-".join(map(str, v)) if isinstance(v, list) else str(v) for v in value)
    return neutralise_formula(value) if isinstance(value, str) else value


def write_jsonl(records: Iterator[Record], path: Path) -> int:
    n = 0
    with open(path, "w", encoding="utf-8", newline="\n") as fh:
        for record in records:
            fh.write(record_to_json(record) + "\n")
            n += 1
    return n


def write_csv(records: Iterator[Record], path: Path) -> int:
    n = 0
    with open(path, "w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=ATTRIBUTION_COLUMNS)
        writer.writeheader()
        for record in records:
            for row in attribution_rows(record):
                writer.writerow({k: _csv_cell(v) for k, v in row.items()})
                n += 1
    return n


def _require_pyarrow() -> Any:
    try:
        import pyarrow
        import pyarrow.parquet
    except ImportError as exc:
        raise ExportError("Parquet export needs pyarrow: pip install 'ontherecord[parquet]'") from exc
    return pyarrow


def parquet_schema(pa: Any) -> Any:
    offsets = pa.list_(pa.list_(pa.int64()))
    return pa.schema(
        [
            ("article_id", pa.string()),
            ("title", pa.string()),
            ("published", pa.string()),
            ("url", pa.string()),
            ("attribution_id", pa.string()),
            ("kind", pa.string()),
            ("confidence", pa.float64()),
            ("source_id", pa.string()),
            ("source_name", pa.string()),
            ("source_identification", pa.string()),
            ("source_kind", pa.string()),
            ("source_text", pa.string()),
            ("source_offsets", offsets),
            ("cue_text", pa.string()),
            ("cue_offsets", offsets),
            ("content_text", pa.string()),
            ("content_offsets", offsets),
            ("qualifiers", pa.list_(pa.string())),
        ]
    )


def write_parquet(records: Iterator[Record], path: Path) -> int:
    pa = _require_pyarrow()
    import pyarrow.parquet as pq

    schema = parquet_schema(pa)
    n = 0
    with pq.ParquetWriter(str(path), schema) as writer:
        batch: list[dict[str, Any]] = []
        for record in records:
            batch.extend(attribution_rows(record))
            if len(batch) >= _PARQUET_BATCH:
                writer.write_table(pa.Table.from_pylist(batch, schema=schema))
                n += len(batch)
                batch = []
        # An empty archive still gets a file with the schema, so readers need no special case.
        writer.write_table(pa.Table.from_pylist(batch, schema=schema))
        n += len(batch)
    return n


_LEDGER_FILES = ("the ledger itself", "the ledger's write-ahead log", "the ledger's shared-memory file",
                 "the ledger's journal")


def _not_a_regular_file(mode: int) -> str | None:
    kinds = [
        (stat.S_ISLNK, "a symbolic link (name the file itself)"),
        (stat.S_ISDIR, "a directory"),
        (stat.S_ISCHR, "a device"),
        (stat.S_ISBLK, "a device"),
        (stat.S_ISFIFO, "a FIFO"),
        (stat.S_ISSOCK, "a socket"),
    ]
    for test, kind in kinds:
        if test(mode):
            return kind
    return None if stat.S_ISREG(mode) else "not a regular file"


def check_target(ledger_url: str, out: str | os.PathLike[str], *, overwrite: bool) -> Path:
    """The path an export may write to, or an ExportError saying why not; nothing is touched.

    Refused whatever ``overwrite`` says: a symbolic link (even a dangling one), anything but a regular
    file, and the ledger's own files (by path, after resolving links in the folders, and by inode,
    so a hard link is caught too). An existing regular file is refused unless ``overwrite``.
    """
    path = Path(os.path.abspath(out))
    shown = str(out)
    try:
        info: os.stat_result | None = path.lstat()
    except FileNotFoundError:
        info = None
    except OSError as exc:
        raise ExportError(f"{shown}: cannot be written ({exc.strerror})") from exc
    if info is not None and (kind := _not_a_regular_file(info.st_mode)) is not None:
        raise ExportError(f"{shown}: is {kind}; an export writes only a regular file")
    if not path.parent.is_dir():
        raise ExportError(f"{shown}: directory {path.parent} does not exist")
    target = path.parent.resolve() / path.name
    for ledger_file, what in zip(sqlite_files(ledger_url), _LEDGER_FILES, strict=False):
        same = target == ledger_file
        if not same and info is not None and ledger_file.exists():
            same = os.path.samefile(target, ledger_file)
        if same:
            raise ExportError(f"{shown}: that is {what}; choose another output path")
    if info is not None and not overwrite:
        raise ExportError(f"{shown}: already exists (use --force to replace it)")
    return target


def export(ledger: Exportable, fmt: str, out: str | os.PathLike[str], *, overwrite: bool = False) -> int:
    """Write the ledger's latest versions to ``out`` in ``fmt``; returns what was written.

    The count is Records for jsonl, attribution rows for csv/parquet, and attributions copied for
    sqlite. See :func:`check_target` for what ``out`` may be; a refused target is left untouched.

    Raises:
        ExportError: unknown format, a target refused by :func:`check_target`, or pyarrow missing.
    """
    if fmt not in FORMATS:
        raise ExportError(f"unknown export format {fmt!r} (use one of: {', '.join(FORMATS)})")
    path = check_target(ledger.url, out, overwrite=overwrite)
    if fmt == "parquet":
        _require_pyarrow()  # fail before writing anything
    # Written beside the target and moved into place, so a failed export leaves no half file. The
    # partial file is created exclusively (O_EXCL): a link or a file planted under its name is
    # removed, never written through.
    partial = path.with_name(path.name + ".partial")
    partial.unlink(missing_ok=True)
    os.close(os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666))
    writers: dict[str, Callable[[Iterator[Record], Path], int]] = {
        "jsonl": write_jsonl,
        "csv": write_csv,
        "parquet": write_parquet,
    }
    try:
        if fmt == "sqlite":
            n = ledger.copy_to_sqlite(partial).get("attributions", 0)
        else:
            n = writers[fmt](ledger.latest_records(), partial)
        # Checked again at the last moment: the target may have changed while the export ran.
        check_target(ledger.url, out, overwrite=overwrite)
        os.replace(partial, path)
    finally:
        partial.unlink(missing_ok=True)
    return n
