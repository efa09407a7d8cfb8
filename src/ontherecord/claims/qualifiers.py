"""Stage ⑤b qualify: words the article attaches to a claim that lower its standing, fixed to that claim.

"Ukraine's military has reiterated these warnings, accusing Russia … , although these claims
have not been proven": the qualifier belongs to the attribution whose clause it modifies. The
phrase lexicon (resources/qualifiers.en.txt) says what to look for; the parse says where it hangs.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Sequence
from functools import lru_cache
from typing import TYPE_CHECKING

from ontherecord.model import Article, Attribution, CharSpan, Qualifier
from ontherecord.nlp.layout import ArticleLayout
from ontherecord.nlp.lexicon import qualifier_phrases

if TYPE_CHECKING:
    from spacy.tokens import Doc


@lru_cache(maxsize=1)
def _patterns() -> tuple[tuple[str, str, re.Pattern[str]], ...]:
    """(kind, first word, pattern) for every phrase, in lexicon order."""
    out = []
    for kind, phrase in qualifier_phrases():
        words = [re.escape(w).replace("'", "['’]") for w in phrase.split()]
        pattern = re.compile(r"(?<![\w’'-])" + r"\s+".join(words) + r"(?![\w’'-])", re.IGNORECASE)
        out.append((kind, _word_key(phrase.split()[0]), pattern))
    return tuple(out)


def _word_key(word: str) -> str:
    return word.lower().replace("’", "'")


def find_qualifiers(text: str) -> list[Qualifier]:
    """Every qualifier phrase in ``text``; where phrases overlap the longest wins."""
    # A phrase can only match where its first word occurs; most articles hold few of the first
    # words, so most patterns need not scan the text at all.
    present = {_word_key(w) for w in _WORD.findall(text)}
    found: list[Qualifier] = []
    for kind, first, pattern in _patterns():
        if first not in present:
            continue
        for m in pattern.finditer(text):
            span = CharSpan(m.start(), m.end())
            if not any(q.span.overlaps(span) for q in found):
                found.append(Qualifier(kind=kind, text=m.group(0), span=span))
    return sorted(found, key=lambda q: q.span)


_WORD = re.compile(r"[\w’'-]+")


def _holds(spans: Sequence[CharSpan], offset: int) -> bool:
    return any(s.start <= offset < s.end for s in spans)


def _target(
    qualifier: Qualifier, doc: Doc, attributions: Sequence[Attribution], layout: ArticleLayout
) -> int | None:
    """The index of the attribution ``qualifier`` modifies, or None."""
    at = qualifier.span.start
    own_cue = [i for i, a in enumerate(attributions) if any(c.overlaps(qualifier.span) for c in a.cue)]
    candidates = [i for i in range(len(attributions)) if i not in own_cue]

    # Inside a claim's content: the innermost such claim.
    holding = [i for i in candidates if _holds(attributions[i].content, at)]
    if holding:
        return min(holding, key=lambda i: sum(len(s) for s in attributions[i].content))

    span = doc.char_span(qualifier.span.start, qualifier.span.end, alignment_mode="expand")
    if span is None:
        return None
    sent = span.sent
    if not own_cue:
        # Up the parse from the qualifier: the first word that is a claim's cue or content.
        tok = span.root
        while True:
            hits = [
                i
                for i in candidates
                if _holds(attributions[i].cue, tok.idx) or _holds(attributions[i].content, tok.idx)
            ]
            if hits:
                return min(hits, key=lambda i: abs(attributions[i].cue[0].start - at) if attributions[i].cue else 0)
            if tok.head.i == tok.i:
                break
            tok = tok.head
        in_sentence = [
            i
            for i in candidates
            if any(
                s.start < sent.end_char and sent.start_char < s.end
                for s in (*attributions[i].cue, *attributions[i].content)
            )
        ]
        if in_sentence:
            return min(
                in_sentence,
                key=lambda i: min(abs(s.start - at) for s in (*attributions[i].cue, *attributions[i].content)),
            )

    # A qualifier on its own ("These claims could not be verified.") or a denial by another source
    # looks back at the latest claim in this paragraph or the one before.
    para = layout.paragraph_of(at)
    speaker = {attributions[i].source_id for i in own_cue}
    earlier = [
        i
        for i in candidates
        if attributions[i].content
        and attributions[i].content[-1].end <= sent.start_char
        and layout.paragraph_of(attributions[i].content[-1].start) >= para - 1
        and (not speaker or attributions[i].source_id not in speaker)
    ]
    if earlier:
        return max(earlier, key=lambda i: attributions[i].content[-1].end)
    return None


def attach_qualifiers(
    article: Article, doc: Doc, layout: ArticleLayout, attributions: Sequence[Attribution]
) -> tuple[Attribution, ...]:
    """Attach each qualifier phrase in the article to the attribution whose claim it modifies.

    Args:
        article: the cleaned article.
        doc: ``article.text`` parsed.
        layout: its paragraphs (``ArticleLayout.of(article.text)``).
        attributions: the attributions (with source ids, so a denial is not pinned on the denier).

    Returns:
        The attributions in the same order, each with its qualifiers (existing ones kept).
    """
    attributions = list(attributions)
    if not attributions:
        return ()
    added: dict[int, list[Qualifier]] = {}
    for qualifier in find_qualifiers(article.text):
        index = _target(qualifier, doc, attributions, layout)
        if index is not None:
            added.setdefault(index, []).append(qualifier)
    out = []
    for i, attribution in enumerate(attributions):
        new = [q for q in added.get(i, ()) if q not in attribution.qualifiers]
        if new:
            attribution = dataclasses.replace(
                attribution, qualifiers=tuple(sorted((*attribution.qualifiers, *new), key=lambda q: q.span))
            )
        out.append(attribution)
    return tuple(out)
