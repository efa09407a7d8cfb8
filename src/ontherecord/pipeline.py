"""The reading half, end to end: Page -> clean -> parse -> extract -> resolve -> qualify -> rely -> Record.

``process_page`` is pure and picklable in what it takes and returns (Pages and Records), so the
same function serves the CLI, the multiprocessing runner and Spark executors.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import TYPE_CHECKING

from ontherecord.errors import ExtractionError, InputError, OntherecordError
from ontherecord.model import Article, Failure, Page, Record
from ontherecord.settings import Settings

if TYPE_CHECKING:
    from spacy.language import Language
    from spacy.tokens import Doc


def _stage(origin: str, stage: str, fn, *args):  # type: ignore[no-untyped-def]
    try:
        return fn(*args)
    except OntherecordError:
        raise
    except Exception as exc:  # a bug or a pathological article: name the stage, keep the batch going
        raise ExtractionError(origin, stage, f"{type(exc).__name__}: {exc}") from exc


def clean(page: Page) -> tuple[Article, tuple]:
    from ontherecord.ingest.clean import clean_page

    article, notes = _stage(page.origin, "clean", clean_page, page)
    if not article.text.strip():
        raise InputError(page.origin, "no article text left after removing page chrome")
    return article, notes


def read_doc(article: Article, notes: tuple, doc: Doc, settings: Settings, origin: str) -> Record:
    """Everything after parsing: the stages that need the Doc, then the Record."""
    from ontherecord.attribution.extractor import extract_attributions
    from ontherecord.claims.qualifiers import attach_qualifiers
    from ontherecord.claims.reliance import rely
    from ontherecord.nlp.layout import ArticleLayout
    from ontherecord.resolution.resolver import resolve

    layout = _stage(origin, "parse", ArticleLayout.of, article.text)
    attributions = _stage(origin, "extract", extract_attributions, article, doc, layout, settings)
    resolution = _stage(origin, "resolve", resolve, article, doc, layout, attributions, notes)
    attributions = _stage(
        origin, "qualify", attach_qualifiers, article, doc, layout, resolution.attributions
    )
    sentences = _stage(origin, "rely", rely, article, doc, layout, resolution, attributions)
    return Record(
        article=article,
        notes=tuple(resolution.notes),
        sources=tuple(resolution.sources),
        attributions=tuple(attributions),
        sentences=tuple(sentences),
    )


def process_page(page: Page, nlp: Language | None = None, settings: Settings | None = None) -> Record:
    """Read one page into a Record. Raises InputError / ExtractionError naming the page."""
    from ontherecord.nlp.pipeline import load_nlp

    settings = settings or Settings()
    nlp = nlp or load_nlp(settings.nlp_package)
    article, notes = clean(page)
    doc = _stage(page.origin, "parse", nlp, article.text)
    return read_doc(article, notes, doc, settings, page.origin)


def process_pages(
    pages: Iterable[Page | Failure],
    nlp: Language | None = None,
    settings: Settings | None = None,
) -> Iterator[Record | Failure]:
    """Read many pages, parsing in batches. A page that fails becomes a Failure; the rest go on."""
    from ontherecord.nlp.pipeline import load_nlp, parse_many

    settings = settings or Settings()
    nlp = nlp or load_nlp(settings.nlp_package)

    def cleaned() -> Iterator[tuple[Page, Article, tuple] | Failure]:
        for page in pages:
            if isinstance(page, Failure):
                yield page
                continue
            try:
                article, notes = clean(page)
            except InputError as exc:
                yield Failure(page.origin, "clean", exc.problem)
            except ExtractionError as exc:
                yield Failure(page.origin, exc.stage, exc.problem)
            else:
                yield page, article, notes

    # Failures must keep their place in the stream, so batch only the good ones between them.
    buffer: list[tuple[Page, Article, tuple]] = []

    def flush() -> Iterator[Record | Failure]:
        docs = parse_many(nlp, (a.text for _, a, _ in buffer), settings.batch_size)
        for (page, article, notes), doc in zip(buffer, docs, strict=True):
            try:
                yield read_doc(article, notes, doc, settings, page.origin)
            except ExtractionError as exc:
                yield Failure(page.origin, exc.stage, exc.problem)
            except OntherecordError as exc:
                yield Failure(page.origin, "extract", str(exc))
        buffer.clear()

    for item in cleaned():
        if isinstance(item, Failure):
            yield from flush()
            yield item
            continue
        buffer.append(item)
        if len(buffer) >= settings.batch_size:
            yield from flush()
    yield from flush()
