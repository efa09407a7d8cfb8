"""Stage ④: direct quotations — a paired quote, the cue verb in the frame around it, its speaker.

Frames news uses, in the order tried:
    “…,” Kulazhanka said …            trailing frame, subject first
    “…,” said Pavel Latushko, …       trailing frame, inverted
    Clinton “is the only …,” X said   trailing frame after the writer's opening words (mixed)
    X said: “…”   /   X told Y, “…”   leading frame
    “…” ― Sonya Herridge              signed with a dash
    PENCE: Well, …                    a labelled paragraph (``find_labelled``)
A quote with no frame of its own continues the speaker of an attributed quote before it in the
same paragraph, or — news convention — of the previous paragraph's quote when the paragraph opens
with a quote mark. A quote that no frame claims and nothing continues is left alone (it may be a
scare quote, or the content of a mixed attribution that the indirect rules find).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ontherecord.attribution._tokens import char_span
from ontherecord.attribution.candidate import Candidate
from ontherecord.attribution.context import Context
from ontherecord.attribution.cues import cue_tokens
from ontherecord.attribution.speakers import adjacent_phrase, subject_tokens
from ontherecord.model.attribution import AttributionKind
from ontherecord.model.spans import CharSpan
from ontherecord.nlp.quotes import Quote

if TYPE_CHECKING:
    from spacy.tokens import Token

# A sentence ends at a token that is only . ! ? — the tokenizer keeps "Mr." and "E." whole,
# so abbreviations and initials do not end a frame.
_SENTENCE_END = frozenset({".", "!", "?", "...", "…"})
# How far into a trailing frame the cue may stand: "…,” Kulazhanka said", "…,” the former
# culture minister of Belarus, Pavel Latushko, said" — longer than that is narrative.
_MAX_TRAILING_GAP = 12
# Quotes ending so usually hand over to a trailing frame; a quote ending with a full stop does
# only when the frame is short ("… last forever.” he said.").
_HANDOVER = ",?!—–-…"
_DASHES = frozenset({"―", "—", "–", "--"})


def _next_quote_start(ctx: Context, n: int, para: CharSpan) -> int:
    for q in ctx.quotes[n + 1 :]:
        if q.span.start >= para.end:
            break
        return q.span.start
    return para.end


def _prev_quote_end(ctx: Context, n: int, para: CharSpan) -> int:
    if n > 0 and ctx.quotes[n - 1].span.end > para.start:
        return max(para.start, ctx.quotes[n - 1].span.end)
    return para.start


def _starts_sentence(ctx: Context, n: int) -> bool:
    """True when nothing but a sentence end (or a colon) stands between the previous boundary
    and quote ``n``: the quote is a sentence of its own, not part of a narrative clause."""
    q = ctx.quotes[n]
    para = ctx.paragraphs[q.paragraph]
    start = _last_sentence_start(ctx, _prev_quote_end(ctx, n, para), q.span.start)
    return not ctx.text[start : q.span.start].strip()


def _last_sentence_start(ctx: Context, start: int, end: int) -> int:
    """The character after the last sentence end in ``[start, end)`` (``start`` if none)."""
    for tok in reversed(_frame_tokens(ctx, start, end)):
        if tok.text in _SENTENCE_END:
            return tok.idx + len(tok.text)
    return start


def _first_sentence_end(ctx: Context, start: int, end: int) -> int:
    """The character after the first sentence end in ``[start, end)`` (``end`` if none)."""
    for tok in _frame_tokens(ctx, start, end):
        if tok.text in _SENTENCE_END:
            return tok.idx + len(tok.text)
    return end


def _cue_verb(ctx: Context, tokens: list[Token]) -> Token | None:
    for tok in tokens:
        if tok.i in ctx.used_cues or ctx.in_quote(tok):
            continue
        if ctx.lexicon.verb_kind(tok) is not None and tok.pos_ in {"VERB", "AUX"}:
            return tok
    return None


def _source_for(ctx: Context, verb: Token, frame: tuple[int, int]) -> CharSpan | None:
    lo, hi = frame
    found = subject_tokens(ctx, verb)
    if found is not None:
        left, right = max(found[0], lo), min(found[1], hi)
        if right > left:
            return char_span(ctx.doc, left, right)
    # The parser often drops the subject of an inverted or appended frame: take the noun
    # phrase beside the cue, the one before it first ("…,” Flynn, a top surrogate, said Thursday"),
    # else the one after it ("…,” said Pavel Latushko, …").
    cues = cue_tokens(verb)
    if cues[0].i > lo:
        before = adjacent_phrase(ctx, lo, cues[0].i)
        if before is not None:
            return before
    after_end = verb.i + 1
    while after_end < hi and not ctx.doc[after_end].is_punct:
        after_end += 1
    if after_end > verb.i + 1:
        return adjacent_phrase(ctx, verb.i + 1, after_end)
    return None


def _frame_tokens(ctx: Context, start: int, end: int) -> list[Token]:
    span = CharSpan(start, end) if end > start else None
    return ctx.tokens_in(span) if span else []


def _candidate(
    ctx: Context, verb: Token, source: CharSpan | None, quote: Quote, rule: str, conf: float
) -> Candidate:
    cues = cue_tokens(verb, ctx.lexicon.media)
    cue = char_span(ctx.doc, cues[0].i, cues[-1].i + 1)
    return Candidate(
        source=[source] if source else [],
        cue=[cue] if cue else [],
        content=[quote.span],
        kind=AttributionKind.DIRECT,
        confidence=conf,
        rule=rule,
        cue_tokens=frozenset(t.i for t in cues),
        paragraph=quote.paragraph,
    )


def _trailing(ctx: Context, n: int) -> Candidate | None:
    """“…,” X said / “…,” said X — the frame after the quote, up to the sentence's end."""
    q = ctx.quotes[n]
    if not q.closed:
        return None
    para = ctx.paragraphs[q.paragraph]
    lead = _lead_in(ctx, n)
    if lead is False:
        return None
    frame_end = _first_sentence_end(ctx, q.span.end, _next_quote_start(ctx, n, para))
    tokens = [t for t in _frame_tokens(ctx, q.span.end, frame_end) if not t.is_space]
    if not tokens:
        return None
    words = [t for t in tokens if not t.is_punct]
    inner = ctx.text[q.inner.start : q.inner.end].rstrip()
    handover = bool(inner) and inner[-1] in _HANDOVER
    # A frame that begins a new sentence with a capital after a full stop is narrative.
    if not handover and (len(words) > 6 or (words and words[0].is_sent_start)):
        return None
    verb = _cue_verb(ctx, words[:_MAX_TRAILING_GAP])
    if verb is None:
        return _dash_signed(ctx, q, tokens)
    frame = (tokens[0].i, tokens[-1].i + 1)
    source = _source_for(ctx, verb, frame)
    cand = _candidate(ctx, verb, source, q, "direct.trailing", 0.9 if source else 0.6)
    if isinstance(lead, CharSpan):
        # Clinton “is the only candidate …,” Newton said: the writer's words open the sentence
        # the speaker's words finish — one mixed attribution.
        cand.content.insert(0, lead)
        cand.kind = AttributionKind.MIXED
        cand.rule = "direct.trailing_mixed"
    return cand


def _lead_in(ctx: Context, n: int) -> CharSpan | None | bool:
    """What opens quote ``n``'s sentence before the quote: None when the quote opens it, the
    span when it is a short stretch of the writer's words with no cue of its own (a mixed quote),
    False when the quote sits inside a longer clause (not a frame-final quotation)."""
    if _starts_sentence(ctx, n):
        return None
    q = ctx.quotes[n]
    para = ctx.paragraphs[q.paragraph]
    start = _last_sentence_start(ctx, _prev_quote_end(ctx, n, para), q.span.start)
    tokens = [t for t in _frame_tokens(ctx, start, q.span.start) if not t.is_space]
    if n and ctx.quotes[n - 1].span.end > start:
        return False  # another quote stands in the same sentence before this one
    if not tokens or len(tokens) > 8 or tokens[-1].is_punct:
        return False
    # The lead must be the subject the quote goes on with ("Clinton “is …”"), not an opening
    # phrase ("On “Fox News Sunday,” Pence said") around a title in quotes.
    if tokens[0].pos_ not in {"PROPN", "NOUN", "PRON", "DET", "ADJ", "NUM"}:
        return False
    if len(ctx.text[q.inner.start : q.inner.end].split()) < 3:
        return False
    if any(ctx.lexicon.verb_kind(t) is not None or t.lower_ == "that" for t in tokens):
        return False
    return char_span(ctx.doc, tokens[0].i, tokens[-1].i + 1) or False


def _dash_signed(ctx: Context, q: Quote, tokens: list[Token]) -> Candidate | None:
    """“…” ― Sonya Herridge: a quotation signed with a dash and a name, as in reader panels and
    epigraphs; the dash is the cue."""
    if tokens[0].text not in _DASHES:
        return None
    rest = [t for t in tokens[1:] if not t.is_space]
    while rest and rest[-1].is_punct:
        rest.pop()
    if not rest or len(rest) > 6 or not any(t.pos_ == "PROPN" for t in rest):
        return None
    source = char_span(ctx.doc, rest[0].i, rest[-1].i + 1)
    cue = char_span(ctx.doc, tokens[0].i, tokens[0].i + 1)
    if source is None or cue is None:
        return None
    return Candidate(
        source=[source],
        cue=[cue],
        content=[q.span],
        kind=AttributionKind.DIRECT,
        confidence=0.8,
        rule="direct.signed",
        cue_tokens=frozenset({tokens[0].i}),
        paragraph=q.paragraph,
    )


def find_labelled(ctx: Context) -> list[Candidate]:
    """Paragraphs of the form "LABEL: words": a transcript's speaker turn ("PENCE: Well, …",
    words of their own: direct) or a headline's "Pence: Flowers won't be at debate" (the
    writer's paraphrase: indirect). The colon is the cue."""
    doc, text = ctx.doc, ctx.text
    turns: list[tuple[int, list[Token], int]] = []
    for k, para in enumerate(ctx.paragraphs):
        tokens = [t for t in ctx.tokens_in(para) if not t.is_space]
        # A transcript turn may open with a stray quote mark left by the page.
        while tokens and tokens[0].is_quote:
            tokens = tokens[1:]
        colon = next((n for n, t in enumerate(tokens[:7]) if t.text == ":"), None)
        if colon and colon + 1 < len(tokens):
            turns.append((k, tokens, colon))
    # An all-capitals label is a speaker only when it recurs (a transcript), which tells
    # "PENCE:" from a one-off "CLARIFICATION:"; any other label must name a person or body.
    caps = [
        " ".join(t.text for t in tokens[:colon])
        for _, tokens, colon in turns
        if all(t.is_upper or not t.is_alpha for t in tokens[:colon])
    ]
    found = []
    for k, tokens, colon in turns:
        label = tokens[:colon]
        name = " ".join(t.text for t in label)
        if any(t.pos_ in {"VERB", "AUX"} and not t.is_upper for t in label):
            continue  # "Smith said: …" is a leading frame, not a label
        if all(t.is_upper or not t.is_alpha for t in label):
            if caps.count(name) < 2:
                continue
        elif len(label) > 4 or not any(
            t.ent_type_ in {"PERSON", "ORG", "NORP"} and t.pos_ == "PROPN" for t in label
        ):
            continue
        source = char_span(doc, label[0].i, label[-1].i + 1)
        content = char_span(doc, tokens[colon + 1].i, tokens[-1].i + 1)
        if source is None or content is None or ctx.has_stray_mark(content):
            continue
        transcript = all(ch.isupper() for ch in text[source.start : source.end] if ch.isalpha())
        found.append(
            Candidate(
                source=[source],
                cue=[CharSpan(tokens[colon].idx, tokens[colon].idx + 1)],
                content=[content],
                kind=AttributionKind.DIRECT if transcript else AttributionKind.INDIRECT,
                confidence=0.6,
                rule="direct.labelled",
                cue_tokens=frozenset({tokens[colon].i}),
                paragraph=k,
            )
        )
    return found


def _leading(ctx: Context, n: int) -> Candidate | None:
    """X said: “…” / X told Y, “…” — the frame before the quote, back to the sentence's start."""
    q = ctx.quotes[n]
    if q.continues:
        return None
    para = ctx.paragraphs[q.paragraph]
    start = _last_sentence_start(ctx, _prev_quote_end(ctx, n, para), q.span.start)
    lead = ctx.text[start : q.span.start].rstrip()
    if not lead:
        return None
    tokens = [t for t in _frame_tokens(ctx, start, q.span.start) if not t.is_space]
    if not tokens:
        return None
    # "X said that “…”" or "called it “…”" put the quote inside a clause: a mixed or indirect
    # attribution, which the indirect rules handle; a direct frame ends with a colon, a comma,
    # or the cue itself.
    last = tokens[-1]
    verb: Token | None = None
    if last.text in {":", ","}:
        verb = _cue_verb(ctx, list(reversed(tokens[:-1]))[:8])
        if verb is None and last.text == ":" and len(tokens) > 1:
            # "Trump boomed: “…”": before a colon and a quote any verb with a subject is the
            # cue, listed or not.
            prev = tokens[-2]
            if (
                prev.pos_ == "VERB"
                and prev.i not in ctx.used_cues
                and any(c.dep_ == "nsubj" for c in prev.children)
            ):
                verb = prev
    elif "clause" in ctx.lexicon.tags(last) and not ctx.in_quote(last):
        # Only a verb of saying takes a bare quote as its words ("said “…”"); "calls “hell”"
        # names something with the speaker's word: a mixed attribution, left to the indirect rules.
        verb = last if last.i not in ctx.used_cues else None
    if verb is None:
        return None
    # Between the cue and the quote only the hearer or circumstances may stand ("told The
    # Post:", "said in a statement:"), never a clause of its own.
    between = [t for t in tokens if t.i > verb.i and not t.is_punct]
    if any(t.pos_ in {"VERB", "AUX"} or t.lower_ == "that" for t in between):
        return None
    frame = (tokens[0].i, tokens[-1].i + 1)
    source = _source_for(ctx, verb, frame)
    return _candidate(ctx, verb, source, q, "direct.leading", 0.85 if source else 0.55)


def _continues(ctx: Context, n: int, owner: Candidate | None) -> bool:
    """Whether quote ``n``, claimed by no frame, carries on ``owner``'s quotation."""
    if owner is None or owner.kind is not AttributionKind.DIRECT:
        return False
    q = ctx.quotes[n]
    if q.continues:
        return True
    prev = ctx.quotes[n - 1] if n else None
    if prev is not None and prev.span in owner.content and prev.paragraph == q.paragraph:
        # “If you have a portion of them displaced,” he said, “you now have …”: one sentence
        # split by its frame; the second half starts no sentence of its own.
        gap = CharSpan(prev.span.end, q.span.start)
        if (
            any(gap.contains(c) for c in owner.cue)
            and _last_sentence_start(ctx, gap.start, gap.end) == gap.start
        ):
            return True
    if not _starts_sentence(ctx, n):
        return False
    if owner.paragraph == q.paragraph:
        return True
    # News convention: a paragraph that opens with a quote and names no speaker continues
    # the quotation of the paragraph before.
    para = ctx.paragraphs[q.paragraph]
    return q.span.start == para.start and owner.paragraph == q.paragraph - 1


def find_direct(ctx: Context) -> list[Candidate]:
    """Direct-quotation attributions, continuation fragments attached.

    Args:
        ctx: The article's reading context; cue tokens used here are added to ``ctx.used_cues``.

    Returns:
        One Candidate per attributed quotation, its content holding every fragment.
    """
    found: list[Candidate] = []
    owner: Candidate | None = None
    for n, q in enumerate(ctx.quotes):
        cand = None if q.continues else (_trailing(ctx, n) or _leading(ctx, n))
        if cand is not None:
            ctx.used_cues.update(cand.cue_tokens)
            found.append(cand)
            owner = cand
            continue
        if _continues(ctx, n, owner):
            assert owner is not None
            owner.content.append(q.span)
            # A quotation carried into this paragraph makes it the owner's latest paragraph.
            owner.paragraph = q.paragraph
            continue
        if owner is not None and q.paragraph != owner.paragraph:
            owner = None
    return found
