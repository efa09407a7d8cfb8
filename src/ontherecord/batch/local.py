"""Stage ⑨: ingest whole archives on one machine — stream, parse in N processes, write in batches, resume.

Crash safety comes from the design, not from a journal: the only state is the ledger itself.
Every batch of Records is one transaction, writes are idempotent by (article id, content hash),
and a page whose version the ledger already holds is skipped before parsing. So ``kill -9`` at
any moment loses at most the batch in flight, and running again finishes the job with every
article exactly once.

Ctrl-C is the same story told gently: the Records already parsed are stored in one last
transaction, the workers are stopped, and :class:`IngestInterrupted` carries the summary of what
was stored, so the CLI can say so and that the same command resumes.
"""

from __future__ import annotations

import logging
import multiprocessing
import os
import signal
import stat
import threading
import time
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ontherecord import pipeline
from ontherecord.batch.progress import Progress
from ontherecord.errors import InputError, LedgerError, LedgerFault, OntherecordError
from ontherecord.ingest import formats
from ontherecord.model import Failure, Page, Record
from ontherecord.pipeline import Cleaned
from ontherecord.settings import Settings

if TYPE_CHECKING:
    from ontherecord.archive import Ledger

log = logging.getLogger(__name__)

# Records per ledger transaction: large enough to amortise the commit, small enough that a crash
# throws away little work and that the parent never holds many Records at once.
WRITE_BATCH = 32

# Failures kept in the summary for the user to see at once; the ledger keeps every one.
SHOWN_FAILURES = 10

@dataclass(slots=True)
class IngestSummary:
    """What one ingest run did.

    Attributes:
        read: Pages the readers produced (including the ones that failed to read).
        new: Articles written for the first time.
        new_versions: Articles whose id was known but whose text changed.
        unchanged: Articles parsed and written that the ledger already had (a duplicate in the archive).
        skipped: Articles the ledger already held, skipped before parsing.
        failed: Pages that failed (recorded in the failures table, unless counted in ``unrecorded``).
        unrecorded: Failures the ledger could not take (it stayed locked, say); a re-run meets them again.
        words: Words in the articles that were parsed.
        seconds: Wall-clock time of the run.
        jobs: Worker processes used.
        failures: The first few failures of this run (all of them are in the ledger).
        interrupted: The run was stopped by Ctrl-C (what was parsed before it is stored).
    """

    read: int = 0
    new: int = 0
    new_versions: int = 0
    unchanged: int = 0
    skipped: int = 0
    failed: int = 0
    unrecorded: int = 0
    words: int = 0
    seconds: float = 0.0
    jobs: int = 1
    failures: list[Failure] = field(default_factory=list)
    interrupted: bool = False

    @property
    def stored(self) -> int:
        """Articles this run wrote (new, new versions and unchanged duplicates)."""
        return self.new + self.new_versions + self.unchanged

    def to_dict(self) -> dict[str, Any]:
        """The summary as a plain dict (what ``ingest --format json`` prints)."""
        data = asdict(self)
        data["failures"] = [asdict(f) for f in self.failures]
        data["seconds"] = round(self.seconds, 3)
        data["words_per_s"] = round(self.words / self.seconds, 1) if self.seconds else 0.0
        return data


class IngestInterrupted(KeyboardInterrupt):
    """Ctrl-C stopped :func:`ingest_paths`; every Record parsed before it was stored first.

    A KeyboardInterrupt still, so code that stops on Ctrl-C stops on this too.

    Attributes:
        summary: What the run did up to the interrupt (``summary.interrupted`` is True).
    """

    def __init__(self, summary: IngestSummary) -> None:
        super().__init__("ingest interrupted")
        self.summary = summary


# --- worker processes ------------------------------------------------------------------------

# One spaCy pipeline per worker process, loaded by the pool's initializer (never per chunk).
_WORKER: dict[str, Any] = {}


def _watch_parent(parent: int) -> None:
    # If the ingest process is killed (kill -9 included) the pool cannot tell its workers; without
    # this they would wait on their queue forever, each holding a loaded pipeline. Under forkserver
    # the worker's own parent is the fork server, which exits when the ingest process dies.
    direct = os.getppid()
    while True:
        time.sleep(1.0)
        try:
            os.kill(parent, 0)
        except ProcessLookupError:
            os._exit(1)
        except PermissionError:  # the pid now belongs to someone else: ours is gone
            os._exit(1)
        if os.getppid() != direct:
            os._exit(1)


def init_worker(settings: Settings, parent: int) -> None:
    """Pool initializer: load the spaCy pipeline once for this worker; exit if ``parent`` dies."""
    # Ctrl-C reaches the whole process group; the parent decides what happens (store, then stop us).
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    threading.Thread(target=_watch_parent, args=(parent,), daemon=True).start()
    _WORKER["settings"] = settings
    _WORKER["nlp"] = pipeline.load_nlp(settings)


def read_chunk(jobs: list[Cleaned]) -> list[Record | Failure]:
    """Pool task: the door's ``read_cleaned`` with the worker's own pipeline and settings."""
    return pipeline.read_cleaned(jobs, _WORKER["nlp"], _WORKER["settings"])


def worker_rss_mb() -> float:
    """Peak resident memory of the calling process, in MiB (used by the benchmark)."""
    import resource

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def rss_probe() -> tuple[int, float]:
    """Pool task: this worker's pid and peak RSS. It lingers a moment so each worker takes one probe."""
    time.sleep(0.3)
    return os.getpid(), worker_rss_mb()


def pool_context() -> multiprocessing.context.BaseContext:
    """The start method for worker pools: forkserver where available, else spawn."""
    # fork would copy the parent's SQLite connection and any half-loaded state; forkserver
    # (Linux) and spawn start clean, and the initializer loads the pipeline once per worker.
    methods = multiprocessing.get_all_start_methods()
    return multiprocessing.get_context("forkserver" if "forkserver" in methods else "spawn")


def _result(chunk: list[Cleaned], future: Future[list[Record | Failure]]) -> list[Record | Failure]:
    try:
        return future.result()
    except BrokenProcessPool as exc:
        # Killed by the OS (out of memory) or crashed in native code: everything written so far is
        # kept, and a re-run resumes after it.
        raise OntherecordError(
            f"a worker process died while reading {chunk[0].origin} (and {len(chunk) - 1} more); "
            "articles already stored are kept: run the same command again to resume"
        ) from exc


def _ordered_map(
    chunks: Iterable[list[Cleaned]], settings: Settings, jobs: int, on_rss: list[float] | None = None
) -> Iterator[tuple[list[Cleaned], list[Record | Failure]]]:
    """Yield each chunk with its results, in input order, keeping at most 2×jobs chunks in flight.

    ``Pool.imap`` would drain the whole input into its task queue; a bounded window is what
    keeps memory flat however large the archive is.
    """
    if jobs <= 1:
        # Loaded at the first chunk, not before: a re-run that skips everything never loads spaCy.
        for chunk in chunks:
            yield chunk, pipeline.read_cleaned(chunk, pipeline.load_nlp(settings), settings)
        return
    with ProcessPoolExecutor(
        max_workers=jobs,
        mp_context=pool_context(),
        initializer=init_worker,
        initargs=(settings, os.getpid()),
    ) as pool:
        window: deque[tuple[list[Cleaned], Future[list[Record | Failure]]]] = deque()
        try:
            for chunk in chunks:
                window.append((chunk, pool.submit(read_chunk, chunk)))
                if len(window) >= 2 * jobs:
                    done, future = window.popleft()
                    yield done, _result(done, future)
            while window:
                done, future = window.popleft()
                yield done, _result(done, future)
            if on_rss is not None:
                probes = dict(f.result() for f in [pool.submit(rss_probe) for _ in range(jobs)])
                on_rss.extend(probes.values())
        except KeyboardInterrupt:
            # Chunks the workers already finished are parsed work: hand them over, in input order
            # up to the first unfinished one (a later version must never be stored before an earlier).
            ready = []
            while window and _finished(window[0][1]):
                ready.append(window.popleft())
            _stop_workers(pool, window)
            for done, future in ready:
                yield done, future.result()
            raise
        except BaseException:
            _stop_workers(pool, window)
            raise


def _finished(future: Future[list[Record | Failure]]) -> bool:
    return future.done() and not future.cancelled() and future.exception() is None


def _stop_workers(
    pool: ProcessPoolExecutor, window: Iterable[tuple[list[Cleaned], Future[list[Record | Failure]]]]
) -> None:
    """Stop the pool now: queued chunks are cancelled, running ones abandoned with their workers.

    Workers only parse (they hold no ledger connection), so ending them loses nothing stored;
    waiting instead would keep a Ctrl-C'd run alive until every running chunk was done.
    """
    for _, future in window:
        future.cancel()
    pool.shutdown(wait=False, cancel_futures=True)
    # ProcessPoolExecutor has no public way to end its workers before Python 3.14's terminate_workers().
    terminate = getattr(pool, "terminate_workers", None)
    if terminate is not None:
        terminate()
    else:
        for process in list((getattr(pool, "_processes", None) or {}).values()):
            process.terminate()


# --- counting, cheaply ------------------------------------------------------------------------

_COUNT_BYTES_LIMIT = 1 << 30  # counting lines of a bigger JSONL costs more than the ETA is worth


def count_pages(paths: Sequence[Path]) -> int | None:
    """How many pages the readers will produce, if that is cheap to know; else None.

    Directories count their article files (``formats.walk``: no hidden files, no README), a JSONL
    file its non-blank lines while the JSONL files total under 1 GiB, a single file one page. A WARC
    or gzipped JSONL file makes the total unknown, since counting would mean reading it all.
    """
    total = 0
    budget = _COUNT_BYTES_LIMIT
    for path in paths:
        for file, fmt in _files(path):
            if fmt is None:
                continue
            if not formats.is_countable(file):
                return None
            if fmt == formats.JSONL and _is_regular(file):
                budget -= file.stat().st_size
                if budget < 0:
                    return None
                with file.open("rb") as fh:
                    total += sum(1 for line in fh if line.strip())
            else:
                # One page, or one failure: a FIFO, a device or a link loop is never opened to count it.
                total += 1
    return total


def _is_regular(path: Path) -> bool:
    try:
        return stat.S_ISREG(path.stat().st_mode)
    except OSError:
        return False


def _files(path: Path) -> Iterator[tuple[Path, str | None]]:
    """The files the readers would visit, with the format they read each as (None: not read)."""
    if not path.is_dir():
        # A file named on its own is read whatever its name: an unknown one is sniffed as one article.
        yield path, formats.format_of(path) or formats.TEXT
        return
    for file, fmt in formats.walk(path):
        yield file, fmt if fmt in formats.READABLE else None


# --- the run ----------------------------------------------------------------------------------


def _words(text: str) -> int:
    return len(text.split())


def ingest_paths(
    paths: Iterable[str | Path],
    settings: Settings,
    *,
    jobs: int = 1,
    progress: bool = True,
    ledger: Ledger | None = None,
    worker_rss: list[float] | None = None,
) -> IngestSummary:
    """Read every article under ``paths`` into the ledger at ``settings.db``.

    Args:
        paths: Files, directories, JSONL or WARC files, in the order to read them.
        settings: Settings; ``settings.db`` names the ledger unless ``ledger`` is given.
        jobs: Worker processes that parse and read (1: in this process).
        progress: Draw a progress line on stderr.
        ledger: An open ledger to write to instead of opening ``settings.db``.
        worker_rss: If given, receives each worker's peak RSS in MiB at the end (benchmarks).

    Returns:
        An :class:`IngestSummary` of the run.

    Raises:
        InputError: A path does not exist (checked before anything is written).
    """
    started = time.monotonic()
    roots = [Path(p) for p in paths]
    for path in roots:
        if not path.exists() and not path.is_symlink():
            raise InputError(str(path), "no such file or directory")
    jobs = max(1, int(jobs))
    summary = IngestSummary(jobs=jobs)
    own_ledger = ledger is None
    if ledger is None:
        # lazy: the ledger loads SQLAlchemy (0.4 s measured), which a caller handing its own ledger
        # never needs.
        from ontherecord.archive import Ledger

        ledger = Ledger(settings.db)
    bar = Progress(count_pages(roots) if progress else None, enabled=progress)
    record_failure = failure_recorder(ledger, summary)

    def fail(failure: Failure) -> None:
        record_failure(failure)
        bar.advance()

    def pages() -> Iterator[Page | Failure]:
        for path in roots:
            yield from pipeline.pages(path, settings)

    def chunks() -> Iterator[list[Cleaned]]:
        """Cleaned articles the ledger lacks, in chunks; failures and skips are handled here."""
        chunk: list[Cleaned] = []
        for page in pages():
            summary.read += 1
            job = page if isinstance(page, Failure) else pipeline.cleaned(page, settings)
            if isinstance(job, Failure):
                fail(job)
                continue
            if ledger.has_version(job.article.id, job.article.content_hash):
                summary.skipped += 1
                bar.advance()
                continue
            chunk.append(job)
            if len(chunk) >= settings.batch_size:
                yield chunk
                chunk = []
        if chunk:
            yield chunk

    pending: list[tuple[Record, str]] = []
    pending_words = [0]

    def flush() -> None:
        stored = summary.stored
        write_batch(ledger, pending, summary, fail)
        # Progress counts articles once they are stored, not when parsed: an interrupted or crashed
        # run never claimed more than the ledger holds. (A Record the ledger refused was counted
        # as a failure by `fail`.)
        bar.advance(summary.stored - stored, pending_words[0])
        pending.clear()
        pending_words[0] = 0
        if record_failure.waiting:  # the ledger took the batch: it may take what waited too
            record_failure.flush()

    try:
        for chunk, results in _ordered_map(chunks(), settings, jobs, worker_rss):
            for job, result in zip(chunk, results, strict=True):
                if isinstance(result, Failure):
                    fail(result)
                    continue
                words = _words(result.article.text)
                summary.words += words
                pending.append((result, job.origin))
                pending_words[0] += words
                if len(pending) >= WRITE_BATCH:
                    flush()
        flush()
    except LedgerFault as exc:
        # The ledger stopped taking writes: say what is kept and how to go on, not just what broke.
        stored = summary.stored
        raise LedgerFault(
            f"{exc} — {stored} article(s) of this run were stored; fix that and run the same command "
            "again to resume",
            kind=exc.kind,
            transient=exc.transient,
        ) from exc
    except KeyboardInterrupt as exc:
        # Ctrl-C: what was parsed is stored, in one transaction (a re-run skips it), and a second
        # Ctrl-C cannot cut that short. A flush the interrupt itself cut short was rolled back, so
        # its Records are still pending and are written here.
        with _sigint_ignored():
            flush()
        summary.interrupted = True
        raise IngestInterrupted(summary) from exc
    finally:
        summary.seconds = time.monotonic() - started
        bar.close()
        if own_ledger:
            close = getattr(ledger, "close", None)
            if close is not None:
                close()
    return summary


@contextmanager
def _sigint_ignored() -> Iterator[None]:
    """Ignore SIGINT inside the block (in the main thread; elsewhere signals are not ours to set)."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)


def write_batch(
    ledger: Ledger,
    batch: Sequence[tuple[Record, str]],
    summary: IngestSummary,
    fail: Callable[[Failure], None],
) -> None:
    """Write ``(record, origin)`` pairs in one transaction and count what happened.

    The ledger refuses a whole batch when one Record is invalid (a span outside its text, a NUL
    the database cannot store); then the batch is written one Record at a time, so only the bad
    article becomes a failure. A fault of the ledger itself (locked past the retries, read-only,
    disk full, …) is no article's failure: it is raised at once and no failure row is written for it.

    Raises:
        LedgerFault: the ledger cannot be written; the batch is not stored.
    """
    if not batch:
        return
    try:
        results = ledger.write_records([r for r, _ in batch], origins=[o for _, o in batch])
    except LedgerFault:
        raise
    except LedgerError:
        if len(batch) == 1:
            raise
        results = []
        for record, origin in batch:
            try:
                results.extend(ledger.write_records([record], origins=[origin]))
            except LedgerFault:
                raise
            except LedgerError as exc:
                fail(Failure(origin, "write", str(exc)))
    for result in results:
        if result.status == "new":
            summary.new += 1
        elif result.status == "new_version":
            summary.new_versions += 1
        else:
            summary.unchanged += 1


class FailureRecorder:
    """Counts each failure in ``summary`` and records it in the ledger once; callable with a Failure.

    The same bad page met again (a re-run, a resumed run, the same Spark output loaded twice) is
    the same failure, not a new one, so failures the ledger already holds are not written again.

    Recording never takes the run down: when the ledger cannot take a failure (locked past the
    retries, say), it is kept and written with the next one or at :meth:`flush`; what still cannot
    be written at the end is counted in ``summary.unrecorded`` (a re-run meets those pages again).
    """

    def __init__(self, ledger: Ledger, summary: IngestSummary) -> None:
        self.ledger = ledger
        self.summary = summary
        self.known = {(str(r["origin"]), str(r["stage"]), str(r["message"])) for r in ledger.failures()}
        self.waiting: list[tuple[str, str, str]] = []

    def __call__(self, failure: Failure) -> None:
        """Count ``failure`` and record it (now, or with the next write when the ledger is busy)."""
        self.summary.failed += 1
        if len(self.summary.failures) < SHOWN_FAILURES:
            self.summary.failures.append(failure)
        key = (failure.origin, failure.stage, failure.message)
        if key not in self.known:
            self.known.add(key)
            self.waiting.append(key)
            self.flush()

    def flush(self) -> bool:
        """Write the failures still waiting; True when none is left waiting."""
        if not self.waiting:
            self.summary.unrecorded = 0
            return True
        try:
            self.ledger.record_failures(self.waiting)
        except LedgerFault as exc:
            log.warning("%s: %d failure(s) not recorded yet: %s", self.ledger.shown, len(self.waiting), exc)
            self.summary.unrecorded = len(self.waiting)
            return False
        self.waiting.clear()
        self.summary.unrecorded = 0
        return True


def failure_recorder(ledger: Ledger, summary: IngestSummary) -> FailureRecorder:
    """A :class:`FailureRecorder` for ``ledger`` counting into ``summary``."""
    return FailureRecorder(ledger, summary)
