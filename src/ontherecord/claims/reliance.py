"""Stage ⑤b rely: for every body sentence, the sources it rests on and how (quoted, paraphrased, shared, self-reported).

Quoted and paraphrased come straight from the attributions. Shared comes from resolution's
membership of "X and other recruits said". Self-reported is the unattributed biography a news
story builds from its subject's own account: a sentence whose subject is the source, inside the
run of paragraphs that profiles that source and that holds at least one of the source's own
attributions ("He left the country in 2011 and landed in New York City…"). Sentences that are
another source's words are never self-reported.
"""

from __future__ import annotations

import bisect
from collections.abc import Sequence
from typing import TYPE_CHECKING

from ontherecord.model import (
    Article,
    Attribution,
    AttributionKind,
    CharSpan,
    Identification,
    Reliance,
    RelianceHow,
    Sentence,
    SourceKind,
)
from ontherecord.model.resolution import Resolution
from ontherecord.nlp.layout import ArticleLayout, inside
from ontherecord.nlp.lexicon import resolution_cues
from ontherecord.nlp.sentences import sentence_pieces

if TYPE_CHECKING:
    from spacy.tokens import Doc, Span, Token

# When one sentence rests on a source in several ways, the strongest is kept.
_RANK = {
    RelianceHow.QUOTED: 0,
    RelianceHow.PARAPHRASED: 1,
    RelianceHow.SHARED: 2,
    RelianceHow.SELF_REPORTED: 3,
}
# Clauses whose subject is not what the sentence is about ("While X …, Y did …").
_SUBORDINATE = frozenset({"advcl", "relcl", "acl", "pcomp", "csubj", "prep", "pobj"})


def _touches(span: CharSpan, sentence: CharSpan, text: str) -> bool:
    """True when ``span`` shares a word character with ``sentence`` (not just a space or a comma)."""
    start, end = max(span.start, sentence.start), min(span.end, sentence.end)
    return start < end and any(c.isalnum() for c in text[start:end])


def _subject_tokens(sent: Span) -> list[Token]:
    root = sent.root
    subjects = [c for c in root.children if c.dep_ in ("nsubj", "nsubjpass")]
    if not subjects:
        subjects = [
            t for t in sent if t.dep_ in ("nsubj", "nsubjpass") and t.head.dep_ not in _SUBORDINATE
        ][:1]
    naming = resolution_cues().get("naming", frozenset())
    out: list[Token] = []
    for subj in subjects[:1]:
        out.append(subj)
        for child in subj.children:
            if child.dep_ == "appos":
                out.append(child)
            elif child.dep_ == "acl" and child.lemma_.lower() in naming:
                # "One of the recruits …, also called Aleks, was …" is about Aleks.
                out.extend(c for c in child.children if c.dep_ in ("oprd", "attr", "dobj"))
    return out


# A mention longer than this is a clause the resolver took whole, not a subject's name.
_LONGEST_SUBJECT = 80


class _MentionIndex:
    """The resolver's mentions by start, to ask which one holds an offset without trying them all.

    Answers as the first mention in the resolver's order that holds the offset and is shorter
    than :data:`_LONGEST_SUBJECT`: only those starting less than that before the offset can.
    """

    def __init__(self, mentions: Sequence[tuple[CharSpan, str]]) -> None:
        short = sorted(
            (span.start, n, span.end, sid)
            for n, (span, sid) in enumerate(mentions)
            if len(span) < _LONGEST_SUBJECT
        )
        self._starts = [start for start, *_ in short]
        self._entries = short

    def holding(self, offset: int) -> str | None:
        lo = bisect.bisect_left(self._starts, offset - _LONGEST_SUBJECT + 1)
        hi = bisect.bisect_right(self._starts, offset)
        found = [(n, sid) for _, n, end, sid in self._entries[lo:hi] if offset < end]
        return min(found)[1] if found else None


def _subject_source(sent: Span, mentions: _MentionIndex) -> str | None:
    for tok in _subject_tokens(sent):
        sid = mentions.holding(tok.idx)
        if sid is not None:
            return sid
    return None


def _sentences_reached(span: CharSpan, starts: Sequence[int], ends: Sequence[int]) -> range:
    """Indices of the sentences (sorted and disjoint, by ``starts`` and ``ends``) sharing a character
    with ``span``: found by bisection, since trying every sentence for every attribution is
    quadratic on a long page."""
    return range(bisect.bisect_right(ends, span.start), bisect.bisect_left(starts, span.end))


def rely(
    article: Article,
    doc: Doc,
    layout: ArticleLayout,
    resolution: Resolution,
    attributions: Sequence[Attribution],
) -> tuple[Sentence, ...]:
    """Which sources each body sentence rests on, and how.

    Args:
        article: the cleaned article.
        doc: ``article.text`` parsed.
        layout: its paragraphs and quoted regions (``ArticleLayout.of(article.text)``).
        resolution: the sources, mentions and shared membership from :func:`resolve`.
        attributions: the attributions with source ids (and qualifiers).

    Returns:
        One Sentence per sentence of the body (cut at paragraph breaks, blank ones dropped), in order.
    """
    text = article.text
    pieces = sentence_pieces(doc, layout.paragraphs)
    sents = [span for _, span in pieces]
    spans = [piece for piece, _ in pieces]
    rests: list[dict[str, RelianceHow]] = [{} for _ in sents]

    def add(index: int, sid: str, how: RelianceHow) -> None:
        current = rests[index].get(sid)
        if current is None or _RANK[how] < _RANK[current]:
            rests[index][sid] = how

    claimed: set[int] = set()  # sentences that are some source's words or hold a cue
    starts, ends = [s.start for s in spans], [s.end for s in spans]
    for attribution in attributions:
        if attribution.source_id is None:
            continue
        members = resolution.shared.get(attribution.id, ())
        reached = {
            i
            for part in (*attribution.content, *attribution.cue)
            for i in _sentences_reached(part, starts, ends)
        }
        for i in sorted(reached):
            sentence = spans[i]
            in_content = any(_touches(c, sentence, text) for c in attribution.content)
            in_cue = any(_touches(c, sentence, text) for c in attribution.cue)
            if not (in_content or in_cue):
                continue
            claimed.add(i)
            if members:
                for sid in members:
                    add(i, sid, RelianceHow.SHARED)
            elif attribution.kind == AttributionKind.DIRECT:
                if in_content:
                    add(i, attribution.source_id, RelianceHow.QUOTED)
            else:
                add(i, attribution.source_id, RelianceHow.PARAPHRASED)

    for i, sid in _self_reported(layout, sents, spans, resolution, attributions, claimed):
        add(i, sid, RelianceHow.SELF_REPORTED)

    return tuple(
        Sentence(span=spans[i], rests_on=tuple(Reliance(sid, how) for sid, how in rests[i].items()))
        for i in range(len(sents))
    )


def _self_reported(
    layout: ArticleLayout,
    sents: Sequence[Span],
    spans: Sequence[CharSpan],
    resolution: Resolution,
    attributions: Sequence[Attribution],
    claimed: set[int],
) -> list[tuple[int, str]]:
    quotes = layout.quoted_regions(attributions)
    # Only people (named, first-named or unnamed individuals) tell their own story.
    people = {
        s.id
        for s in resolution.sources
        if s.kind in (SourceKind.PERSON, SourceKind.UNNAMED)
        and s.identification != Identification.COLLECTIVE
    }
    mentions = _MentionIndex(resolution.mentions)
    subjects = [_subject_source(s, mentions) for s in sents]
    para_of = [layout.paragraph_of(span.start) for span in spans]

    speaking: dict[int, set[str]] = {}
    for attribution in attributions:
        if not attribution.cue or attribution.source_id is None:
            continue
        para = layout.paragraph_of(attribution.cue[0].start)
        who = {attribution.source_id, *resolution.shared.get(attribution.id, ())}
        speaking.setdefault(para, set()).update(who)

    focus: dict[int, set[str]] = {}
    first_seen: set[int] = set()
    for i, para in enumerate(para_of):
        subject = subjects[i]
        if para not in first_seen:
            first_seen.add(para)
            if subject is not None:
                focus.setdefault(para, set()).add(subject)
        focus.setdefault(para, set()).update(speaking.get(para, ()))

    # Each source's focus paragraphs and subject sentences, gathered once: walking every
    # paragraph and every sentence for every source is quadratic on a long page of many people.
    focused: dict[str, list[int]] = {}
    for para in sorted(focus):
        for sid in focus[para]:
            focused.setdefault(sid, []).append(para)
    subject_of: dict[str, list[int]] = {}
    for i, subject in enumerate(subjects):
        if subject is not None:
            subject_of.setdefault(subject, []).append(i)

    out: list[tuple[int, str]] = []
    for sid in people:
        own = subject_of.get(sid, [])
        own_paras = [para_of[i] for i in own]  # sentences are in order, so these are sorted
        for run in _runs(focused.get(sid, [])):
            if not any(sid in speaking.get(p, ()) for p in run):
                continue
            lo, hi = bisect.bisect_left(own_paras, run.start), bisect.bisect_left(own_paras, run.stop)
            for i in own[lo:hi]:
                if i not in claimed and not inside(spans[i].start + 1, quotes):
                    out.append((i, sid))
    return sorted(out)


def _runs(paras: Sequence[int]) -> list[range]:
    """Runs of consecutive paragraph numbers in the sorted ``paras``."""
    out: list[range] = []
    for para in paras:
        if out and out[-1].stop == para:
            out[-1] = range(out[-1].start, para + 1)
        else:
            out.append(range(para, para + 1))
    return out
