"""Stage ④: the source mention of a cue — its grammatical subject, or the phrase beside it.

PolNeAR draws a source as the whole subject phrase: appositions, relative clauses and the
conjoined subjects of a shared attribution ("Kulazhanka and other recruits") included. When the
parser loses the subject (inverted frames such as "…, Kulazhanka and other recruits said." are
often parsed without an nsubj), the noun phrase standing next to the cue is taken instead.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ontherecord.attribution._tokens import char_span
from ontherecord.attribution.context import Context
from ontherecord.model.spans import CharSpan

if TYPE_CHECKING:
    from spacy.tokens import Token

_SUBJECT_DEPS = {"nsubj"}
# Verbs that hand their subject down to a dependent cue: "X said A and added B",
# "X reiterated the warnings, accusing Y of …", "X went on to say …".
_INHERIT_DEPS = {"conj", "advcl", "xcomp"}
_NOMINAL_POS = {"PROPN", "NOUN", "PRON", "NUM"}


def _outside_quotes(ctx: Context, head: Token, left: int, right: int) -> tuple[int, int]:
    """Shrink ``[left, right)`` around ``head`` so it holds no token of a double quote."""
    lo = head.i
    while lo > left and not ctx.in_quote(ctx.doc[lo - 1]):
        lo -= 1
    hi = head.i + 1
    while hi < right and not ctx.in_quote(ctx.doc[hi]):
        hi += 1
    return lo, hi


def subject_tokens(ctx: Context, verb: Token, depth: int = 3) -> tuple[int, int] | None:
    """Token range of ``verb``'s subject phrase, inherited from governing verbs when it has none."""
    lo, hi = ctx.paragraph_tokens(verb)
    subjects = [
        c
        for c in verb.children
        if c.dep_ in _SUBJECT_DEPS and not ctx.in_quote(c) and lo <= c.i < hi
    ]
    if subjects:
        # Two subjects mean a parse that ran over a line break: the nearer one is the speaker's.
        child = min(subjects, key=lambda c: abs(c.i - verb.i))
        left, right = child.left_edge.i, child.right_edge.i + 1
        # A subject never reaches past its verb (a bad parse can hang the quote off it).
        if child.i < verb.i:
            right = min(right, verb.i)
        else:
            left = max(left, verb.i + 1)
        left, right = max(left, lo), min(right, hi)
        left = _after_relative_word(ctx, child, left)
        return _outside_quotes(ctx, child, left, right)
    if depth and verb.dep_ in _INHERIT_DEPS and verb.head is not verb:
        return subject_tokens(ctx, verb.head, depth - 1)
    return None


def _after_relative_word(ctx: Context, head: Token, left: int) -> int:
    """Drop what a relative word drags in before the subject: in "without whose support many in
    Belarus believe", the speakers are "many in Belarus"."""
    doc = ctx.doc
    for tok in doc[left : head.i]:
        if tok.tag_ in {"WP$", "WDT", "WP"} and tok.i != head.i:
            owner = tok.head if tok.head.i < head.i else tok
            left = max(left, owner.right_edge.i + 1, tok.i + 1)
    return min(left, head.i)


def subject_span(ctx: Context, verb: Token) -> CharSpan | None:
    """The character span of ``verb``'s subject phrase, trimmed; None when it has none."""
    found = subject_tokens(ctx, verb)
    if found is None:
        return None
    return char_span(ctx.doc, *found)


def adjacent_phrase(ctx: Context, start: int, end: int) -> CharSpan | None:
    """A noun phrase filling tokens ``[start, end)`` (the source slot of an inverted frame).

    Returns None unless the tokens hold a noun or pronoun, no verb of their own outside a
    relative clause, and no quotation.
    """
    doc = ctx.doc
    toks = [doc[i] for i in range(start, end)]
    words = [t for t in toks if not t.is_punct and not t.is_space]
    if not words or len(words) > 25:
        return None
    if any(ctx.in_quote(t) for t in toks):
        return None
    if not any(t.pos_ in _NOMINAL_POS for t in words):
        return None
    # Only the first few words decide: a clause ("the war began") is not a speaker.
    lead = words[: min(len(words), 4)]
    if any(t.pos_ in {"VERB", "AUX"} and t.dep_ not in {"relcl", "acl", "amod"} for t in lead):
        return None
    return char_span(doc, start, end)
