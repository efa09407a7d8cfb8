"""Stage ④: the parsed article as the rules see it — tokens, paragraphs, quotes and cue lexicon."""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from ontherecord.attribution.cues import Lexicon, load_lexicon
from ontherecord.model.spans import CharSpan
from ontherecord.nlp.layout import ArticleLayout
from ontherecord.nlp.quotes import DOUBLE_CLOSE, DOUBLE_EITHER, DOUBLE_OPEN, Quote

if TYPE_CHECKING:
    from spacy.tokens import Doc, Token


DOUBLE_MARKS = frozenset(DOUBLE_OPEN + DOUBLE_CLOSE + DOUBLE_EITHER)
# Every offset where a double mark stands (two apostrophes included), overlapping matches too.
_MARK_AT = re.compile("(?=[" + re.escape("".join(sorted(DOUBLE_MARKS))) + "]|'')")


@dataclass
class Context:
    """Everything the rules share about one article; built once per article.

    Attributes:
        doc: The parsed article.
        text: ``doc.text``, the article body, read once.
        lexicon: The cue lexicons.
        layout: The article's layout, computed once at the parse boundary.
        paragraphs: Paragraph spans (the layout's non-blank lines).
        quotes: Double-quoted passages (single-quoted ones are in ``single_quotes``).
        used_cues: Token indices already taken as a cue by an earlier rule.
    """

    doc: Doc
    layout: ArticleLayout
    lexicon: Lexicon
    paragraphs: list[CharSpan]
    quotes: list[Quote]
    single_quotes: list[Quote]
    used_cues: set[int] = field(default_factory=set)
    # spaCy rebuilds Doc.text on every access; the rules read it constantly.
    text: str = ""
    _quote_of_token: dict[int, int] = field(default_factory=dict, repr=False)
    _para_tokens: dict[int, tuple[int, int]] = field(default_factory=dict, repr=False)
    _quote_starts: list[int] = field(default_factory=list, repr=False)
    # Built on first use (see has_stray_mark, quotes_within): both are asked once per candidate,
    # and scanning the text or every quote each time is quadratic on a page of many cues.
    _strays: list[int] | None = field(default=None, repr=False)
    _all_quotes: list[CharSpan] | None = field(default=None, repr=False)
    # Token indices the indirect rules may cut a content at (``indirect._cut_at_next_cue``).
    report_tokens: list[int] | None = field(default=None, repr=False)

    @classmethod
    def build(cls, doc: Doc, layout: ArticleLayout, lexicon: Lexicon | None = None) -> Context:
        """The rules' context for ``doc``, whose layout is ``layout``."""
        ctx = cls(
            doc=doc,
            layout=layout,
            text=layout.text,
            lexicon=lexicon or load_lexicon(),
            paragraphs=list(layout.lines),
            quotes=list(layout.quotes),
            single_quotes=list(layout.single_quotes),
        )
        # Double quotes never overlap one another, so their starts sort them for bisection.
        ctx._quote_starts = [q.span.start for q in ctx.quotes]
        for n, q in enumerate(ctx.quotes):
            for tok in ctx.tokens_in(q.span):
                ctx._quote_of_token[tok.i] = n
        return ctx

    def paragraph_of(self, char: int) -> int:
        """Index of the paragraph at or before character ``char`` (-1 before the first)."""
        return self.layout.line_of(char)

    def tokens_in(self, span: CharSpan) -> list[Token]:
        """Tokens lying wholly inside ``span``."""
        chars = self.doc.char_span(span.start, span.end, alignment_mode="contract")
        return list(chars) if chars is not None else []

    def quote_index(self, token: Token) -> int | None:
        """Index into ``quotes`` of the double quote holding ``token`` (marks included), if any."""
        return self._quote_of_token.get(token.i)

    def in_quote(self, token: Token) -> bool:
        return token.i in self._quote_of_token

    def paragraph_tokens(self, token: Token) -> tuple[int, int]:
        """Token range ``[lo, hi)`` of the paragraph holding ``token``: no span may leave it,
        since the parser's sentences sometimes run over a line break (a dateline, a timestamp)."""
        k = self.paragraph_of(token.idx)
        if k < 0:
            return 0, len(self.doc)
        cached = self._para_tokens.get(k)
        if cached is None:
            para = self.paragraphs[k]
            chars = self.doc.char_span(para.start, para.end, alignment_mode="expand")
            cached = (chars.start, chars.end) if chars is not None else (0, len(self.doc))
            self._para_tokens[k] = cached
        return cached

    def has_stray_mark(self, span: CharSpan) -> bool:
        """True when ``span`` holds a double quote mark that no paired quote explains: where
        such a quote ends is unknown, so content built across it would be a guess."""
        if self._strays is None:
            self._strays = [
                m.start() for m in _MARK_AT.finditer(self.text) if self.quote_covering(m.start()) is None
            ]
        k = bisect.bisect_left(self._strays, span.start)
        return k < len(self._strays) and self._strays[k] < span.end

    def quotes_within(self, span: CharSpan) -> list[CharSpan]:
        """Spans of the quotes, double and single, lying wholly inside ``span``, by position.

        Quotes never overlap one another (single ones are only sought outside double ones), so
        sorted by start they are sorted by end too.
        """
        if self._all_quotes is None:
            self._all_quotes = sorted(q.span for q in self.quotes + self.single_quotes)
        quotes = self._all_quotes
        k = bisect.bisect_left(quotes, CharSpan(span.start, span.start))
        out = []
        while k < len(quotes) and quotes[k].start < span.end:
            if quotes[k].end <= span.end:
                out.append(quotes[k])
            k += 1
        return out

    def quote_covering(self, char: int) -> Quote | None:
        """The double quote whose span holds character ``char``, if any."""
        k = bisect.bisect_right(self._quote_starts, char) - 1
        if k >= 0 and char < self.quotes[k].span.end:
            return self.quotes[k]
        return None
