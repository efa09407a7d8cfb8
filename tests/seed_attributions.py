"""Hand-written attributions for the seed article, located by string search in its cleaned body.

They stand in for the extractor's output so that resolution, qualification and reliance are
tested on their own: each row says, as a reader of the article would, who speaks (the mention
as it appears), the cue and the content. ``anchor`` is text just before the source mention, so
that a pronoun or a repeated name is found at the right place.
"""

from __future__ import annotations

from dataclasses import dataclass

from ontherecord.model import Attribution, AttributionKind, CharSpan
from ontherecord.model.attribution import attribution_id


@dataclass(frozen=True)
class Row:
    anchor: str  # text at or just before the source mention
    source: str
    cue: str
    content: tuple[str, ...]
    kind: AttributionKind


D, IND, M, A, S = (
    AttributionKind.DIRECT,
    AttributionKind.INDIRECT,
    AttributionKind.MIXED,
    AttributionKind.ACCORDING_TO,
    AttributionKind.INTERNAL_STATE,
)

ROWS: tuple[Row, ...] = (
    Row("But he believes", "he", "believes",
        ("the best shot so far at overthrowing Lukashenko – and Russian President Vladimir Putin, without whose "
         "support many in Belarus believe Lukashenko would fall quickly – has come with the war in Ukraine",), S),
    Row("without whose support many", "many in Belarus", "believe", ("Lukashenko would fall quickly",), S),
    Row("A dozen recruits", "A dozen recruits interviewed by The Washington Post", "described",
        ("their sense of common cause between Ukraine and Belarus’ pro-democracy movements",), IND),
    Row("bounds,” Kulazhanka", "Kulazhanka", "said",
        ("Life is about leaps and bounds,",
         "Fighting Lukashenko was one thing. Fleeing Belarus was another. Throwing my life in America was another. "
         "And when we fight here, we make the greatest of all."), D),
    Row("regained control, Kulazhanka", "Kulazhanka and other recruits", "said",
        ("About 200 members of the volunteer battalion are serving on the front lines, including in Irpin on the "
         "outskirts of Kiev, where Ukrainian forces recently regained control",), IND),
    Row("Those leading", "Those leading the recruitment effort", "say",
        ("there are thousands more who have expressed interest, but examining them and getting equipment has "
         "created a backlog",), IND),
    Row("wings,” Prokopiev", "Prokopiev", "said",
        ("Basically, there are two wings,",
         "One already in Kiev and one in western Ukraine. Over here, we train recruits intensively for two weeks – "
         "everything from tactical issues to digital hygiene. Then they move east in small groups and go to the "
         "front lines."), D),
    Row("Prokopiev said that", "Prokopiev", "said",
        ("out of thousands who had expressed interest from all over the world, there were only a hundred or so in "
         "the pipeline",), IND),
    Row("He said he expected", "He", "said",
        ("he expected more senior defected officers to join soon, but so far most were untrained recruits",), IND),
    Row("While most said", "most", "said", ("they had no previous combat experience",), IND),
    Row("experience, some said", "some", "said",
        ("they have been on the receiving end of Lukashenko’s brutality, which has permeated them with "
         "vengeance",), IND),
    Row("said Aleksandr", "Aleksandr, 38", "said",
        ("I only spent three nights in jail during the protests in 2020,",
         "But that was enough to make me leave Belarus. I saw women begging not to be beaten, I saw a guy with long "
         "hair being scalped.They put 70 of us in a small cell.It was pure brutality as if we are slaves of humans "
         "or animals.I’m fighting here because until we overthrow Lukashenko I can not go back.To defeat Putin in "
         "Ukraine is the first step towards the freedom of both countries."), D),
    Row("forever,” he said", "he", "said",
        ("We have to prove that the Soviet mentality can not last forever,",
         "Putin is against goodness, truth and freedom. He has opened old wounds. To heal them we must "
         "unfortunately fight and it can take our lives."), D),
    Row("began, Belarusian dissidents", "Belarusian dissidents", "have warned",
        ("an invasion of Ukraine by Belarus’ military is imminent",), IND),
    Row("Ukraine’s military has", "Ukraine’s military", "accusing",
        ("Russia and Belarus of staging small attacks on Belarus as a pretext for a Belarusian invasion",), IND),
    Row("said Pavel Latushko", "Pavel Latushko, Belarus’ former culture minister", "said",
        ("According to my sources in the military, battalions on the Belarusian side of the border are fully "
         "prepared for the invasion, they are just waiting for the message,",), D),
    Row("According to my sources", "my sources in the military", "According to",
        ("battalions on the Belarusian side of the border are fully prepared for the invasion, they are just "
         "waiting for the message",), A),
    Row("yet,” Latushko", "Latushko", "said",
        ("To me, it’s obvious why Lukashenko has not said go yet,",
         "He is a master of self-preservation and he knows that invasion of Ukraine can be the end of him. The "
         "morale of his soldiers is zero for this war. They will jump out in droves."), D),
    Row("Lukashenko dismissed", "Lukashenko", "dismissed", ("the battalion as “insane citizens”",), M),
    Row("high hopes among", "Belarusian recruits", "high hopes",
        ("if Belarus’s army invaded, its soldiers would seize the opportunity to jump off, and their Belarusian "
         "battalion was ready to welcome them",), S),
    Row("said Sergey Bulba", "Sergey Bulba", "said",
        ("We are already imagining how we can get Belarusian troops to jump into our ranks,",
         "Many soldiers in the army already know in their hearts that the fates of Belarus and Ukraine are tied to "
         "each other. As soon as they leave Belarus’ propaganda bubble, they will know what to do."), D),
)


def _find(text: str, needle: str, start: int) -> CharSpan:
    at = text.find(needle, start)
    if at < 0:
        raise LookupError(f"{needle!r} not found after offset {start}")
    return CharSpan(at, at + len(needle))


def build(text: str, content_hash: str, rows: tuple[Row, ...] = ROWS) -> tuple[Attribution, ...]:
    """Attributions for ``rows`` located in ``text``; the cue and content are searched near the source."""
    out = []
    for row in rows:
        anchor = text.find(row.anchor)
        if anchor < 0:
            raise LookupError(f"anchor {row.anchor!r} not found")
        source = _find(text, row.source, anchor)
        # The cue is the occurrence nearest the source mention in its paragraph ("…,” said X" or "X said").
        para_start = text.rfind("\n\n", 0, source.start) + 1
        para_end = text.find("\n\n", source.end)
        para_end = len(text) if para_end < 0 else para_end
        cues = []
        at = text.find(row.cue, para_start)
        while 0 <= at < para_end:
            span = CharSpan(at, at + len(row.cue))
            if not span.overlaps(source):
                cues.append(span)
            at = text.find(row.cue, at + 1)
        if not cues:
            raise LookupError(f"cue {row.cue!r} not found near {row.source!r}")
        cue = min(cues, key=lambda c: min(abs(c.start - source.end), abs(source.start - c.end)))
        content = []
        for piece in row.content:
            content.append(_find(text, piece, para_start))
        source_spans, cue_spans, content_spans = (source,), (cue,), tuple(sorted(content))
        out.append(
            Attribution(
                id=attribution_id(content_hash, source_spans, cue_spans, content_spans),
                source_id=None,
                source=source_spans,
                cue=cue_spans,
                content=content_spans,
                kind=row.kind,
            )
        )
    return tuple(out)


# Every sentence of the seed that rests on Pavel Kulazhanka's word, and how, as a reader of the
# article sees it (by the first words of each sentence, in text order): his profile (self-reported),
# his belief (paraphrased), his quote sentence by sentence, and the claim he shares with other recruits.
RESTING_ON_KULAZHANKA: tuple[tuple[str, str], ...] = (
    ("KYIV – Pavel Kulazhanka is in favor", "self_reported"),
    ("He left the country in 2011", "self_reported"),
    ("From there, he has in recent years", "self_reported"),
    ("But he believes the best shot", "paraphrased"),
    ("He is one of hundreds of Belarusians", "self_reported"),
    ("“Life is about leaps and bounds,”", "quoted"),
    ("“Fighting Lukashenko was one thing.", "quoted"),
    ("Fleeing Belarus was another.", "quoted"),
    ("Throwing my life in America was another.", "quoted"),
    ("And when we fight here", "quoted"),
    ("About 200 members of the volunteer battalion", "shared"),
)


def resting_on(text: str, sentences, source_id: str) -> list[tuple[str, str]]:
    """(sentence text, how) for every sentence resting on ``source_id``, in text order."""
    return [
        (sentence.span.slice(text), str(reliance.how))
        for sentence in sentences
        for reliance in sentence.rests_on
        if reliance.source_id == source_id
    ]


def by_prefix(rests: list[tuple[str, str]], prefixes) -> list[tuple[str, str]]:
    """``rests`` with each sentence shortened to the first of ``prefixes`` it starts with (else kept whole),
    so that a whole list compares with a table like RESTING_ON_KULAZHANKA and a diff shows the odd one out."""
    return [(next((p for p in prefixes if text.startswith(p)), text), how) for text, how in rests]
