"""Stage ② clean: telling page chrome (interface text, widgets, comment forms) from article lines.

Every rule looks at one line at a time and at its shape (length, sentence punctuation), with the
wording taken from ``resources/ingest_chrome_*.txt`` and ``resources/ingest_comment_forms.txt``.
The patterns are whole-line matches on short lines so that an article sentence that merely
mentions sharing, loading or comments is never taken for a button.
"""

from __future__ import annotations

import re

from ontherecord.ingest.lexicon import load_patterns

# Chrome lines are buttons and labels: longer lines are prose whatever words they contain.
_MAX_CHROME_WORDS = 15
# Sign-up pitches and cookie banners run to a couple of sentences.
_MAX_PREFIX_WORDS = 60
# Widget headings ("More from Politics") and the headline links listed under them.
_MAX_HEADING_WORDS = 12
_MAX_LINK_WORDS = 16

_LEAD = re.compile(r"^[\s#>*•·▪►▸‣◦|+=~_\-–—]+")
_TRAIL = " \t\r\n\x0b\x0c#*_:.!…»›→>|-–—"
_SPACES = re.compile(r"\s+")
_CLOSERS = "\"'”’)]"
_SENTENCE_ENDS = (".", "!", "?", "…")
_SENTENCE_BREAK = re.compile(r"[a-z0-9)\"”’][.!?][\"'”’)]?\s+[\"“‘(]?[A-Z]")
_NAV_SEPARATORS = re.compile(r"\s*[|•·›»]\s*")


def normalize(line: str) -> str:
    """A line as the chrome and note patterns see it: no bullets, markdown marks or trailing punctuation.

    Args:
        line: One line of page text.

    Returns:
        The line, stripped of leading list/markdown marks and trailing punctuation, spaces collapsed.
    """
    # rstrip, not an end-anchored regex: that backtracks quadratically on long runs of these marks.
    return _SPACES.sub(" ", _LEAD.sub("", line).rstrip(_TRAIL)).strip()


def ends_sentence(line: str) -> bool:
    """Whether a line ends with sentence punctuation, closing quotes or brackets aside."""
    return line.strip().rstrip(_CLOSERS).endswith(_SENTENCE_ENDS)


def is_sentence(line: str) -> bool:
    """Whether a line reads as prose: it ends a sentence or holds a sentence break."""
    return ends_sentence(line) or bool(_SENTENCE_BREAK.search(line))


def _words(line: str) -> int:
    return len(line.split())


def _fullmatch_any(patterns: tuple[re.Pattern[str], ...], text: str) -> bool:
    return any(p.fullmatch(text) for p in patterns)


def is_comment_form(line: str) -> bool:
    """Whether a line opens a reader-comment form or thread ("Leave a Reply", "12 Comments")."""
    norm = normalize(line)
    if not norm or _words(norm) > _MAX_CHROME_WORDS:
        return False
    return _fullmatch_any(load_patterns("ingest_comment_forms.txt"), norm)


def _is_nav(norm: str) -> bool:
    # "Home | World | Politics | Opinion": three or more short, digit-free items between separators.
    items = [item for item in _NAV_SEPARATORS.split(norm) if item]
    if len(items) < 3:
        return False
    return all(
        _words(item) <= 4 and not any(ch.isdigit() for ch in item) and not is_sentence(item)
        for item in items
    )


def is_chrome(line: str) -> bool:
    """Whether a line is interface text: a button, a label, a promotion, a banner, a nav bar.

    Args:
        line: One line of page text.

    Returns:
        True for chrome, False for lines that may be article text.
    """
    norm = normalize(line)
    if not norm:
        # A line of nothing but rules, bullets or arrows ("* * *", "———") is decoration.
        return bool(line.strip())
    words = _words(norm)
    if words <= _MAX_CHROME_WORDS and _fullmatch_any(load_patterns("ingest_chrome_lines.txt"), norm):
        return True
    lead = _LEAD.sub("", line.strip())
    if words <= _MAX_PREFIX_WORDS and any(
        p.match(lead) for p in load_patterns("ingest_chrome_prefixes.txt")
    ):
        return True
    return _is_nav(norm)


def is_widget_heading(line: str) -> bool:
    """Whether a line titles a widget of other stories ("Recent updates from the war", "Most read")."""
    norm = normalize(line)
    if not norm or _words(norm) > _MAX_HEADING_WORDS or is_sentence(line):
        return False
    return _fullmatch_any(load_patterns("ingest_chrome_widgets.txt"), norm)


def is_link_shaped(line: str) -> bool:
    """Whether a line could be a headline listed under a widget: short and not a sentence."""
    stripped = line.strip()
    return bool(stripped) and _words(stripped) <= _MAX_LINK_WORDS and not is_sentence(stripped)
