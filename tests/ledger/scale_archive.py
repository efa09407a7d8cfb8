"""A synthetic archive of many Records for scale tests: realistic shape, no NLP.

Each article has ten attributions by sources drawn from a large pool of named people (plus one
anonymous source), a sentence per attribution resting on its source, and one profiled person
whose biography sentences are self-reported. One target person appears in a fixed few articles.
"""

from __future__ import annotations

import random
from collections.abc import Iterator

from ontherecord.model import (
    Article,
    Attribution,
    AttributionKind,
    CharSpan,
    Identification,
    Record,
    Reliance,
    RelianceHow,
    Sentence,
    Source,
    SourceKind,
)

TARGET = "Pavel Kulazhanka"
_FIRST = ["Anna", "Boris", "Chen", "Dana", "Elif", "Farid", "Greta", "Hugo", "Ines", "Jonas", "Kofi", "Lena"]
_VERBS = ["said", "told reporters", "added", "argued", "wrote"]


def _name(i: int) -> str:
    return f"{_FIRST[i % len(_FIRST)]} Surname{i // len(_FIRST)}"


def synthetic_records(
    n_articles: int, per_article: int = 10, pool: int = 20_000, target_every: int = 5_000, seed: int = 7
) -> Iterator[Record]:
    """``n_articles`` Records with ``per_article`` attributions each; TARGET in every ``target_every``-th."""
    rng = random.Random(seed)
    for i in range(n_articles):
        people = [_name(rng.randrange(pool)) for _ in range(per_article - 1)]
        if i % target_every == 0:
            people[0] = TARGET
        parts: list[str] = []
        sources: dict[str, Source] = {}
        attributions, sentences = [], []
        offset = 0
        for j, person in enumerate([*people, "a senior official"]):
            sid = (
                f"s-{j}"
                if person not in {s.name for s in sources.values()}
                else next(k for k, s in sources.items() if s.name == person)
            )
            if sid not in sources:
                named = person != "a senior official"
                sources[sid] = Source(
                    sid,
                    person,
                    SourceKind.PERSON if named else SourceKind.UNNAMED,
                    Identification.NAMED if named else Identification.ANONYMOUS,
                )
            quote = f"“Claim number {j} of story {i} is about {rng.random():.6f},”"
            verb = _VERBS[j % len(_VERBS)]
            sentence = f"{quote} {person} {verb}. "
            start = offset
            q = CharSpan(start, start + len(quote))
            s_span = CharSpan(q.end + 1, q.end + 1 + len(person))
            c_span = CharSpan(s_span.end + 1, s_span.end + 1 + len(verb))
            attributions.append(
                Attribution(f"a-{i}-{j}", sid, (s_span,), (c_span,), (q,), AttributionKind.DIRECT)
            )
            sentences.append(
                Sentence(CharSpan(start, start + len(sentence) - 1), (Reliance(sid, RelianceHow.QUOTED),))
            )
            parts.append(sentence)
            offset += len(sentence)
        text = "".join(parts)
        yield Record(
            Article(
                id=f"story-{i:07d}", text=text, title=f"Story {i}", published=f"2020-01-{1 + i % 28:02d}"
            ),
            (),
            tuple(sources.values()),
            tuple(attributions),
            tuple(sentences),
        )
