"""Stage ①: Record <-> plain dict / JSON, in exactly the shape DESIGN.md gives for the Record."""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any

from ontherecord.model.article import Article, Note, NoteKind
from ontherecord.model.attribution import Attribution, AttributionKind, Qualifier
from ontherecord.model.record import Record, Reliance, RelianceHow, Sentence
from ontherecord.model.source import Descriptors, Identification, Source, SourceKind
from ontherecord.model.spans import CharSpan, Spans


def _spans(spans: Iterable[CharSpan]) -> list[list[int]]:
    return [s.to_list() for s in spans]


def _from_spans(raw: Iterable[Iterable[int]]) -> Spans:
    return tuple(CharSpan.from_list(pair) for pair in raw)


def record_to_dict(record: Record) -> dict[str, Any]:
    a = record.article
    return {
        "article": {
            "id": a.id,
            "title": a.title,
            "text": a.text,
            "url": a.url,
            "published": a.published,
            "content_hash": a.content_hash,
        },
        "notes": [
            {"kind": str(n.kind), "text": n.text, "source_ids": list(n.source_ids)}
            for n in record.notes
        ],
        "sources": [
            {
                "id": s.id,
                "name": s.name,
                "kind": str(s.kind),
                "identification": str(s.identification),
                "aliases": list(s.aliases),
                "descriptors": {
                    "age": s.descriptors.age,
                    "role": s.descriptors.role,
                    "gender": s.descriptors.gender,
                },
                "protected": s.protected,
            }
            for s in record.sources
        ],
        "attributions": [
            {
                "id": t.id,
                "source_id": t.source_id,
                "source": _spans(t.source),
                "cue": _spans(t.cue),
                "content": _spans(t.content),
                "kind": str(t.kind),
                "qualifiers": [
                    {"kind": q.kind, "text": q.text, "span": q.span.to_list()} for q in t.qualifiers
                ],
                "confidence": t.confidence,
            }
            for t in record.attributions
        ],
        "sentences": [
            {
                "span": s.span.to_list(),
                "rests_on": [{"source_id": r.source_id, "how": str(r.how)} for r in s.rests_on],
            }
            for s in record.sentences
        ],
    }


def record_from_dict(data: dict[str, Any]) -> Record:
    """The inverse of :func:`record_to_dict`; raises KeyError/ValueError on a malformed dict."""
    a = data["article"]
    article = Article(
        id=a["id"],
        text=a["text"],
        title=a.get("title"),
        url=a.get("url"),
        published=a.get("published"),
        content_hash=a.get("content_hash") or "",
    )
    notes = tuple(
        Note(kind=NoteKind(n["kind"]), text=n["text"], source_ids=tuple(n.get("source_ids", ())))
        for n in data.get("notes", ())
    )
    sources = tuple(
        Source(
            id=s["id"],
            name=s["name"],
            kind=SourceKind(s["kind"]),
            identification=Identification(s["identification"]),
            aliases=tuple(s.get("aliases", ())),
            descriptors=Descriptors(**(s.get("descriptors") or {})),
            protected=bool(s.get("protected", False)),
        )
        for s in data.get("sources", ())
    )
    attributions = tuple(
        Attribution(
            id=t["id"],
            source_id=t.get("source_id"),
            source=_from_spans(t.get("source", ())),
            cue=_from_spans(t.get("cue", ())),
            content=_from_spans(t.get("content", ())),
            kind=AttributionKind(t["kind"]),
            qualifiers=tuple(
                Qualifier(kind=q["kind"], text=q["text"], span=CharSpan.from_list(q["span"]))
                for q in t.get("qualifiers", ())
            ),
            confidence=float(t.get("confidence", 1.0)),
        )
        for t in data.get("attributions", ())
    )
    sentences = tuple(
        Sentence(
            span=CharSpan.from_list(s["span"]),
            rests_on=tuple(
                Reliance(source_id=r["source_id"], how=RelianceHow(r["how"]))
                for r in s.get("rests_on", ())
            ),
        )
        for s in data.get("sentences", ())
    )
    return Record(article, notes, sources, attributions, sentences)


def record_to_json(record: Record, indent: int | None = None) -> str:
    return json.dumps(record_to_dict(record), ensure_ascii=False, indent=indent)


def record_from_json(text: str) -> Record:
    return record_from_dict(json.loads(text))
