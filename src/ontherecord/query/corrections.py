"""Stage ⑦: a flag's impact — every sentence resting on a source, per article — and the draft correction.

The draft is written from the data alone: who the source is, the flag's reason, and per article how
many sentences rest on the source and how (quoted, paraphrased, shared, self-reported). Each way of
resting calls for a different fix, so the draft says which passages go and which are re-attributed,
and ends with the "An earlier version of this article…" note newsrooms publish. Past the first 20
articles the draft sums the rest up with counts; the impact itself still lists every article.
"""

from __future__ import annotations

import gc
import heapq
import re
from collections import Counter
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from itertools import chain
from operator import attrgetter
from typing import Any, NamedTuple

from sqlalchemy import Connection

from ontherecord.ledger import reads
from ontherecord.ledger.types import SourceRow
from ontherecord.query.names import resolve_source

# Strongest reliance first: a sentence holding the source's own words is quoted even if it is
# also shared, and the draft lists passages in this order.
HOW_ORDER = ("quoted", "paraphrased", "shared", "self_reported")
_PASSAGES_PER_ARTICLE = 4
_PASSAGE_CHARS = 240
# Articles drafted one by one; past these the draft summarises with counts. A correction touching
# thousands of articles is planned from totals, and listing each would bury the first ones.
_DRAFTED_ARTICLES = 20
_MOST_AFFECTED = 5


class ImpactSentence(NamedTuple):
    """A sentence resting on the source: its text, its span in the article, and how it rests.

    A named tuple rather than a dataclass: a source quoted in thousands of articles makes tens of
    thousands of these per impact, and a tuple is built in a fraction of a frozen dataclass's time.
    """

    text: str
    span: tuple[int, int]
    how: str

    def to_dict(self) -> dict[str, Any]:
        return {"text": self.text, "span": list(self.span), "how": self.how}


@dataclass(frozen=True, slots=True)
class ImpactArticle:
    id: str
    title: str | None
    published: str | None
    version: int
    sentences: tuple[ImpactSentence, ...]

    def counts(self) -> dict[str, int]:
        """Sentences per way of resting, in HOW_ORDER, zero counts left out."""
        tally = Counter(s.how for s in self.sentences)
        return {how: tally[how] for how in HOW_ORDER if tally[how]}

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "title": self.title,
            "published": self.published,
            "version": self.version,
            "counts": self.counts(),
            "sentences": [s.to_dict() for s in self.sentences],
        }


@dataclass(frozen=True, slots=True)
class Impact:
    """What a flag on a source touches across the archive, and the correction drafted from it."""

    source: SourceRow
    articles: tuple[ImpactArticle, ...]
    draft_correction: str

    @property
    def sentence_count(self) -> int:
        return sum(len(a.sentences) for a in self.articles)

    def to_dict(self) -> dict[str, Any]:
        return {
            "source": self.source.to_dict(),
            "articles": [a.to_dict() for a in self.articles],
            "draft_correction": self.draft_correction,
        }


def group_by_article(
    heads: list[tuple[str, int, str | None, str | None]],
    rows: Iterable[tuple[str, int, int, int, int, str, int]],
) -> tuple[ImpactArticle, ...]:
    """One entry per article of ``heads``, in that order; a sentence resting on the source in
    several ways appears once, under its strongest way.

    Args:
        heads: (article_id, version, title, published) per article, as ``reads.impact_rows`` gives.
        rows: (article_id, version, position, start, end, text, rank) in (article_id, version,
            position) order, as ``reads.impact_rows(conn, id, HOW_ORDER)`` gives them, ``rank``
            indexing HOW_ORDER; rows of a version not in ``heads`` are left out.
    """
    wanted = {(article_id, version) for article_id, version, _, _ in heads}
    found: dict[str, list[ImpactSentence]] = {}
    how_order = HOW_ORDER
    # tuple.__new__ directly: the named tuple's own __new__ is a Python frame per sentence.
    make, cls = tuple.__new__, ImpactSentence
    current_id, current_version, last, held = None, None, -1, 0
    current: list[ImpactSentence] | None = None
    for article_id, version, position, start, end, text, rank in rows:
        if article_id != current_id or version != current_version:
            current_id, current_version, last, held = article_id, version, -1, 0
            current = found.setdefault(article_id, []) if (article_id, version) in wanted else None
        if current is None:
            continue
        if position != last:
            current.append(make(cls, (text, (start, end), how_order[rank])))
            last, held = position, rank
        elif rank < held:  # the same sentence, resting in a stronger way
            current[-1] = make(cls, (text, (start, end), how_order[rank]))
            held = rank
    return tuple(
        ImpactArticle(article_id, title, published, version, tuple(found[article_id]))
        for article_id, version, title, published in heads
        if article_id in found
    )


@contextmanager
def _collector_paused() -> Iterator[None]:
    """Hold off the cyclic garbage collector while impact builds its rows.

    A big source means tens of thousands of small acyclic objects (rows, sentences, spans); each
    700 allocations wake the collector, which walks the whole heap every few passes and finds
    nothing to free. That doubled the time to build the report of a source in 4,662 articles.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def impact(conn: Connection, name: str) -> Impact:
    """The impact of the source ``name`` resolves to (NotFoundError / AmbiguousNameError otherwise)."""
    source = resolve_source(conn, name)
    with _collector_paused():
        articles = group_by_article(*reads.impact_rows(conn, source.id, HOW_ORDER))
    return Impact(source, articles, draft_correction(source, articles))


# -- the draft -------------------------------------------------------------------------------------


def _plural(n: int, one: str, many: str | None = None) -> str:
    return f"{n} {one if n == 1 else (many or one + 's')}"


def _the(n: int, one: str, many: str | None = None) -> str:
    """ "the sentence" or "the 3 sentences"."""
    return f"the {one}" if n == 1 else f"the {_plural(n, one, many)}"


def _sentence(text: str) -> str:
    """Free text from a flag as a sentence: capitalised, ending in a full stop."""
    text = " ".join(text.split())
    if not text:
        return ""
    text = text[0].upper() + text[1:]
    return text if text[-1] in '.!?…”"' else text + "."


def _short_name(source: SourceRow) -> str:
    # Newsroom style names a person in full once, then by surname.
    if source.kind == "person" and source.identification == "named" and " " in source.name.strip():
        return source.name.split()[-1]
    return source.name


def _quote(text: str) -> str:
    text = " ".join(text.split())
    if len(text) > _PASSAGE_CHARS:
        text = text[: _PASSAGE_CHARS - 1].rstrip() + "…"
    return f"“{text}”" if not text.startswith(("“", '"')) else text


def _counts_line(counts: dict[str, int]) -> str:
    words = {
        "quoted": "quoted directly",
        "paraphrased": "paraphrased",
        "shared": "shared with other sources",
        "self_reported": "self-reported (biography resting on the source's word)",
    }
    return ", ".join(f"{n} {words[how]}" for how, n in counts.items())


def _changes(counts: dict[str, int], short: str, status: str | None) -> list[str]:
    if status == "disputed":
        return [
            f"Keep {_the(sum(counts.values()), 'passage')}, and say in each that "
            f"{short}'s account is disputed."
        ]
    out = []
    if counts.get("quoted"):
        out.append(f"Remove {_the(counts['quoted'], 'sentence')} quoting {short}.")
    if counts.get("paraphrased"):
        out.append(f"Remove {_the(counts['paraphrased'], 'sentence')} reporting {short}'s account.")
    if counts.get("shared"):
        out.append(
            f"Re-attribute {_the(counts['shared'], 'sentence')} {short} shares with other sources "
            "to those sources alone, or remove what they cannot confirm."
        )
    if counts.get("self_reported"):
        out.append(
            f"Remove {_the(counts['self_reported'], 'statement')} about {short}'s own life and actions "
            f"that rest on {short}'s word, unless independently confirmed."
        )
    return out


_ALREADY_CORRECTED = re.compile(r"\s*The (?:article|story) has been (?:corrected|updated)\.?\s*$", re.IGNORECASE)


def _note(source: SourceRow, short: str, reason: str, counts: dict[str, int], status: str | None) -> str:
    if status == "disputed":
        return (
            f"An earlier version of this article did not make clear that information provided by "
            f"{source.name} is disputed. {reason} The article has been updated to note the dispute."
        )
    reattributed = counts.get("shared", 0)
    removed = sum(counts.values()) - reattributed
    what = []
    if removed:
        what.append(f"to remove {_plural(removed, 'passage')} that relied on {short}'s account")
    if reattributed:
        what.append(f"to attribute {_plural(reattributed, 'passage')} to other sources only")
    # A reason taken from a published editor's note already has the lead and the closing line
    # newsrooms use; repeating them would print the note twice.
    lead = f"An earlier version of this article contained information provided by {source.name}. "
    if reason.lower().startswith("an earlier version"):
        lead = ""
    reason = _ALREADY_CORRECTED.sub("", reason)
    return f"{lead}{reason} The article has been corrected {' and '.join(what) or 'accordingly'}."


def key_passages(sentences: tuple[ImpactSentence, ...]) -> list[ImpactSentence]:
    """The passages a draft quotes: the first of each way of resting (every kind of fix gets an
    example), then the strongest of the rest, up to _PASSAGES_PER_ARTICLE, in text order."""
    ranked = sorted(sentences, key=lambda s: (HOW_ORDER.index(s.how), s.span))
    firsts = list({s.how: s for s in reversed(ranked)}.values())
    chosen = firsts[:_PASSAGES_PER_ARTICLE]
    chosen += [s for s in ranked if s not in chosen][: _PASSAGES_PER_ARTICLE - len(chosen)]
    return sorted(chosen, key=lambda s: s.span)


def draft_correction(source: SourceRow, articles: tuple[ImpactArticle, ...]) -> str:
    """A correction an editor can start from: why, what rests on the source per article, what changes."""
    flag = source.flag
    status = flag.status if flag else None
    short = _short_name(source)
    who = f"{source.name} ({source.identification} {source.kind})"
    if flag and status == "cleared":
        by = f" by {flag.author}" if flag.author else ""
        return f"No correction: {who} was cleared on {flag.created_at[:10]}{by}. {_sentence(flag.reason)}"
    if flag:
        by = f" by {flag.author}" if flag.author else ""
        header = f"CORRECTION DRAFT: {who}, {status} on {flag.created_at[:10]}{by}."
        reason = _sentence(flag.reason)
        why = f"What was wrong: {reason}"
    else:
        header = f"CORRECTION DRAFT (no flag recorded): {who}."
        reason = "That information could not be verified."
        why = (
            f"No flag is recorded for {source.name}; "
            "this draft shows what would change if the account were withdrawn."
        )
    total = sum(len(a.sentences) for a in articles)
    lines = [header, why, ""]
    if not articles:
        lines.append(f"No sentence in the current articles rests on {source.name}; nothing to correct.")
        return "\n".join(lines)
    lines.append(
        f"What rests on {short}: {_plural(total, 'sentence')} in {_plural(len(articles), 'article')}."
    )
    for i, article in enumerate(articles[:_DRAFTED_ARTICLES], 1):
        counts = article.counts()
        dated = f", published {article.published}" if article.published else ""
        n = len(article.sentences)
        lines += [
            "",
            f"{i}. {article.title or '(untitled)'} [{article.id}, version {article.version}{dated}]",
            f"   {_plural(n, 'sentence')} {'rests' if n == 1 else 'rest'} on {short}: {_counts_line(counts)}.",
            "   Key passages:",
        ]
        passages = key_passages(article.sentences)
        for s in passages:
            lines.append(f"   - {_quote(s.text)} ({s.how.replace('_', '-')})")
        if len(article.sentences) > len(passages):
            lines.append(f"   - and {_plural(len(article.sentences) - len(passages), 'more sentence')}")
        lines.append("   What changes:")
        lines += [f"   - {change}" for change in _changes(counts, short, status)]
        lines.append(f"   Note to publish: {_note(source, short, reason, counts, status)}")
    if len(articles) > _DRAFTED_ARTICLES:
        lines += _summary(articles[_DRAFTED_ARTICLES:], short, status)
    return "\n".join(lines)


def _summary(rest: tuple[ImpactArticle, ...], short: str, status: str | None) -> list[str]:
    """The articles past the drafted ones, as one entry: how many, when, how much rests on the
    source and how, and the few leaning on it most. One pass over their sentences."""
    tally = Counter(map(attrgetter("how"), chain.from_iterable(a.sentences for a in rest)))
    dates = [a.published for a in rest if a.published]
    counts = {how: tally[how] for how in HOW_ORDER if tally[how]}
    n = sum(counts.values())
    first = _DRAFTED_ARTICLES + 1
    when = f", published {min(dates)} to {max(dates)}" if dates else ""
    lines = [
        "",
        f"{first}–{first + len(rest) - 1}. {_plural(len(rest), 'more article')}{when} "
        "(each listed in the impact report, not drafted one by one here)",
        f"   {_plural(n, 'sentence')} {'rests' if n == 1 else 'rest'} on {short}: {_counts_line(counts)}.",
        "   Most affected:",
    ]
    # Stable on ties, so equally affected articles keep publication order.
    heaviest = heapq.nlargest(_MOST_AFFECTED, rest, key=lambda a: len(a.sentences))
    lines += [
        f"   - {a.title or '(untitled)'} [{a.id}, version {a.version}]: "
        f"{_plural(len(a.sentences), 'sentence')}"
        for a in heaviest
    ]
    lines.append("   What changes, across them:")
    lines += [f"   - {change}" for change in _changes(counts, short, status)]
    lines.append("   Note to publish in each: as in the articles above, with that article's own counts.")
    return lines
