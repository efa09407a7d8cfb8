"""The reading door: Page -> clean -> parse -> extract -> resolve -> qualify -> rely -> Record | Failure.

This module is the only way from input to a Record. Every runner calls it — ``ontherecord.read``,
the CLI, the local batch runner and its workers, the Spark job, the spaCy component, evaluation
and training — and none of them imports a stage. It owns the stage sequence and the one failure
policy (:func:`failure`): whatever goes wrong with one page becomes a Failure naming its origin
and stage, the same Failure on every path, so the ledger keeps it once.

What it takes and returns (Pages, Cleaned articles, Records, Failures) is plain and picklable, so
the same functions serve the CLI, the multiprocessing workers and Spark executors.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple

from ontherecord.attribution.extractor import extract_attributions
from ontherecord.claims.qualifiers import attach_qualifiers
from ontherecord.claims.reliance import rely
from ontherecord.errors import ExtractionError, InputError, OntherecordError
from ontherecord.ingest import formats
from ontherecord.ingest.clean import clean_page
from ontherecord.ingest.files import display
from ontherecord.ingest.jsonl import page_from_record
from ontherecord.ingest.readers import read_file, read_path, read_text
from ontherecord.model import Article, Attribution, Failure, Note, Page, Record
from ontherecord.nlp import pipeline as nlp_pipeline
from ontherecord.nlp.layout import ArticleLayout
from ontherecord.resolution.resolver import resolve
from ontherecord.settings import Settings

if TYPE_CHECKING:
    from spacy.language import Language
    from spacy.tokens import Doc

    from ontherecord.attribution.learned import Predicted

log = logging.getLogger(__name__)


class Cleaned(NamedTuple):
    """A page cleaned and waiting to be parsed: where it came from, its Article, its notes."""

    origin: str
    article: Article
    notes: tuple[Note, ...]


# --- the failure policy -----------------------------------------------------------------------


@contextmanager
def _stage(origin: str, stage: str) -> Iterator[None]:
    """Run one stage: an unexpected exception becomes an ExtractionError naming the page and the stage."""
    try:
        yield
    except OntherecordError:
        raise
    except Exception as exc:  # a bug or a pathological article: name the stage, keep the batch going
        raise ExtractionError(origin, stage, f"{type(exc).__name__}: {exc}") from exc


def failure(origin: str, stage: str, exc: Exception) -> Failure:
    """The one failure policy: the Failure recorded for ``exc``, met while reading ``origin`` at ``stage``.

    Args:
        origin: The page's origin (file, ``path:line``, WARC target URI).
        stage: The step of the door that was running (``read``, ``clean``, ``parse``, ``extract``);
            an ExtractionError's own stage wins, since it names the stage more exactly.
        exc: What was raised.

    Returns:
        The Failure: its message is the problem alone, without the origin (which has its own field).
    """
    if isinstance(exc, ExtractionError):
        return Failure(origin, exc.stage, exc.problem)
    if isinstance(exc, InputError):
        return Failure(origin, stage, exc.problem)
    if isinstance(exc, OntherecordError):
        return Failure(origin, stage, str(exc))
    return Failure(origin, stage, f"{type(exc).__name__}: {exc}")


# --- read: what a path holds ------------------------------------------------------------------


def file_page(path: str | Path, settings: Settings) -> Page:
    """Read one article file (text or HTML; any other name is sniffed) into a Page.

    Raises:
        InputError: The file is missing, unreadable, a container of many articles, or holds no article.
    """
    return read_file(Path(path), settings)


def pages(path: str | Path, settings: Settings) -> Iterator[Page | Failure]:
    """Every page under a path (an article file, a JSONL or WARC file, a folder of them), in order.

    A file that cannot be read becomes a Failure in its place (stage ``read``); so does a path that
    does not exist, so callers that must refuse a missing path check it first.
    """
    try:
        yield from read_path(path, settings)
    except InputError as exc:  # a single article file that cannot be read: one failure, not a lost run
        yield failure(exc.origin, "read", exc)
    except Exception as exc:  # a reader's bug on this path: its failure, and the run goes on
        log.debug("reading %s failed", path, exc_info=True)
        yield Failure(display(path), "read", f"internal error while reading ({type(exc).__name__})")


def page_from_fields(fields: Mapping[str, Any], origin: str, settings: Settings) -> Page | Failure:
    """A Page from one article's JSONL fields (``id``, ``text`` or ``html``, ...), e.g. a Parquet row."""
    try:
        return page_from_record(dict(fields), origin, settings)
    except InputError as exc:
        return failure(exc.origin, "read", exc)


def looks_like_path(text: str) -> bool:
    """Whether ``read``'s argument names a file rather than being the article's text.

    One line naming an existing file, or a file name with a one-article suffix: so a mistyped
    path is reported as missing rather than read as a one-line article.
    """
    if "\n" in text or len(text) > 4096:
        return False
    candidate = Path(text)
    return candidate.exists() or formats.format_of(candidate) in formats.SINGLE


# --- clean ------------------------------------------------------------------------------------


def clean(page: Page) -> tuple[Article, tuple[Note, ...]]:
    """Clean a page into its Article body and notes.

    Raises:
        InputError: Nothing is left after removing the page chrome.
        ExtractionError: Cleaning failed (stage ``clean``).
    """
    with _stage(page.origin, "clean"):
        article, notes = clean_page(page)
    if not article.text.strip():
        raise InputError(page.origin, "no article text left after removing page chrome")
    return article, notes


def cleaned(page: Page) -> Cleaned | Failure:
    """:func:`clean` under the failure policy: the Cleaned article, or the page's Failure (stage ``clean``)."""
    try:
        article, notes = clean(page)
    except OntherecordError as exc:
        return failure(page.origin, "clean", exc)
    return Cleaned(page.origin, article, notes)


# --- parse ------------------------------------------------------------------------------------


def load_nlp(settings: Settings | None = None) -> Language:
    """The shared spaCy pipeline ``settings.nlp_package``, loaded once per process."""
    return nlp_pipeline.load_nlp((settings or Settings()).nlp_package)


def parse(texts: Iterable[str], nlp: Language, settings: Settings) -> Iterator[Doc]:
    """Parse texts in batches of ``settings.batch_size`` (no stage of the failure policy: see :func:`read_cleaned`)."""
    return nlp_pipeline.parse_many(nlp, texts, settings.batch_size)


# --- extract, resolve, qualify, rely ----------------------------------------------------------


def read_doc(article: Article, notes: tuple[Note, ...], doc: Doc, settings: Settings, origin: str) -> Record:
    """Everything after parsing: the stages that need the Doc, then the Record."""
    attributions: Sequence[Attribution]
    with _stage(origin, "parse"):
        layout = ArticleLayout.of(article.text)
    with _stage(origin, "extract"):
        attributions = extract_attributions(article, doc, layout, settings)
    with _stage(origin, "resolve"):
        resolution = resolve(article, doc, layout, attributions, notes)
    with _stage(origin, "qualify"):
        attributions = attach_qualifiers(article, doc, layout, resolution.attributions)
    with _stage(origin, "rely"):
        sentences = rely(article, doc, layout, resolution, attributions)
    return Record(
        article=article,
        notes=tuple(resolution.notes),
        sources=tuple(resolution.sources),
        attributions=tuple(attributions),
        sentences=tuple(sentences),
    )


def model_predictions(docs: Iterable[Doc], settings: Settings) -> Iterator[list[Predicted]]:
    """The extract stage's trained model alone, per Doc (no rules, no later stages): what evaluation measures.

    Raises:
        ModelError: The model ``settings.model`` (None: the shipped one) cannot be loaded.
    """
    # lazy: the model pulls in numpy (60-90 ms measured), which reading without the
    # model, and every user of the door's other verbs, would otherwise pay at import.
    from ontherecord.attribution.learned import AttributionModel

    model = AttributionModel.load(settings.model)
    for doc in docs:
        yield model.predict(doc)


# --- whole pages ------------------------------------------------------------------------------


def process_page(page: Page, nlp: Language | None = None, settings: Settings | None = None) -> Record:
    """Read one page into a Record. Raises InputError / ExtractionError naming the page."""
    settings = settings or Settings()
    nlp = nlp or load_nlp(settings)
    article, notes = clean(page)
    with _stage(page.origin, "parse"):
        doc = nlp(article.text)
    return read_doc(article, notes, doc, settings, page.origin)


def read(path_or_text: str | Path, settings: Settings | None = None) -> Record:
    """Read one article (a path to a text or HTML file, or the article's text itself) into a Record."""
    settings = settings or Settings()
    if isinstance(path_or_text, Path) or looks_like_path(str(path_or_text)):
        return process_page(file_page(path_or_text, settings), settings=settings)
    return process_page(read_text(str(path_or_text)), settings=settings)


def read_articles(articles: Sequence[Article], nlp: Language, settings: Settings) -> Iterator[Record]:
    """Read articles whose text is already clean (a gold corpus): parse in batches, no cleaning.

    Offsets then index the given texts. An article that fails raises, naming it by its id.
    """
    docs = parse((article.text for article in articles), nlp, settings)
    for article, doc in zip(articles, docs, strict=True):
        yield read_doc(article, (), doc, settings, article.id)


def read_cleaned(jobs: Sequence[Cleaned], nlp: Language, settings: Settings) -> list[Record | Failure]:
    """Parse and read cleaned articles, in order; an article that fails becomes its Failure.

    Args:
        jobs: Articles from :func:`cleaned`.
        nlp: The loaded spaCy pipeline.
        settings: Settings (batch size, model choice).

    Returns:
        One Record or Failure per job, in the order given.
    """
    try:
        docs = list(parse((job.article.text for job in jobs), nlp, settings))
    except Exception:  # one pathological text spoils nlp.pipe's batch: parse one by one to find it
        if len(jobs) == 1:
            log.debug("parse failed on %s", jobs[0].origin, exc_info=True)
            return [Failure(jobs[0].origin, "parse", _describe_parse_error(jobs[0], nlp))]
        out: list[Record | Failure] = []
        for job in jobs:
            out.extend(read_cleaned([job], nlp, settings))
        return out
    results: list[Record | Failure] = []
    for job, doc in zip(jobs, docs, strict=True):
        try:
            results.append(read_doc(job.article, job.notes, doc, settings, job.origin))
        except (ImportError, MemoryError):  # a broken install or a full machine: no article would fare better
            raise
        except OntherecordError as exc:
            results.append(failure(job.origin, "extract", exc))
        except Exception as exc:  # a bug outside any stage (assembling the Record): this article only
            log.debug("reading %s failed", job.origin, exc_info=True)
            results.append(failure(job.origin, "read", exc))
    return results


def _describe_parse_error(job: Cleaned, nlp: Language) -> str:
    try:
        nlp(job.article.text)
    except Exception as exc:
        return f"{type(exc).__name__}: {exc}"
    return "spaCy failed on this article inside a batch"


def process_pages(
    pages: Iterable[Page | Failure],
    nlp: Language | None = None,
    settings: Settings | None = None,
) -> Iterator[Record | Failure]:
    """Read many pages, parsing in batches: exactly one Record or Failure per page, in order."""
    settings = settings or Settings()
    nlp = nlp or load_nlp(settings)
    # Failures keep their place in the stream, so batch only the good ones between them.
    buffer: list[Cleaned] = []
    for item in pages:
        ready = item if isinstance(item, Failure) else cleaned(item)
        if isinstance(ready, Failure):
            yield from read_cleaned(buffer, nlp, settings) if buffer else ()
            buffer.clear()
            yield ready
            continue
        buffer.append(ready)
        if len(buffer) >= settings.batch_size:
            yield from read_cleaned(buffer, nlp, settings)
            buffer.clear()
    if buffer:
        yield from read_cleaned(buffer, nlp, settings)
