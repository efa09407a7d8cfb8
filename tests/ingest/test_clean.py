"""Cleaning: chrome out, notes out, article paragraphs kept verbatim (the seed, PolNeAR, fixtures)."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import SEED
from hypothesis import given
from hypothesis import strategies as st

from ontherecord.ingest.clean import clean_page
from ontherecord.ingest.readers import read_file, read_text
from ontherecord.model import NoteKind, Page

PAGES = Path(__file__).resolve().parents[1] / "data" / "pages"

SEED_CHROME = [
    "Holds space while article actions load",
    "Recent updates from the Ukraine War",
    "Leave a Reply",
    "Your email address will not be published. Required fields are marked *",
]


def paragraphs(text: str) -> list[str]:
    return [p.strip() for p in text.split("\n\n") if p.strip()]


@pytest.fixture(scope="module")
def seed():
    text = SEED.read_text(encoding="utf-8")
    article, notes = clean_page(read_text(text, id="seed", origin=str(SEED)))
    return text, article, notes


def test_seed_title_is_the_headline(seed):
    _, article, _ = seed
    assert article.title == "Belarus’s battalion fights in Ukraine for ‘freedom’ of both countries’"
    assert not article.text.startswith("Belarus’s battalion")


@pytest.mark.parametrize("chrome", SEED_CHROME)
def test_seed_chrome_is_gone(seed, chrome):
    _, article, _ = seed
    assert chrome not in article.text


def test_seed_keeps_every_article_paragraph(seed):
    text, article, notes = seed
    dropped = {"Belarus’s battalion fights in Ukraine for ‘freedom’ of both countries’", *SEED_CHROME}
    expected = [p for p in paragraphs(text) if p not in dropped and not p.startswith("An earlier version")]
    assert paragraphs(article.text) == expected
    # The paragraph right after the widget heading is the article, not the widget's links.
    assert "Since the war in Ukraine began, Belarusian dissidents have warned" in article.text
    # Characters inside kept paragraphs are not touched, typos included.
    assert "being scalped.They put 70 of us" in article.text


def test_seed_editors_note_is_a_correction_note(seed):
    _, article, notes = seed
    assert len(notes) == 1
    note = notes[0]
    assert note.kind is NoteKind.CORRECTION
    assert "Kulazhanka" in note.text
    assert note.text.startswith("An earlier version of this article")
    assert note.source_ids == ()
    assert "An earlier version" not in article.text


def test_article_carries_page_metadata():
    page = Page(
        id="a1",
        text="Headline here\n\nBody paragraph one.",
        origin="somewhere.txt",
        format="text",
        url="https://example.org/a1",
        published="2016-09-28",
        author="Jane Doe",
    )
    article, _ = clean_page(page)
    assert (article.id, article.title, article.url, article.published) == (
        "a1",
        "Headline here",
        "https://example.org/a1",
        "2016-09-28",
    )
    assert article.text == "Body paragraph one."
    assert article.meta == {"origin": "somewhere.txt", "format": "text", "author": "Jane Doe"}
    assert article.content_hash


def test_polnear_text_title_is_first_line_body_the_rest(polnear_dev):
    path = polnear_dev / "text" / "politico_2016-09-28_axelrod-calls-on-dean-to-apologi.txt"
    text = path.read_text(encoding="utf-8")
    article, notes = clean_page(read_text(text, id=path.stem, origin=str(path)))
    lines = paragraphs(text)
    assert article.title == lines[0]
    assert paragraphs(article.text) == lines[1:]
    assert notes == ()


def test_polnear_list_items_are_not_mistaken_for_widget_links(polnear_dev):
    # Short unpunctuated lines inside an article ("Stop lying", "Show humility") are text.
    path = polnear_dev / "text" / "huff-post_2016-09-26_one-tweet-sums-up-the-absurd-dou.txt"
    article, _ = clean_page(read_text(path.read_text(encoding="utf-8")))
    for item in ("Stop lying", "Show humility", "Be the Clinton who shines in a smaller crowd"):
        assert item in article.text


def test_polnear_huffpost_editors_note(polnear_dev):
    path = polnear_dev / "text" / "huff-post_2016-09-16_black-lawmakers-rip-donald-trump.txt"
    article, notes = clean_page(read_text(path.read_text(encoding="utf-8")))
    assert [n.kind for n in notes] == [NoteKind.EDITORS_NOTE]
    assert notes[0].text.startswith("Editor’s note: Donald Trump")
    assert "Editor’s note" not in article.text


def test_polnear_promotions_are_chrome(polnear_dev):
    path = polnear_dev / "text" / "breitbart_2016-09-12_stealth-over-health-hillary-clin.txt"
    article, _ = clean_page(read_text(path.read_text(encoding="utf-8")))
    assert "Read the rest here." not in article.text
    assert article.text.endswith("the NYPD overruled that request, the source added.")


def test_text_page_with_editors_note_and_widget(cfg):
    page = read_file(PAGES / "politico_flight_attendants_editors_note.txt", cfg)
    article, notes = clean_page(page)
    assert article.title == "Flight attendants' union endorses Clinton"
    for chrome in (
        "Skip to main content",
        "By Madeline Conway",
        "Updated 09/30/16",
        "Share on Facebook",
        "Advertisement",
        "Most Read",
        "Trump campaign cancels rally in Ohio",
        "Clinton leads in new Virginia poll",
        "Sign up for Playbook",
        "©",
    ):
        assert chrome not in article.text
    body = paragraphs(article.text)
    assert body[0].startswith("A union representing flight attendants endorsed Hillary Clinton")
    assert body[-1].startswith("But Clinton’s opponent, Donald Trump, has been successfully courting")
    assert "Other major unions, including the American Federation of Teachers" in article.text
    assert [n.kind for n in notes] == [NoteKind.EDITORS_NOTE]
    assert notes[0].text.startswith("Editor’s note: This article is part of a series")


def test_html_page_with_correction(cfg):
    page = read_file(PAGES / "politico_axelrod_correction.html", cfg)
    article, notes = clean_page(page)
    assert article.title == "Axelrod calls on Dean to apologize for suggesting Trump uses cocaine"
    assert article.url == "https://news.example.com/story/2016/09/axelrod-dean-apologize-trump"
    assert article.published == "2016-09-28"
    assert article.meta["author"] == "Yousef Saba"
    body = paragraphs(article.text)
    assert body[0] == (
        "David Axelrod on Wednesday called on Howard Dean to apologize to Donald Trump "
        "for accusing him of being a cocaine user."
    )
    assert body[-1].endswith("He ought to pull that back.\"")
    assert len(body) == 6
    for chrome in ("Skip to main content", "cookies", "Advertisement", "More from Politics", "Leave a Reply",
                   "Required fields", "All rights reserved", "Facebook"):
        assert chrome not in article.text
    assert [n.kind for n in notes] == [NoteKind.CORRECTION]
    assert notes[0].text == (
        "Correction: An earlier version of this article misstated the night of the debate. It was held on Monday."
    )


def test_html_page_with_update_note(cfg):
    page = read_file(PAGES / "upi_stein_update.html", cfg)
    article, notes = clean_page(page)
    assert article.title == "Green Party candidate Jill Stein removed from N.Y. debate site by police"
    body = paragraphs(article.text)
    assert body[0].startswith("HEMPSTEAD, N.Y., Sept. 26 (UPI) — Green Party presidential candidate Jill Stein")
    assert body[-1].startswith("Monday’s trip to Hofstra wasn’t Stein’s first.")
    assert len(body) == 8
    for chrome in ("Read more:", "Share this", "Related Posts", "3 Comments", "Stunt.", "Recent Posts", "Copyright"):
        assert chrome not in article.text
    assert [n.kind for n in notes] == [NoteKind.UPDATE]
    assert notes[0].text.startswith("UPDATE 7:15 p.m. — Stein’s campaign said")


@pytest.mark.parametrize(
    ("paragraph", "kind"),
    [
        ("Correction: An earlier version of this story misspelled the senator's name.", NoteKind.CORRECTION),
        ("CLARIFICATION: The first sentence has been clarified to reflect the proposal.", NoteKind.CORRECTION),
        ("[Editor's note: This column reflects the views of the author.]", NoteKind.EDITORS_NOTE),
        ("**Editors’ Note:** An article on Monday misidentified the speaker at the rally.", NoteKind.CORRECTION),
        ("This story has been updated to include comments from the campaign.", NoteKind.UPDATE),
        ("This article has been corrected to show that the vote was on Tuesday.", NoteKind.CORRECTION),
        ("This post has been updated with comment from Clinton.", NoteKind.UPDATE),
        ("UPDATE: 5/12 — The website that listed the weapon has removed the listing.", NoteKind.UPDATE),
        ("Update, Sept. 27 at 5 p.m.: The campaign responded to questions about the event.", NoteKind.UPDATE),
        ("A previous version of this article gave the wrong date for the hearing.", NoteKind.CORRECTION),
        ("Because of an editing error, an article on Wednesday gave the wrong figure.", NoteKind.CORRECTION),
    ],
)
def test_notes_by_kind(paragraph, kind):
    text = f"Headline\n\nThe council met on Monday to discuss the budget.\n\n{paragraph}\n"
    article, notes = clean_page(read_text(text))
    assert [(n.kind, n.text) for n in notes] == [(kind, paragraph)]
    assert article.text == "The council met on Monday to discuss the budget."


@pytest.mark.parametrize(
    "paragraph",
    [
        "Corrections officers said the prison was understaffed.",
        "Updated figures released on Monday showed the gap narrowing.",
        "An earlier version of the bill would have cut funding, Smith said.",
        "Updated 09/30/16 10:25 AM EDT",
    ],
)
def test_article_sentences_that_look_like_notes_are_not_notes(paragraph):
    text = f"Headline\n\nThe council met on Monday.\n\n{paragraph}\n\nThe meeting ran late."
    _, notes = clean_page(read_text(text))
    assert notes == ()


def test_bare_correction_label_at_the_foot_takes_the_paragraphs_after_it():
    text = (
        "Headline\n\nFirst paragraph of the story, long enough to be the body.\n\n"
        "Second paragraph of the story, also of a decent length.\n\n"
        "CORRECTION:\n\nAs published in the International New York Times.\n\n"
        "An article on Monday misstated the size of the fund.\n"
    )
    article, notes = clean_page(read_text(text))
    assert paragraphs(article.text) == [
        "First paragraph of the story, long enough to be the body.",
        "Second paragraph of the story, also of a decent length.",
    ]
    assert len(notes) == 1 and notes[0].kind is NoteKind.CORRECTION
    assert notes[0].text.endswith("An article on Monday misstated the size of the fund.")


@pytest.mark.parametrize(
    "chrome",
    [
        "Advertisement",
        "ADVERTISEMENT",
        "Story continues below advertisement",
        "Share this article",
        "Facebook Twitter Email",
        "Share on Facebook | Share on Twitter",
        "Read more",
        "READ MORE: The latest on the campaign trail",
        "Sign up for our newsletter to get the latest news in your inbox.",
        "Want more updates? Sign up for her newsletter.",
        "We use cookies to give you the best experience. By continuing to use this site you agree.",
        "Home | World | Politics | Opinion",
        "Skip to main content",
        "Loading...",
        "Video loading",
        "Comments are closed.",
        "Copyright 2022 The Example Times. All rights reserved.",
        "Follow @example on Twitter.",
        "* * *",
    ],
)
def test_chrome_lines_are_dropped(chrome):
    text = f"Headline\n\nThe council met on Monday.\n\n{chrome}\n\nThe meeting ran late into the night."
    article, _ = clean_page(read_text(text))
    assert paragraphs(article.text) == ["The council met on Monday.", "The meeting ran late into the night."]


@pytest.mark.parametrize(
    "sentence",
    [
        "Share prices fell 3 percent after the announcement.",
        "The page was still loading when the site crashed, officials said.",
        "Readers can leave a comment on the city's website until Friday.",
        "Sign language interpreters were present at the briefing.",
        "By Monday, the votes were in.",
        "More from the mayor's office is expected next week.",
        "Follow the money, he said.",
        "Stop lying",
    ],
)
def test_article_sentences_that_mention_chrome_words_are_kept(sentence):
    text = f"Headline\n\nThe council met on Monday.\n\n{sentence}\n\nThe meeting ran late into the night."
    article, _ = clean_page(read_text(text))
    assert sentence in paragraphs(article.text)


def test_comment_heading_near_the_top_does_not_cut_the_article():
    text = "Headline\n\n12 Comments\n\n" + "\n\n".join(f"Paragraph {i} of the story goes on." for i in range(6))
    article, _ = clean_page(read_text(text))
    assert len(paragraphs(article.text)) == 6
    assert "12 Comments" not in article.text


def test_trailing_comment_thread_is_cut():
    story = "\n\n".join(f"Paragraph {i} of the story goes on at some length." for i in range(6))
    thread = "Leave a comment\n\nJoe: I disagree with this article entirely.\n\nAnn: Great reporting, thanks."
    article, _ = clean_page(read_text(f"Headline\n\n{story}\n\n{thread}"))
    assert "Joe:" not in article.text and "Ann:" not in article.text
    assert len(paragraphs(article.text)) == 6


def test_windows_newlines_and_hard_wrapped_paragraphs():
    text = "Headline\r\n\r\nA paragraph that is\r\nwrapped over two lines.\r\n\r\nAdvertisement\r\n\r\nLast one."
    article, _ = clean_page(read_text(text))
    assert paragraphs(article.text) == ["A paragraph that is\nwrapped over two lines.", "Last one."]


def test_single_line_text_is_the_body_not_a_title():
    article, _ = clean_page(read_text("Kulazhanka said the battalion was ready."))
    assert article.title is None
    assert article.text == "Kulazhanka said the battalion was ready."


def test_page_with_title_from_reader_keeps_its_first_line():
    page = Page(id="x", text="First paragraph.\n\nSecond.", origin="x", format="html", title="T", has_title_line=False)
    article, _ = clean_page(page)
    assert article.title == "T"
    assert paragraphs(article.text) == ["First paragraph.", "Second."]


def test_headline_repeated_as_first_paragraph_is_dropped():
    page = Page(id="x", text="The Title\n\nBody text here.", origin="x", format="html", title="The Title",
                has_title_line=False)
    assert clean_page(page)[0].text == "Body text here."


@given(st.text(max_size=600), st.booleans())
def test_clean_never_raises_and_keeps_paragraphs_verbatim(text, has_title_line):
    page = Page(id="h", text=text, origin="<h>", format="text", has_title_line=has_title_line)
    article, notes = clean_page(page)
    # Verbatim but for NUL, the one character cleaning removes (docs/reading.md).
    text = text.replace("\x00", "")
    assert "\x00" not in article.text
    for paragraph in article.text.split("\n\n"):
        assert paragraph in text
    for note in notes:
        for part in note.text.split("\n\n"):
            assert part in text


lines = st.sampled_from(
    ["Advertisement", "Leave a Reply", "Correction: An earlier version misnamed him.", "Read more", "Most read",
     "A sentence of the story.", "Another line", "", "  ", "Share", "Editor's note:", "UPDATE"]
) | st.text(max_size=80)


@given(st.lists(lines, max_size=30))
def test_clean_on_chrome_like_pages_keeps_paragraphs_verbatim(parts):
    text = "\n".join(parts)
    article, _ = clean_page(Page(id="h", text=text, origin="<h>", format="text"))
    text = text.replace("\x00", "")  # the one character cleaning removes
    for paragraph in article.text.split("\n\n"):
        assert paragraph in text
    assert not article.text.startswith((" ", "\n")) and article.text == article.text.strip()


@pytest.mark.parametrize(
    ("first", "dropped"),
    [
        ("The Title", True),
        ("The title.", True),
        ("THE  TITLE", True),
        ("The Title is not the whole story, the mayor said.", False),
        ("The Tit", False),
    ],
)
def test_headline_repeated_with_site_name_in_title(first, dropped):
    page = Page(id="x", text=f"{first}\n\nBody text here.", origin="x", format="html",
                title="The Title | Example News", has_title_line=False)
    article, _ = clean_page(page)
    assert (first not in article.text) is dropped
