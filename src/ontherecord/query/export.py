"""Stage ⑦: exports of the ledger — JSONL Records, one-row-per-attribution CSV/Parquet, a SQLite copy.

Records and rows are streamed article by article, so an export's memory does not grow with the
archive. Every format carries the text of each span beside its offsets, as citron's format does.
"""

from __future__ import annotations

import csv
import os
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, Protocol

from ontherecord.errors import OntherecordError
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


def _csv_cell(value: Any) -> Any:
    # Spreadsheet-friendly: offsets as "start-end;start-end", qualifier kinds as "a;b".
    if isinstance(value, list):
        return ";".join("-".join(map(str, v)) if isinstance(v, list) else str(v) for v in value)
    return value


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


def export(ledger: Exportable, fmt: str, out: str | os.PathLike[str], *, overwrite: bool = False) -> int:
    """Write the ledger's latest versions to ``out`` in ``fmt``; returns what was written.

    The count is Records for jsonl, attribution rows for csv/parquet, and attributions copied for
    sqlite. An existing ``out`` is refused unless ``overwrite``, and the ledger's own file always is.

    Raises:
        ExportError: unknown format, an existing file, a missing directory, or pyarrow missing.
    """
    if fmt not in FORMATS:
        raise ExportError(f"unknown export format {fmt!r} (use one of: {', '.join(FORMATS)})")
    path = Path(out)
    ledger_file = Path(ledger.url).resolve() if "://" not in ledger.url and ledger.url != ":memory:" else None
    if ledger_file is not None and path.resolve() == ledger_file:
        raise ExportError(f"{path}: that is the ledger itself; choose another output path")
    if path.exists() and not overwrite:
        raise ExportError(f"{path}: already exists (use --force to replace it)")
    if not path.parent.is_dir():
        raise ExportError(f"{path}: directory {path.parent} does not exist")
    if fmt == "parquet":
        _require_pyarrow()  # fail before writing anything
    # Written beside the target and moved into place, so a failed export leaves no half file.
    partial = path.with_name(path.name + ".partial")
    partial.unlink(missing_ok=True)
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
        os.replace(partial, path)
    finally:
        partial.unlink(missing_ok=True)
    return n
