"""Stage ④: reported speech and inner states read off the dependency parse.

X said (that) Y / X told reporters Y / X warned that Y     verb cue + complement clause
Y, X said.                                                 the same, content before the cue
X accused Y of Z / X described himself as Y                verb cue + its object phrase
X dismissed Y as “insane citizens”                         the same, a quote inside: mixed
X believes Y / X is convinced that Y                       inner state
high hopes among X that Y                                  noun cue
according to X, Y                                          cue phrase (also inside a quote)
"""

from __future__ import annotations

import bisect
from typing import TYPE_CHECKING

from ontherecord.attribution._tokens import char_span, clip
from ontherecord.attribution.candidate import Candidate
from ontherecord.attribution.context import Context
from ontherecord.attribution.cues import cue_tokens
from ontherecord.attribution.speakers import adjacent_phrase, subject_tokens
from ontherecord.model.attribution import AttributionKind
from ontherecord.model.spans import CharSpan
from ontherecord.nlp.sentences import sentence_of

if TYPE_CHECKING:
    from spacy.tokens import Span, Token

_CLAUSE_DEPS = {"ccomp"}
# Complements that carry the content of a cue verb without a clause of its own:
# "promised to win", "accused Russia of …", "described himself as …", "called it a hoax".
_OBJECT_DEPS = {"xcomp", "dobj", "prep", "oprd", "attr", "dative", "pcomp", "acomp"}
# Prepositions of circumstance, never content ("said on Friday", "told reporters in Ohio").
_CIRCUMSTANCE_PREPS = frozenset("on in at during after before since while from with".split())


def _content_kind(ctx: Context, span: CharSpan, base: AttributionKind) -> AttributionKind:
    """Mixed when a quotation sits inside content that also has words of the writer's own;
    direct when the content is nothing but the quotation."""
    if base is AttributionKind.INTERNAL_STATE:
        return base
    inside = ctx.quotes_within(span)
    if not inside:
        return base
    # The writer's own words are what lies between the quotes (they never overlap).
    text, at = ctx.text, span.start
    for quote in [*inside, CharSpan(span.end, span.end)]:
        if any(ch.isalnum() for ch in text[at : quote.start]):
            return AttributionKind.MIXED
        at = max(at, quote.end)
    return AttributionKind.DIRECT


def _sentence_bounds(ctx: Context, token: Token) -> CharSpan:
    """The token's sentence, cut to its paragraph (parsed sentences can run over a line break)."""
    sent: Span = sentence_of(token)
    span = CharSpan(sent.start_char, sent.end_char)
    k = ctx.paragraph_of(token.idx)
    if k < 0:
        return span
    return clip(span, ctx.paragraphs[k]) or span


def _drop_connective(ctx: Context, start: int, end: int) -> int:
    """Move ``start`` past a sentence-opening connective ("But", "However,", "In addition,")."""
    doc = ctx.doc
    for words in ctx.lexicon.connectives:
        stop = start + len(words)
        if stop < end and tuple(t.lower_ for t in doc[start:stop]) == words:
            if doc[stop].text == ",":
                stop += 1
            return stop
    return start


def _make(
    ctx: Context,
    cue_toks: list[Token],
    source: CharSpan | None,
    content: CharSpan | None,
    kind: AttributionKind,
    rule: str,
    confidence: float,
) -> Candidate | None:
    if content is None:
        return None
    cue = char_span(ctx.doc, cue_toks[0].i, cue_toks[-1].i + 1)
    if cue is None:
        return None
    reach = CharSpan(min(cue.start, content.start), max(cue.end, content.end))
    if ctx.has_stray_mark(reach):
        return None
    return Candidate(
        source=[source] if source else [],
        cue=[cue],
        content=[content],
        kind=_content_kind(ctx, content, kind),
        confidence=confidence,
        rule=rule,
        cue_tokens=frozenset(t.i for t in cue_toks),
        paragraph=ctx.paragraph_of(cue.start),
    )


def _right_content(ctx: Context, verb: Token, tags: frozenset[str]) -> tuple[int, int] | None:
    """Token range of what a cue verb governs to its right: its clause, else its object phrase."""
    # The parser sometimes hangs the next paragraph's clause on the verb: never look past it.
    _, para_end = ctx.paragraph_tokens(verb)
    right = [c for c in verb.children if verb.i < c.i < para_end]
    clauses = [c for c in right if c.dep_ in _CLAUSE_DEPS]
    if clauses:
        start = clauses[0].left_edge.i
        if "recipient" not in tags:
            # "believes the best shot … has come": an object parsed beside the clause is part
            # of the content unless the verb's object is its hearer ("told reporters …").
            objects = [c for c in right if c.dep_ == "dobj" and c.i < clauses[0].i]
            if objects:
                start = min(start, objects[0].left_edge.i)
        return start, clauses[-1].right_edge.i + 1
    if "clause" in tags:
        return None
    parts = [
        c
        for c in right
        if c.dep_ in _OBJECT_DEPS
        and not (c.dep_ == "prep" and c.lower_ in _CIRCUMSTANCE_PREPS)
        and not (c.dep_ == "dative" and "recipient" in tags)
    ]
    if not parts:
        return None
    if "recipient" in tags:
        objs = [c for c in parts if c.dep_ == "dobj"]
        if objs and len(parts) > 1:
            # "urged voters to …": the first object is the hearer.
            parts = [c for c in parts if c is not objs[0]]
    start = min(c.left_edge.i for c in parts)
    end = max(c.right_edge.i for c in parts) + 1
    return start, end


def _frame_content(ctx: Context, verb: Token) -> list[tuple[int, int]] | None:
    """For "Y, X said." and "Y, X said, Z." — the content stands around the frame.

    Returns the token ranges before (and after) the frame, or None when the verb governs a
    clause of its own or the frame is not set off by commas.
    """
    doc = ctx.doc
    lo, hi = ctx.paragraph_tokens(verb)
    if any(c.dep_ in _CLAUSE_DEPS and verb.i < c.i < hi for c in verb.children):
        return None
    sent = sentence_of(verb)
    sent_lo, sent_hi = max(sent.start, lo), min(sent.end, hi)
    cues = cue_tokens(verb)
    subj = subject_tokens(ctx, verb)
    frame_lo, frame_hi = cues[0].i, verb.i + 1
    if subj is not None:
        frame_lo, frame_hi = min(frame_lo, subj[0]), max(frame_hi, subj[1])
    else:
        while frame_lo > sent_lo and not doc[frame_lo - 1].is_punct:
            frame_lo -= 1
    # Circumstances may follow the frame ("said Friday", "said in a statement"), nothing longer.
    k = frame_hi
    while k < sent_hi and not doc[k].is_punct:
        k += 1
    if k - frame_hi > 6:
        return None
    frame_hi = k
    if frame_lo - 1 <= sent_lo or doc[frame_lo - 1].text not in {",", "—", "–", "--"}:
        return None
    start = sent_lo
    while (
        start < frame_lo
        and (doc[start].is_space or doc[start].is_punct)
        and not ctx.in_quote(doc[start])
    ):
        start += 1
    ranges = [(start, frame_lo - 1)]
    if frame_hi < sent_hi and doc[frame_hi].text in {",", "—", "–", "--"}:
        if frame_hi + 1 < sent_hi:
            ranges.append((frame_hi + 1, sent_hi))
    elif frame_hi < sent_hi and doc[frame_hi].text not in {".", "!", "?", ";", ":"}:
        return None
    # "The museum, Mr. Obama said, would …" may open with a single word; content that stands
    # only before the frame must be a clause, not a stray phrase.
    if frame_lo - 1 - start < (1 if len(ranges) > 1 else 3):
        return None
    return ranges


def _verb_rules(ctx: Context, token: Token) -> Candidate | None:
    kind_name = ctx.lexicon.verb_kind(token)
    if kind_name is None or token.i in ctx.used_cues:
        return None
    # A cue inside a quotation belongs to the speaker's own words; news readers (and PolNeAR:
    # 9 of 2,192 dev cues) do not treat it as a separate attribution. "According to" inside a
    # quote names a further source, so the phrase rule reads it there.
    if ctx.in_quote(token):
        return None
    if any(c.dep_ == "aux" and c.lower_ == "to" for c in token.children):
        # "wanted to show …", "agreed to disclose …": an infinitive is what someone wants or
        # agrees to do, not a report of its own (PolNeAR dev: 3 of 53 such cues are gold).
        return None
    kind = AttributionKind.INTERNAL_STATE if kind_name == "belief" else AttributionKind.INDIRECT
    if token.pos_ == "ADJ":
        return _adjective_rule(ctx, token, kind)
    tags = ctx.lexicon.tags(token)
    cues = cue_tokens(token, ctx.lexicon.media)
    lo, hi = ctx.paragraph_tokens(token)
    prep = ctx.lexicon.phrasal_prep(token)
    if prep is not None:
        # "called for a moratorium", "called on Republicans to …": what follows the
        # preposition, and the verb's other complements after it, are the content.
        cues = cues + [prep]
        after = [
            c for c in token.children if c.i > prep.i and c.dep_ in _OBJECT_DEPS | _CLAUSE_DEPS
        ]
        objs = [c for c in prep.children if c.dep_ in {"pobj", "pcomp"}]
        ends = [c.right_edge.i for c in after + objs]
        right = (prep.i + 1, max(ends) + 1) if ends else None
    else:
        right = _right_content(ctx, token, tags)
    ranges = [right] if right is not None else _frame_content(ctx, token)
    rule = "indirect.clause" if right is not None else "indirect.inverted"
    if not ranges:
        return None
    ranges = [_cut_at_next_cue(ctx, token, (max(a, lo), min(b, hi))) for a, b in ranges]
    ranges = [(_drop_connective(ctx, a, b), b) for a, b in ranges]
    ranges = [(a, b) for a, b in ranges if b > a]
    source = _source(ctx, token)
    if source is None and rule == "indirect.inverted" and ranges:
        end = cues[0].i
        start = end
        while start > lo and not ctx.doc[start - 1].is_punct:
            start -= 1
        source = adjacent_phrase(ctx, start, end)
    if source is None or not ranges:
        return None
    content = [c for c in (char_span(ctx.doc, a, b) for a, b in ranges) if c is not None]
    if not content or any(c.overlaps(source) for c in content):
        return None
    conf = 0.7 if rule == "indirect.clause" else 0.65
    cand = _make(ctx, cues, source, content[0], kind, rule, conf if kind_name == "speech" else 0.6)
    if cand is not None:
        cand.content.extend(content[1:])
    return cand


def _adjective_rule(ctx: Context, token: Token, kind: AttributionKind) -> Candidate | None:
    """ "is convinced that …": the cue is the copula with its adjective; the copula's subject
    is the source."""
    if token.dep_ != "acomp":
        return None
    head = token.head
    clause = [c for c in token.children if c.dep_ in _CLAUSE_DEPS or c.dep_ == "xcomp"]
    if not clause:
        return None
    content = char_span(ctx.doc, clause[0].left_edge.i, clause[-1].right_edge.i + 1)
    cue_toks = [
        t
        for t in ctx.doc[head.i : token.i + 1]
        if t.i in {head.i, token.i} or t.dep_ in {"neg", "advmod"}
    ]
    return _make(ctx, cue_toks, _source(ctx, head), content, kind, "indirect.adjective", 0.55)


def _cut_at_next_cue(ctx: Context, verb: Token, rng: tuple[int, int]) -> tuple[int, int]:
    """End the content where a second report by the same speaker begins: "said A and warned
    B", "said A, arguing B" are two attributions, and the parser often hangs the second inside
    the first one's clause."""
    doc = ctx.doc
    start, end = rng
    if ctx.report_tokens is None:
        # Which tokens could begin a second report depends on the token alone: found once per
        # article, then bisected, since a content can run over most of a long sentence.
        ctx.report_tokens = [tok.i for tok in doc if _second_report(ctx, tok)]
    reports = ctx.report_tokens
    for i in reports[bisect.bisect_left(reports, start + 1) : bisect.bisect_left(reports, end)]:
        tok = doc[i]
        cut = cue_tokens(tok)[0].i
        if cut <= start or not (doc[cut - 1].dep_ == "cc" or doc[cut - 1].text in {",", ";"}):
            continue
        while cut > start and (doc[cut - 1].dep_ == "cc" or doc[cut - 1].is_punct):
            cut -= 1
        if cut > start and tok.i != verb.i:
            return start, cut
    return rng


def _second_report(ctx: Context, tok: Token) -> bool:
    if tok.dep_ not in {"conj", "advcl"} or ctx.lexicon.verb_kind(tok) != "speech":
        return False
    # A subject of its own: a reported clause, not the speaker's second report.
    return not any(c.dep_ in {"nsubj", "nsubjpass", "expl"} for c in tok.children)


def _source(ctx: Context, verb: Token) -> CharSpan | None:
    found = subject_tokens(ctx, verb)
    if found is None:
        return None
    return char_span(ctx.doc, *found)


def _noun_rule(ctx: Context, token: Token) -> Candidate | None:
    """ "hopes among X that Y", "his belief that Y", "the claim that Y"."""
    kind_name = ctx.lexicon.nouns.get(token.lemma_.lower())
    if kind_name is None or token.pos_ != "NOUN" or ctx.in_quote(token):
        return None
    clause = None
    for child in token.children:
        if child.dep_ in {"acl", "ccomp"} and child.i > token.i:
            marks = [c for c in child.children if c.dep_ == "mark" and c.lower_ == "that"]
            if marks:
                clause = child
                break
    if clause is None:
        return None
    source = None
    for child in token.children:
        if child.dep_ == "poss":
            source = char_span(ctx.doc, child.left_edge.i, child.right_edge.i + 1)
        elif (
            child.dep_ == "prep"
            and child.lower_ in {"among", "of", "from", "by"}
            and child.i < clause.i
        ):
            objs = [c for c in child.children if c.dep_ == "pobj"]
            if objs:
                source = char_span(ctx.doc, objs[0].left_edge.i, objs[0].right_edge.i + 1)
    if source is None:
        compounds = [c for c in token.children if c.dep_ == "compound" and c.pos_ == "PROPN"]
        if compounds and not any(c.dep_ == "det" for c in token.children):
            # "Trump charges that …": a verb the tagger took for a noun; the name is its subject.
            source = char_span(ctx.doc, compounds[0].left_edge.i, compounds[-1].right_edge.i + 1)
        elif token.dep_ in {"dobj", "pobj"}:
            # "Republicans have expressed concern that …", "persisted in arguments that …":
            # the holder is the subject of the verb that governs the noun.
            verb = token.head if token.dep_ == "dobj" else token.head.head
            if verb.pos_ in {"VERB", "AUX"}:
                found = subject_tokens(ctx, verb)
                if found is not None:
                    source = char_span(ctx.doc, *found)
    if source is None:
        # "the claim that …" with nobody named holds nothing to attribute (PolNeAR train: such
        # noun cues were gold 1 time in 6).
        return None
    kind = AttributionKind(kind_name)
    content = char_span(ctx.doc, clause.left_edge.i, clause.right_edge.i + 1)
    return _make(ctx, [token], source, content, kind, "indirect.noun", 0.5)


def _phrase_rules(ctx: Context) -> list[Candidate]:
    """ "according to X, Y" and kin: source = the preposition's object, content = the rest of
    the clause (inside the quotation, when the phrase stands in one)."""
    doc = ctx.doc
    out = []
    lowers = [t.lower_ for t in doc]
    for phrase in ctx.lexicon.phrases:
        size = len(phrase)
        for i in range(len(doc) - size + 1):
            if tuple(lowers[i : i + size]) != phrase or i in ctx.used_cues:
                continue
            prep = doc[i + size - 1]
            objs = [c for c in prep.children if c.dep_ == "pobj"]
            if objs:
                src_rng = (i + size, objs[0].right_edge.i + 1)
            else:
                # The parser sometimes hangs the object elsewhere: take the noun phrase up to
                # the next punctuation.
                end = i + size
                while end < len(doc) and not doc[end].is_punct and not doc[end].is_space:
                    end += 1
                src_rng = (i + size, end)
            source = char_span(doc, *src_rng)
            if source is None:
                continue
            bounds = _sentence_bounds(ctx, doc[i])
            quote = ctx.quote_covering(doc[i].idx)
            if quote is not None:
                bounds = clip(bounds, quote.inner) or quote.inner
            fragments = []
            first, last = _token_range(ctx, bounds.start, doc[i].idx)
            before = char_span(doc, _drop_connective(ctx, first, last), last)
            after = char_span(
                doc,
                *_token_range(ctx, doc[src_rng[1] - 1].idx + len(doc[src_rng[1] - 1]), bounds.end),
            )
            for frag in (before, after):
                frag = clip(frag, bounds)
                if (
                    frag is not None
                    and sum(ch.isalnum() for ch in ctx.text[frag.start : frag.end]) > 3
                ):
                    fragments.append(frag)
            if not fragments:
                continue
            cue = char_span(doc, i, i + size)
            assert cue is not None
            out.append(
                Candidate(
                    source=[source],
                    cue=[cue],
                    content=fragments,
                    kind=AttributionKind.ACCORDING_TO,
                    confidence=0.8,
                    rule="indirect.phrase",
                    cue_tokens=frozenset(range(i, i + size)),
                    paragraph=ctx.paragraph_of(cue.start),
                )
            )
            ctx.used_cues.update(range(i, i + size))
    return out


def _token_range(ctx: Context, start_char: int, end_char: int) -> tuple[int, int]:
    if end_char <= start_char:
        return 0, 0
    span = ctx.doc.char_span(start_char, end_char, alignment_mode="contract")
    if span is None or len(span) == 0:
        return 0, 0
    return span.start, span.end


def find_indirect(ctx: Context) -> list[Candidate]:
    """Indirect, mixed, according-to and inner-state attributions.

    Args:
        ctx: The article's reading context; cues already used (by the direct rules) are skipped.

    Returns:
        Candidates in token order.
    """
    found = _phrase_rules(ctx)
    for token in ctx.doc:
        cand = _verb_rules(ctx, token) or _noun_rule(ctx, token)
        if cand is not None:
            ctx.used_cues.update(cand.cue_tokens)
            found.append(cand)
    return found
