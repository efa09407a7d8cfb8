"""Stage ③ layout: quotation marks paired into quoted passages, line by line (see ``nlp.layout``).

Real pages mix curly and straight marks, close a quote with the wrong glyph ("… both countries. “"
at the end of a paragraph), and run one quotation over several paragraphs, where news style opens
every paragraph again but closes only the last. Each mark is first classified by what stands beside
it (like Markdown's left/right-flanking rule), the glyph deciding only when the context does not;
then marks are paired left to right. When pairing is impossible the quote is dropped rather than
guessed, because a wrongly paired quote corrupts the attribution of everything after it.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from ontherecord.model.spans import CharSpan

DOUBLE_OPEN = "“„«"
DOUBLE_CLOSE = "”»"
DOUBLE_EITHER = '"‟'
SINGLE_OPEN = "‘‚"
# ’ is also the apostrophe, so a single closing mark only counts when a ‘ opened the quote.
SINGLE_CLOSE = "’'"
TYPEWRITER_DOUBLE = "''"

_OPENING_CONTEXT = set("([{—–-/") | set(DOUBLE_OPEN) | set(SINGLE_OPEN)


@dataclass(frozen=True, slots=True)
class Quote:
    """One quoted passage inside a paragraph.

    Attributes:
        span: From the opening mark to the closing mark, both included (to the paragraph's end
            when the quotation goes on in the next paragraph).
        paragraph: Index of the line (``ArticleLayout.lines``) holding it: a page's paragraph.
        closed: False when the quote runs on into the next paragraph unclosed.
        continues: True when this quote is the next paragraph of an unclosed quotation.
        single: True for a ‘single-quoted’ passage (headlines, quotes inside quotes).
    """

    span: CharSpan
    paragraph: int
    closed: bool = True
    continues: bool = False
    single: bool = False
    # Width of the opening and closing marks: 2 for the typewriter style ''…''.
    open_width: int = 1
    close_width: int = 1

    @property
    def inner(self) -> CharSpan:
        """The span without its marks."""
        start = self.span.start + self.open_width
        end = self.span.end - self.close_width if self.closed else self.span.end
        return CharSpan(start, max(start, end))


def _role(text: str, i: int, width: int, para: CharSpan) -> str:
    """'open', 'close' or '?' for the double mark at ``i``, from its neighbours first."""
    j = i + width
    before = text[i - 1] if i > para.start else " "
    after = text[j] if j < para.end else "\n"
    at_end = j >= para.end or not text[j : para.end].strip()
    left_blank = before.isspace() or before in _OPENING_CONTEXT
    right_blank = after.isspace() or after in ".,;:!?)]}—–-…"
    if at_end:
        # Nothing can open at the end of a paragraph: this is the seed's "countries. “".
        return "close"
    if left_blank and not right_blank:
        return "open"
    if right_blank and not left_blank:
        return "close"
    glyph = text[i]
    if glyph in DOUBLE_OPEN:
        return "open"
    if glyph in DOUBLE_CLOSE:
        return "close"
    return "?"


def _double_marks(text: str, para: CharSpan) -> Iterator[tuple[int, int, str]]:
    """(index, width, role) of each double mark; two apostrophes ('') count as one mark, the
    typewriter convention some wires (the New York Times archive) still use."""
    i = para.start
    while i < para.end:
        ch = text[i]
        if ch in DOUBLE_OPEN or ch in DOUBLE_CLOSE or ch in DOUBLE_EITHER:
            yield i, 1, _role(text, i, 1, para)
        elif text.startswith(TYPEWRITER_DOUBLE, i) and i + 2 <= para.end:
            yield i, 2, _role(text, i, 2, para)
            i += 1
        i += 1


def _pair_paragraph(
    text: str, para: CharSpan
) -> tuple[list[tuple[int, int, int, int]], tuple[int, int] | None]:
    """Closed pairs (open index, open width, close index, close width) and the opening
    (index, width) left unclosed, if any."""
    pairs: list[tuple[int, int, int, int]] = []
    open_at: tuple[int, int] | None = None
    for i, width, role in _double_marks(text, para):
        if role == "?":
            role = "close" if open_at is not None else "open"
        if role == "open":
            # A second opening inside a quote: the first one was never closed; we cannot tell
            # where it ended, so it is abandoned and the new one taken.
            open_at = (i, width)
        elif open_at is not None:
            pairs.append((open_at[0], open_at[1], i, width))
            open_at = None
        # A closing mark with nothing open is a stray mark: ignored.
    return pairs, open_at


def _opens_with_quote(text: str, para: CharSpan) -> bool:
    ch = text[para.start]
    return (
        ch in DOUBLE_OPEN or ch in DOUBLE_EITHER or text.startswith(TYPEWRITER_DOUBLE, para.start)
    )


def _single_quotes(text: str, para: CharSpan, taken: list[CharSpan]) -> Iterator[CharSpan]:
    """‘Single-quoted’ passages outside double quotes.

    An opening ‘ (or ' after a blank) pairs with the next ’ or ' that a non-letter follows, so
    apostrophes inside words are skipped.
    """
    i = para.start
    while i < para.end:
        ch = text[i]
        if text.startswith(TYPEWRITER_DOUBLE, i):
            i += 2
            continue
        before = text[i - 1] if i > para.start else " "
        starts = ch in SINGLE_OPEN or (
            ch == "'" and (before.isspace() or before in _OPENING_CONTEXT)
        )
        if starts and i + 1 < para.end and not text[i + 1].isspace():
            j = i + 1
            while j < para.end:
                cj = text[j]
                nxt = text[j + 1] if j + 1 < para.end else " "
                if text.startswith(TYPEWRITER_DOUBLE, j):
                    j = para.end
                    break
                if cj in SINGLE_CLOSE and not nxt.isalnum() and not text[j - 1].isspace():
                    break
                if cj in SINGLE_OPEN:
                    j = para.end
                    break
                j += 1
            if j < para.end:
                span = CharSpan(i, j + 1)
                if not any(t.overlaps(span) for t in taken):
                    yield span
                i = j + 1
                continue
        i += 1


def find_quotes(text: str, lines: Sequence[CharSpan]) -> list[Quote]:
    """Every quoted passage in ``text``, in order.

    Args:
        text: The article body.
        lines: Its non-blank lines (``nlp.layout.split_lines``), each treated as a paragraph.

    Returns:
        Quotes sorted by position. A quotation over several paragraphs gives one Quote per
        paragraph: the first with ``closed=False``, the next ones with ``continues=True``.
        Marks that cannot be paired are left out.
    """
    paras = lines
    quotes: list[Quote] = []
    for k, para in enumerate(paras):
        pairs, open_at = _pair_paragraph(text, para)
        continues_here = bool(
            quotes
            and not quotes[-1].closed
            and quotes[-1].paragraph == k - 1
            and pairs
            and pairs[0][0] == para.start
        ) or bool(
            quotes
            and not quotes[-1].closed
            and quotes[-1].paragraph == k - 1
            and open_at is not None
            and open_at[0] == para.start
            and not pairs
        )
        spans = []
        for n, (a, aw, b, bw) in enumerate(pairs):
            spans.append(CharSpan(a, b + bw))
            quotes.append(
                Quote(
                    CharSpan(a, b + bw),
                    k,
                    closed=True,
                    continues=continues_here and n == 0,
                    open_width=aw,
                    close_width=bw,
                )
            )
        if open_at is not None:
            nxt = paras[k + 1] if k + 1 < len(paras) else None
            if nxt is not None and _opens_with_quote(text, nxt):
                # News convention: an unclosed quote whose next paragraph opens with a mark
                # goes on there.
                quotes.append(
                    Quote(
                        CharSpan(open_at[0], para.end),
                        k,
                        closed=False,
                        continues=continues_here and not pairs,
                        open_width=open_at[1],
                    )
                )
                spans.append(CharSpan(open_at[0], para.end))
        for span in _single_quotes(text, para, spans):
            quotes.append(Quote(span, k, single=True))
    quotes.sort(key=lambda q: (q.span.start, q.span.end))
    return quotes
