"""Stage ② clean: a Page's text -> the Article body (title, kept paragraphs) and its notes.

The body is the page's own paragraphs, each kept verbatim (stripped of surrounding whitespace)
and joined by a blank line; cleaning only ever drops lines, it never rewrites characters inside
the ones it keeps. Dropped: page chrome (see ``chrome``), widget headings and the links under
them, and a trailing reader-comment section. Editors' notes, corrections and updates (see
``notes``) move from the body into Notes.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from ontherecord.ingest.chrome import (
    ends_sentence,
    is_chrome,
    is_comment_form,
    is_link_shaped,
    is_widget_heading,
)
from ontherecord.ingest.notes import is_bare_label, note_kind, refine_kind
from ontherecord.model import Article, Note, Page

# A headline is one line of at most this many characters; a longer first line is a paragraph.
_MAX_TITLE_CHARS = 300
# A comment-form line in the later part of a page ends the article; earlier (a comment count
# under the headline) it is dropped alone, so the article after it is kept.
_TAIL_FRACTION = 0.5


@dataclass(frozen=True, slots=True)
class _Line:
    start: int
    end: int
    block: int  # lines of one block have no blank line between them

    def text(self, page_text: str) -> str:
        return page_text[self.start : self.end]


@dataclass(frozen=True, slots=True)
class _Paragraph:
    start: int
    text: str


def _split_lines(text: str) -> list[_Line]:
    lines: list[_Line] = []
    pos, block = 0, 0
    for raw in text.split("\n"):
        if raw.strip():
            lines.append(_Line(pos, pos + len(raw), block))
        else:
            block += 1
        pos += len(raw) + 1
    return lines


def _is_title_shaped(line: str) -> bool:
    # Headlines may hold two sentences ("Oops! Gunplay didn't disrupt GOP convention."), so
    # length is the test; a note is never the headline.
    return len(line) <= _MAX_TITLE_CHARS and note_kind(line) is None


def _headline_key(text: str) -> str:
    return " ".join(text.casefold().split()).rstrip(".!?:;,- ")


def _repeats_title(paragraph: str, title: str) -> bool:
    """Whether a first paragraph is the headline again (HTML extractors often keep the h1).

    The page title may carry the site's name after the headline ("Headline | Site"), so a
    paragraph that is the start of the title counts too.
    """
    if len(paragraph) > _MAX_TITLE_CHARS:
        return False
    head, full = _headline_key(paragraph), _headline_key(title)
    return bool(head) and (head == full or (full.startswith(head) and not full[len(head)].isalnum()))


def _find_title(page: Page, lines: list[_Line]) -> tuple[str | None, int]:
    """The title and the index of the first body line."""
    if not page.has_title_line:
        return page.title, 0
    for index, line in enumerate(lines):
        text = line.text(page.text).strip()
        if is_chrome(text) or is_widget_heading(text) or is_comment_form(text):
            continue
        # A lone line is the article itself, not a headline over nothing.
        if _is_title_shaped(text) and index + 1 < len(lines):
            return page.title or text, index + 1
        break
    return page.title, 0


def _keep_lines(page_text: str, lines: list[_Line]) -> list[_Line]:
    if not lines:
        return []
    body_start, body_end = lines[0].start, lines[-1].end
    span = max(body_end - body_start, 1)
    kept: list[_Line] = []
    in_widget = False
    for line in lines:
        text = line.text(page_text).strip()
        if is_comment_form(text):
            if (line.start - body_start) / span >= _TAIL_FRACTION:
                break
            continue
        if note_kind(text) is not None:
            in_widget = False
            kept.append(line)
        elif is_widget_heading(text):
            in_widget = True
        elif is_chrome(text) or (in_widget and is_link_shaped(text)):
            continue
        else:
            in_widget = False
            kept.append(line)
    return kept


def _paragraphs(page_text: str, lines: list[_Line], kept: list[_Line]) -> list[_Paragraph]:
    """Runs of kept lines that are adjacent in one block, as verbatim slices of the page.

    A line that ends a sentence also ends its paragraph: many pages put one paragraph per line
    with no blank line between, while hard-wrapped text breaks lines mid-sentence.
    """
    position = {id(line): i for i, line in enumerate(lines)}
    paragraphs: list[_Paragraph] = []
    run: list[_Line] = []

    def flush() -> None:
        if run:
            text = page_text[run[0].start : run[-1].end].strip()
            if text:
                paragraphs.append(_Paragraph(run[0].start, text))
            run.clear()

    for line in kept:
        if run and (
            line.block != run[-1].block
            or position[id(line)] != position[id(run[-1])] + 1
            or ends_sentence(run[-1].text(page_text))
        ):
            flush()
        run.append(line)
    flush()
    return paragraphs


def _split_notes(paragraphs: list[_Paragraph], page_length: int) -> tuple[list[str], list[Note]]:
    body: list[str] = []
    notes: list[Note] = []
    i = 0
    while i < len(paragraphs):
        paragraph = paragraphs[i]
        kind = note_kind(paragraph.text)
        i += 1
        if kind is None:
            body.append(paragraph.text)
            continue
        parts = [paragraph.text]
        if is_bare_label(paragraph.text) and i < len(paragraphs):
            # "CORRECTION:" alone at the foot of a page heads everything after it (NYT style);
            # higher up it heads the next paragraph only.
            if paragraph.start / max(page_length, 1) >= _TAIL_FRACTION:
                parts.extend(p.text for p in paragraphs[i:])
                i = len(paragraphs)
            else:
                parts.append(paragraphs[i].text)
                i += 1
        text = "\n\n".join(parts)
        notes.append(Note(kind=refine_kind(kind, text), text=text))
    return body, notes


def _without_nul(page: Page) -> Page:
    # NUL is no character of any text (a relic of a broken export or a C string): it is removed, not
    # refused, so one stray byte does not lose an article. PostgreSQL cannot store it in a string.
    fields = ("id", "text", "title", "url", "published", "author")
    if not any("\x00" in (getattr(page, name) or "") for name in fields):
        return page
    values = {name: getattr(page, name) for name in fields}
    changes = {name: value.replace("\x00", "") for name, value in values.items() if value is not None}
    return replace(page, **changes)


def clean_page(page: Page) -> tuple[Article, tuple[Note, ...]]:
    """Clean one page into its article body and the notes printed with it.

    Args:
        page: A page from one of the readers (or ``read_text``).

    Returns:
        The Article (id, title, url and published from the page; ``text`` the kept paragraphs
        joined by ``"\\n\\n"``; ``meta`` with origin, format and author) and the editors' notes,
        corrections and updates found on the page, in page order, with ``source_ids`` empty.
        Never raises on text; a page that is all chrome gives an Article with empty text.
    """
    page = _without_nul(page)
    lines = _split_lines(page.text)
    title, first = _find_title(page, lines)
    body_lines = lines[first:]
    kept = _keep_lines(page.text, body_lines)
    body, notes = _split_notes(_paragraphs(page.text, body_lines, kept), len(page.text))
    if body and title and _repeats_title(body[0], title):
        body = body[1:]
    meta = {"origin": page.origin, "format": page.format}
    if page.author:
        meta["author"] = page.author
    article = Article(
        id=page.id,
        text="\n\n".join(body),
        title=title,
        url=page.url,
        published=page.published,
        meta=meta,
    )
    return article, tuple(notes)
