"""Stage ⑨: the reader as a PySpark job — mapPartitions over JSONL/WARC/Parquet, Records out as Parquet.

Each Python worker loads the spaCy pipeline once (a module-level cache survives from partition to
partition, since Spark reuses its Python workers) and reads through the same door as the CLI and
the local runner (``pipeline.process_pages``), so a Record read on a cluster is the Record read on
a laptop, and a page that fails is the same Failure.

Run it with ``ontherecord spark --input … --output …`` (local mode, or ``--master URL``), or ship it:

    spark-submit "$(python -c 'import ontherecord.batch.spark as m; print(m.__file__)')" \\
        --input hdfs:///archive/ --output hdfs:///records/

(see docs/scale.md). The output layout and its loader are in :mod:`ontherecord.batch.parquet`.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import sys
from collections import deque
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ontherecord import pipeline
from ontherecord.batch.parquet import FAILURE_COLUMNS, FAILURES_DIR, RECORD_COLUMNS, RECORDS_DIR
from ontherecord.errors import InputError, OntherecordError
from ontherecord.ingest import formats
from ontherecord.model import Failure, Page, Record
from ontherecord.model.serialize import record_to_json
from ontherecord.settings import Settings, load_settings

if TYPE_CHECKING:
    from pyspark.sql import SparkSession

# The formats the job reads, in the order a directory's suffixes are tried; the suffixes of each
# are the one table's (ingest/formats.py), so the job reads exactly the files a local ingest reads.
FORMATS = (formats.JSONL, formats.WARC, formats.PARQUET)

# One pipeline per Python worker process, whatever the number of partitions it serves.
_NLP_CACHE: dict[str, Any] = {}


def _nlp(settings: Settings) -> Any:
    if settings.nlp_package not in _NLP_CACHE:
        _NLP_CACHE[settings.nlp_package] = pipeline.load_nlp(settings)
    return _NLP_CACHE[settings.nlp_package]


def guess_format(path: str) -> str:
    """The input format from a path's suffix, or from the files inside a directory.

    Raises:
        InputError: Nothing in the path says which format it is.
    """
    local = Path(path)
    found = {fmt for _, fmt in formats.walk(local)} if local.is_dir() else {formats.format_of(local)}
    for fmt in FORMATS:
        if fmt in found:
            return fmt
    raise InputError(path, f"cannot tell the input format; pass --format ({'|'.join(FORMATS)})")


def input_files(path: str, fmt: str) -> list[str]:
    """The files of ``fmt`` under ``path`` (a file, or a local directory searched recursively)."""
    local = Path(path)
    if not local.is_dir():
        return [path]
    return sorted(str(p) for p in formats.files_of(local, fmt))


def read_partition(pages: Iterable[Page | Failure], settings: Settings) -> Iterator[tuple[Any, ...]]:
    """Read one partition's pages into output rows ``(kind, id, content_hash, origin, json, stage, message)``.

    ``process_pages`` gives exactly one Record or Failure per page, in order, so the origin of
    each Record is the origin of the page at the same position.
    """
    origins: deque[str] = deque()

    def tracked() -> Iterator[Page | Failure]:
        for page in pages:
            origins.append(page.origin)
            yield page

    for item in pipeline.process_pages(tracked(), _nlp(settings), settings):
        origin = origins.popleft()
        if isinstance(item, Record):
            yield ("record", item.article.id, item.article.content_hash, origin, record_to_json(item), None, None)
        else:
            yield ("failure", None, None, item.origin, None, item.stage, item.message)


def _file_pages(paths: Iterable[str], settings: Settings) -> Iterator[Page | Failure]:
    for path in paths:  # an unreadable file is one failure (the door's policy), not a lost partition
        yield from pipeline.pages(path, settings)


def _row_pages(rows: Iterable[Any], settings: Settings) -> Iterator[Page | Failure]:
    for row in rows:
        data = row.asDict()
        origin = f"{data.pop('_file', '')}#{data.get('id')}"
        # A Parquet row has the fields of a JSONL record, so it gets the same checks and the same Page.
        record = {k: v for k, v in data.items() if v is not None}
        published = record.get("published")
        if published is not None and hasattr(published, "isoformat"):  # a Parquet date or timestamp column
            record["published"] = published.isoformat()
        yield pipeline.page_from_fields(record, origin, settings)


def make_session(master: str | None = None, app_name: str = "ontherecord") -> SparkSession:
    """A SparkSession: the given master, spark-submit's when launched by it, else local mode.

    Local mode binds to 127.0.0.1, turns the UI off and runs executors on this interpreter,
    so the job sees the same installed ontherecord and spaCy pipeline as the caller.
    """
    from pyspark.sql import SparkSession

    builder = SparkSession.builder.appName(app_name)
    submitted = "PYSPARK_GATEWAY_PORT" in os.environ  # spark-submit already chose the master
    if master is None and not submitted:
        master = "local[*]"
    if master is not None:
        builder = builder.master(master)
    if master is not None and master.startswith("local"):
        os.environ.setdefault("SPARK_LOCAL_IP", "127.0.0.1")
        os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
        os.environ.setdefault("PYSPARK_DRIVER_PYTHON", sys.executable)
        builder = (
            builder.config("spark.ui.enabled", "false")
            .config("spark.driver.host", "127.0.0.1")
            .config("spark.driver.bindAddress", "127.0.0.1")
            .config("spark.sql.shuffle.partitions", "4")
            .config("spark.python.worker.reuse", "true")
            .config("spark.ui.showConsoleProgress", "false")
        )
    try:
        return builder.getOrCreate()
    except Exception as exc:  # no Java, a wrong JAVA_HOME, an unreachable master: one line for the user
        hint = " (is Java installed? scripts/java.sh installs it)" if shutil.which("java") is None else ""
        raise OntherecordError(f"cannot start Spark{hint}: {type(exc).__name__}: {exc}") from exc


def run_job(
    input_path: str,
    output: str,
    fmt: str | None = None,
    *,
    settings: Settings | None = None,
    spark: SparkSession | None = None,
    master: str | None = None,
    partitions: int | None = None,
) -> dict[str, int]:
    """Read every article of ``input_path`` on Spark and write Records and failures as Parquet.

    Args:
        input_path: A JSONL/WARC file or directory, or a Parquet file/directory with columns
            ``id, url, title, published, text`` (or ``html``).
        output: The output directory; ``records/`` and ``failures/`` are (over)written inside it.
        fmt: ``jsonl``, ``warc`` or ``parquet``; guessed from the suffixes when None.
        settings: Reader settings, shipped to the executors.
        spark: An existing session (tests); else one from :func:`make_session`.
        master: Spark master URL when no session is given (``local[4]``, ``spark://…``, ``yarn``).
        partitions: Partitions to read with (default: one per input file, or Spark's choice for Parquet).

    Returns:
        ``{"records": n, "failures": m}``.

    Raises:
        InputError: The input does not exist or its format cannot be told.
    """
    settings = settings or Settings()
    is_remote = "://" in input_path and not input_path.startswith("file://")
    if not is_remote and not Path(input_path).exists():
        raise InputError(input_path, "no such file or directory")
    fmt = fmt or guess_format(input_path)
    if fmt not in FORMATS:
        raise InputError(input_path, f"unknown format {fmt!r}; use one of {', '.join(FORMATS)}")
    own_session = spark is None
    spark = spark or make_session(master)
    try:
        return _run(spark, input_path, output, fmt, settings, partitions)
    finally:
        if own_session:
            spark.stop()


def _run(
    spark: SparkSession, input_path: str, output: str, fmt: str, settings: Settings, partitions: int | None
) -> dict[str, int]:
    from pyspark import StorageLevel
    from pyspark.sql.types import StringType, StructField, StructType

    sc = spark.sparkContext

    if fmt == "parquet":
        from pyspark.sql.functions import input_file_name

        frame = spark.read.parquet(input_path).withColumn("_file", input_file_name())
        if partitions:
            frame = frame.repartition(partitions)
        rows = frame.rdd.mapPartitions(lambda it: read_partition(_row_pages(it, settings), settings))
    else:
        files = input_files(input_path, fmt)
        if not files:
            raise InputError(input_path, f"no {fmt} files in this directory")
        # Readers stream each file, so a file is the natural unit of work; origins stay path:line.
        rdd = sc.parallelize(files, partitions or len(files))
        rows = rdd.mapPartitions(lambda it: read_partition(_file_pages(it, settings), settings))

    # Both outputs come from one pass over the input: parsing twice would double the job's cost.
    rows = rows.persist(StorageLevel.MEMORY_AND_DISK)
    try:
        record_schema = StructType([StructField(c, StringType(), c != "id") for c in RECORD_COLUMNS])
        failure_schema = StructType([StructField(c, StringType(), True) for c in FAILURE_COLUMNS])
        records = rows.filter(lambda r: r[0] == "record").map(lambda r: (r[1], r[2], r[3], r[4]))
        failures = rows.filter(lambda r: r[0] == "failure").map(lambda r: (r[3], r[5], r[6]))
        spark.createDataFrame(records, record_schema).write.mode("overwrite").parquet(
            f"{output.rstrip('/')}/{RECORDS_DIR}"
        )
        spark.createDataFrame(failures, failure_schema).write.mode("overwrite").parquet(
            f"{output.rstrip('/')}/{FAILURES_DIR}"
        )
        return {"records": records.count(), "failures": failures.count()}
    finally:
        rows.unpersist()


def main(argv: list[str] | None = None) -> int:
    """``python -m ontherecord.batch.spark`` / ``spark-submit …/spark.py``: run the job, print counts as JSON."""
    parser = argparse.ArgumentParser(prog="ontherecord.batch.spark", description=__doc__.splitlines()[0])
    parser.add_argument("--input", required=True, help="JSONL/WARC/Parquet file or directory")
    parser.add_argument("--output", required=True, help="output directory (records/ and failures/)")
    parser.add_argument("--format", choices=FORMATS, help="input format (default: from the suffixes)")
    parser.add_argument("--master", help="Spark master URL (default: spark-submit's, else local[*])")
    parser.add_argument("--partitions", type=int, help="partitions to read with")
    parser.add_argument("--config", help="a TOML file of ontherecord settings")
    args = parser.parse_args(argv)
    try:
        counts = run_job(
            args.input,
            args.output,
            args.format,
            settings=load_settings(args.config),
            master=args.master,
            partitions=args.partitions,
        )
    except OntherecordError as exc:
        print(f"Error: {exc}", file=sys.stderr)
        return 1
    print(json.dumps(counts))
    return 0


if __name__ == "__main__":
    # Under spark-submit this file runs as __main__; take the functions from the importable module
    # instead, so the executors unpickle them by reference and share its pipeline cache.
    from ontherecord.batch.spark import main as _main

    sys.exit(_main())
