"""Stage ⑤: resolve — each attribution's speaker mention to a Source, with identification and descriptors.

Within one article: full names and surname-only mentions become one person; pronouns and
descriptions ("The 61-year-old") go to the person they refer to (see ``coref``); "X and other
recruits" is a shared source (a group Source, and the membership kept in ``Resolution.shared``);
a speaker named inside another speaker's quote ("my sources in the military") is a source of
its own. Sources are local to the article; the ledger keys named ones across articles.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING

from ontherecord.model import (
    Article,
    Attribution,
    AttributionKind,
    CharSpan,
    Descriptors,
    Identification,
    Note,
    Source,
    SourceKind,
)
from ontherecord.model.names import name_key
from ontherecord.model.resolution import Resolution
from ontherecord.model.source import source_id
from ontherecord.model.spans import spans_cover
from ontherecord.nlp.layout import ArticleLayout
from ontherecord.nlp.lexicon import (
    organization_nouns,
    person_nouns,
    pronouns,
    resolution_cues,
)
from ontherecord.resolution.coref import (
    Discourse,
    Entity,
    descriptor_head,
    organization_descriptor_head,
)
from ontherecord.resolution.identification import (
    Withholding,
    find_withholding,
    identify,
)
from ontherecord.resolution.names import find_names

if TYPE_CHECKING:
    from spacy.tokens import Doc, Token

__all__ = ["Resolution", "resolve"]

_FIRST_PERSON_POSSESSIVE = frozenset({"my", "our"})


def _span_tokens(doc: Doc, spans: Sequence[CharSpan]) -> list[Token]:
    tokens: list[Token] = []
    for span in spans:
        found = doc.char_span(span.start, span.end, alignment_mode="expand")
        if found is not None:
            tokens.extend(t for t in found if not t.is_space and t not in tokens)
    return sorted(tokens, key=lambda t: t.i)


def _root(tokens: Sequence[Token]) -> Token:
    ids = {t.i for t in tokens}
    roots = [t for t in tokens if t.head.i not in ids or t.head.i == t.i]
    content = [t for t in roots if not t.is_punct]
    return (content or roots or list(tokens))[0]


def _conjuncts(root: Token, tokens: Sequence[Token]) -> list[tuple[Token, list[Token]]]:
    """The coordinated parts of a speaker mention: "Kulazhanka and other recruits" -> two parts."""
    ids = {t.i for t in tokens}
    heads = [root]
    cur = root
    while True:
        nxt = [c for c in cur.children if c.dep_ == "conj" and c.i in ids]
        if not nxt:
            break
        cur = nxt[0]
        heads.append(cur)
    if len(heads) == 1:
        # Words of the span outside the speaker's own phrase are extraction noise ("whose support many").
        own = [t for t in root.subtree if t.i in ids]
        if own and own[0].tag_ in ("WP", "WP$", "WDT") and own[0] is not root:
            # A relative phrase glued to the front ("whose support many in Belarus"): keep the speaker's own NP.
            while own[0] is not root and own[0].dep_ not in ("det", "amod", "compound", "nummod", "quantmod", "predet"):
                own.pop(0)
        return [(root, own or list(tokens))]
    parts = []
    for k, head in enumerate(heads):
        later = {t.i for h in heads[k + 1 :] for t in h.subtree}
        own = [
            t
            for t in head.subtree
            if t.i in ids and t.i not in later and t.dep_ != "cc" and not t.is_punct
        ]
        parts.append((head, own))
    return parts


def _antecedent_of_relative(rel: Token) -> Token:
    """What "who" stands for; a predicate noun ("described himself as a proud Russian who …") is its subject."""
    target = rel.head.head
    while target.dep_ == "conj" and target.head.i != target.i:
        target = target.head
    if target.dep_ in ("attr", "oprd"):
        subjects = [c for c in target.head.children if c.dep_ in ("nsubj", "nsubjpass")]
        return subjects[0] if subjects else target
    if target.dep_ == "pobj" and target.head.lower_ == "as":
        verb = target.head.head
        for dep in ("dobj", "nsubj", "nsubjpass"):
            found = [c for c in verb.children if c.dep_ == dep]
            if found:
                return found[0]
    return target


def _text(doc: Doc, tokens: Sequence[Token]) -> str:
    if not tokens:
        return ""
    return doc[tokens[0].i : tokens[-1].i + 1].text.strip(" ,;:–—-\n")


class _Resolver:
    def __init__(
        self, article: Article, doc: Doc, layout: ArticleLayout, attributions: Sequence[Attribution]
    ) -> None:
        self.article = article
        self.doc = doc
        self.attributions = list(attributions)
        self.quotes = layout.quoted_regions(attributions)
        self.chains, self.clusters = find_names(doc)
        self.discourse = Discourse(doc, self.chains, self.clusters, self.quotes, layout)
        self.by_label: dict[str, Entity] = {}
        # attribution id -> per conjunct: ("entity", id) decided now, or ("token", i) decided after the pass
        self.plans: dict[str, list[tuple[str, int]]] = {}
        self.conjunct_text: dict[str, str] = {}
        self.part_tokens: dict[int, list[Token]] = {}

    # -- planning: what each speaker mention is, before reading the article -------------------

    def _described(self, head: Token, tokens: list[Token]) -> Entity:
        """An entity for a common-noun speaker ("other recruits", "a source familiar with the situation")."""
        # "Other major unions, including the AFT and the AFL-CIO": the group is named before the comma.
        cut = next((t for t in tokens if t.i > head.i and t.text in (",", "(", "—", "–")), None)
        if cut is not None:
            tokens = [t for t in tokens if t.i < cut.i]
        label = _text(self.doc, tokens) or head.text
        first = tokens[0] if tokens else head
        if first.pos_ in ("DET", "PRON") and not first.ent_type_:
            label = label[:1].lower() + label[1:]
        key = name_key(label)
        if key in self.by_label:
            return self.by_label[key]
        lemma = head.lemma_.lower()
        quantifiers = resolution_cues().get("quantifiers", frozenset())
        plural = head.tag_ in ("NNS", "NNPS") or "Plur" in head.morph.get("Number", []) or head.lower_ in quantifiers
        if plural or lemma == "group":
            kind, number = SourceKind.GROUP, "plur"
        elif lemma in organization_nouns() or head.lower_ in organization_nouns():
            kind, number = SourceKind.ORGANIZATION, "sing"
        elif lemma in person_nouns():
            kind, number = SourceKind.PERSON, "sing"  # "a senior official": one person, unnamed
        else:
            kind, number = SourceKind.UNNAMED, "sing"
        span = CharSpan(tokens[0].idx, tokens[-1].idx + len(tokens[-1].text)) if tokens else None
        entity = self.discourse.new_entity(kind, number=number, label=label, label_span=span)
        self.by_label[key] = entity
        return entity

    def _plan_part(self, head: Token, tokens: list[Token], depth: int = 0) -> tuple[str, int]:
        if depth > 4:
            # Each step below moves to another word of the mention; a bad parse could cycle.
            return ("entity", self._described(head, tokens or [head]).id)
        # The speaker's name is the head of the mention or its appositive ("the minister, Pavel Latushko").
        chain = self.discourse.chain_at(head.i) or next(
            (
                c
                for t in head.children
                if t.dep_ == "appos" and (c := self.discourse.chain_at(t.i)) is not None
            ),
            None,
        )
        if head.tag_ in ("WP", "WDT") and head.dep_ in ("nsubj", "nsubjpass") and head.head.dep_ == "relcl":
            target = _antecedent_of_relative(head)
            inner = [t for t in target.subtree if not (head.head.left_edge.i <= t.i <= head.head.right_edge.i)]
            return self._plan_part(target, inner or [target], depth + 1)
        if chain is not None and head.ent_type_ == "NORP" and not self.clusters[chain.cluster].is_person:
            chain = None  # "a proud Russian": a nationality describes a person, it does not name one
        if chain is not None:
            cluster = self.clusters[chain.cluster]
            if cluster.is_person or cluster.is_organization or head.i in range(chain.start, chain.end):
                if not (cluster.is_person or cluster.is_organization):
                    cluster.is_organization = True  # a proper name that speaks and is no person: "NATO said"
                return ("entity", self.discourse.cluster_entity(cluster).id)
        if head.lower_ in pronouns() and head.pos_ == "PRON":
            self.discourse.wanted.add(head.i)
            return ("token", head.i)
        if descriptor_head(head):
            self.part_tokens[head.i] = tokens  # its words, should the description refer to no one before
            return ("token", head.i)
        if organization_descriptor_head(head):
            # "the union wrote": resolved to the institution named before, if any (see coref).
            self.discourse.wanted.add(head.i)
            self.part_tokens[head.i] = tokens
            return ("token", head.i)
        if not any(c.isalpha() for c in head.text):
            # A stray mark as the head ("'s"): the nearest word of the mention, or nobody identified.
            words = [t for t in tokens if t.pos_ in ("NOUN", "PROPN", "PRON") and any(c.isalpha() for c in t.text)]
            if not words:
                return ("entity", self._unidentified(False).id)
            return self._plan_part(words[-1], tokens, depth + 1)
        lemma = head.lemma_.lower()
        if lemma not in person_nouns() and lemma not in organization_nouns():
            # "a statement from the ministry said": the speaker is the ministry, not the statement.
            for prep in head.children:
                if prep.dep_ == "prep" and prep.lower_ in ("from", "by", "of"):
                    objs = [c for c in prep.children if c.dep_ == "pobj"]
                    if objs:
                        inner = [t for t in objs[0].subtree if t in tokens] or list(objs[0].subtree)
                        return self._plan_part(objs[0], inner, depth + 1)
        entity = self._described(head, tokens)
        self.discourse.seed(head.i, entity.label_span or CharSpan(head.idx, head.idx + len(head.text)), entity)
        return ("entity", entity.id)

    def plan(self) -> None:
        """Decide, before the article is read, what each part of each speaker mention is.

        A name or a description becomes an entity now; a pronoun or a definite description waits
        (as its token) for the discourse read to say whom it refers to.
        """
        for attribution in self.attributions:
            tokens = _span_tokens(self.doc, attribution.source)
            if not tokens:
                continue
            root = _root(tokens)
            parts = _conjuncts(root, tokens)
            self.plans[attribution.id] = [self._plan_part(head, own) for head, own in parts]
            self.conjunct_text[attribution.id] = _text(self.doc, tokens)

    # -- deciding what pronouns resolved to ----------------------------------------------------

    def _speaker_of_quote(self, offset: int, seen: set[str]) -> int | None:
        for attribution in self.attributions:
            if attribution.id in seen or attribution.kind not in (AttributionKind.DIRECT, AttributionKind.MIXED):
                continue
            if any(s.start <= offset < s.end for s in attribution.content):
                entity = self.primary(attribution, seen | {attribution.id})
                if entity is not None and self.discourse.entities[entity].kind != SourceKind.GROUP:
                    return entity
        return None

    def _fallback(self, tok: Token, seen: set[str]) -> int:
        feats = pronouns().get(tok.lower_)
        if feats is not None and feats.person == 1:
            speaker = self._speaker_of_quote(tok.idx, seen)
            if speaker is not None:
                return speaker
        if feats is not None and feats.number == "plur":
            # "they said": the latest plural noun for people in this or the previous sentence is the group.
            sent = tok.sent
            start = self.doc[sent.start - 1].sent.start if sent.start > 0 else sent.start
            for prev in reversed(list(self.doc[start : tok.i])):
                if prev.tag_ in ("NNS", "NNPS") and prev.lemma_.lower() in person_nouns() and prev.dep_ != "compound":
                    own = [t for t in prev.subtree if t.i <= prev.i or t.dep_ in ("amod", "compound")]
                    return self._described(prev, own).id
        elif feats is not None and feats.person == 3:
            # Too far back for salience: the latest person (or, for "it", institution) outside quotes.
            wanted = SourceKind.ORGANIZATION if feats.gender == "neuter" else SourceKind.PERSON
            for m in reversed(self.discourse.mentions):
                entity = self.discourse.entities[m.entity]
                agrees = feats.gender in (None, "neuter") or entity.gender in (None, feats.gender)
                if m.token < tok.i and not m.quoted and entity.kind == wanted and agrees:
                    return entity.id
        if feats is None:
            return self._described(tok, self.part_tokens.get(tok.i, [tok])).id
        return self._unidentified(feats.number == "plur").id

    def _unidentified(self, plural: bool) -> Entity:
        """The article's one stand-in for speakers it never identifies ("they said" with no one before)."""
        label = "unidentified group" if plural else "unidentified source"
        entity = self.by_label.get(name_key(label))
        if entity is None:
            kind = SourceKind.GROUP if plural else SourceKind.UNNAMED
            entity = self.discourse.new_entity(kind, number="plur" if plural else "sing", label=label)
            self.by_label[name_key(label)] = entity
        return entity

    def part_entity(self, part: tuple[str, int], seen: set[str]) -> int:
        """The entity of one planned part, after the read: decided, resolved, or a fallback."""
        how, value = part
        if how == "entity":
            return value
        tok = self.doc[value]
        if value in self.discourse.by_token:
            return self.discourse.by_token[value]
        return self._fallback(tok, seen)

    def primary(self, attribution: Attribution, seen: set[str] | None = None) -> int | None:
        """The entity an attribution rests on: its one part, its one group part, or the group of all."""
        parts = self.plans.get(attribution.id)
        if not parts:
            return None
        seen = seen or {attribution.id}
        entities = [self.part_entity(p, seen) for p in parts]
        if len(entities) == 1:
            return entities[0]
        groups = [e for e in entities if self.discourse.entities[e].kind == SourceKind.GROUP]
        if len(groups) == 1:
            return groups[0]
        label = self.conjunct_text[attribution.id]
        key = name_key(label)
        if key not in self.by_label:
            self.by_label[key] = self.discourse.new_entity(SourceKind.GROUP, number="plur", label=label)
        return self.by_label[key].id

    def members(self, attribution: Attribution) -> list[int]:
        """Every entity that shares a coordinated attribution ("X and other recruits"); [] otherwise."""
        parts = self.plans.get(attribution.id) or []
        if len(parts) < 2:
            return []
        out: list[int] = []
        for part in parts:
            entity = self.part_entity(part, {attribution.id})
            if entity not in out:
                out.append(entity)
        # "Anna Kowalska and Jan Nowak said": their pair, the attribution's source, shares it too.
        primary = self.primary(attribution)
        if primary is not None and primary not in out:
            out.append(primary)
        return out


def _speaker_name(resolver: _Resolver, entity: Entity, names: dict[int, str]) -> str:
    """Replace "my"/"our" in a description said inside a quote by the quoted speaker's name."""
    label = entity.label or "unidentified source"
    words = label.split()
    if entity.label_span is not None and words and words[0].lower() in _FIRST_PERSON_POSSESSIVE:
        speaker = resolver._speaker_of_quote(entity.label_span.start, set())
        if speaker is not None and speaker != entity.id and speaker in names:
            return f"{names[speaker]}’s " + " ".join(words[1:])
    return label


def resolve(
    article: Article,
    doc: Doc,
    layout: ArticleLayout,
    attributions: Sequence[Attribution],
    notes: Sequence[Note] = (),
) -> Resolution:
    """Resolve every attribution's source mention to a Source of this article.

    Args:
        article: the cleaned article; all spans index into ``article.text``.
        doc: ``article.text`` parsed by the shared pipeline.
        layout: its paragraphs and quoted regions (``ArticleLayout.of(article.text)``).
        attributions: extracted attributions (their ``source_id`` is ignored and set here).
        notes: editor's notes and corrections kept outside the body.

    Returns:
        The sources, the attributions with source ids, the notes with the ids of the
        sources they name, every mention of each source, and shared-source membership.
    """
    resolver = _Resolver(article, doc, layout, attributions)
    resolver.plan()
    resolver.discourse.read()
    # Primaries first, then members: both may create entities, and entity numbers follow creation.
    primary = {a.id: resolver.primary(a) for a in resolver.attributions}
    members = {a.id: resolver.members(a) for a in resolver.attributions}
    order = _in_order_of_attribution(resolver.attributions, primary, members)
    names = _source_names(resolver, order)
    ids = {eid: source_id(article.content_hash, names[eid]) for eid in order}
    withholding = find_withholding(doc)
    entities = resolver.discourse.entities
    sources = [_make_source(entities[eid], ids[eid], names[eid], withholding) for eid in order]
    return Resolution(
        sources=tuple(sources),
        attributions=_with_source_ids(resolver.attributions, primary, ids),
        notes=tuple(_name_notes(notes, sources)),
        mentions=_source_mentions(resolver, primary, ids),
        shared={a.id: tuple(ids[e] for e in members[a.id]) for a in resolver.attributions if members[a.id]},
    )


def _in_order_of_attribution(
    attributions: Sequence[Attribution],
    primary: Mapping[str, int | None],
    members: Mapping[str, list[int]],
) -> list[int]:
    """The entities that are sources, in order of their first attribution (speaker before sharers)."""
    order: list[int] = []
    for attribution in attributions:
        for eid in [primary[attribution.id], *members[attribution.id]]:
            if eid is not None and eid not in order:
                order.append(eid)
    return order


def _source_names(resolver: _Resolver, order: Sequence[int]) -> dict[int, str]:
    """Each source's name: its fullest proper name, else its description; a repeated name numbered.

    Proper names come first, so that a description said inside a quote ("my sources") can be
    given its speaker's name.
    """
    entities = resolver.discourse.entities
    names: dict[int, str] = {}
    for eid in order:
        cluster = entities[eid].cluster
        if cluster is not None:
            names[eid] = cluster.name
    for eid in order:
        if eid not in names:
            names[eid] = _speaker_name(resolver, entities[eid], names)
    return _numbered(names, order)


def _numbered(names: Mapping[int, str], order: Sequence[int]) -> dict[int, str]:
    """The names, a second and later use of one name numbered: two sources must never share an id."""
    out = dict(names)
    taken: dict[str, int] = {}
    for eid in order:
        base = names[eid]
        key = name_key(base)
        if key in taken:
            taken[key] += 1
            out[eid] = f"{base} ({taken[key]})"
        else:
            taken[key] = 1
    return out


def _make_source(entity: Entity, sid: str, name: str, withholding: Withholding) -> Source:
    """The Source of one entity: its identification (see ``identification``), aliases and descriptors."""
    cluster = entity.cluster
    if cluster is None:
        identity = identify(entity.kind, None, False, withholding)
        aliases: tuple[str, ...] = ()
    else:
        name_words = max(len(c.words) for c in cluster.chains)
        identity = identify(entity.kind, name_words, cluster.titled, withholding)
        aliases = tuple(f for f in cluster.forms if f != name)
    # Only an individual has an age, a role or a gender; a group's would be one member's.
    individual = identity.kind in (SourceKind.PERSON, SourceKind.UNNAMED)
    descriptors = Descriptors(
        age=entity.age if individual else None,
        role=entity.role if individual else None,
        gender=entity.gender if individual else None,
    )
    return Source(sid, name, identity.kind, identity.identification, aliases, descriptors, identity.protected)


def _with_source_ids(
    attributions: Sequence[Attribution], primary: Mapping[str, int | None], ids: Mapping[int, str]
) -> tuple[Attribution, ...]:
    """The attributions, each with the id of its speaker (None when it names no speaker)."""
    out = []
    for attribution in attributions:
        eid = primary[attribution.id]
        out.append(dataclasses.replace(attribution, source_id=None if eid is None else ids[eid]))
    return tuple(out)


def _source_mentions(
    resolver: _Resolver, primary: Mapping[str, int | None], ids: Mapping[int, str]
) -> tuple[tuple[CharSpan, str], ...]:
    """Every span that refers to a source, with its id, in text order.

    What the discourse read comes first; then "I" and "my" inside a speaker's quotes; then each
    attribution's source span that no mention already covers.
    """
    mentions: dict[tuple[int, int], str] = {}
    for m in resolver.discourse.mentions:
        if m.entity in ids:
            mentions[(m.span.start, m.span.end)] = ids[m.entity]
    _add_quoted_first_person(resolver, primary, ids, mentions)
    _add_source_spans(resolver.attributions, primary, ids, mentions)
    return tuple(sorted(((CharSpan(s, e), sid) for (s, e), sid in mentions.items()), key=lambda x: x[0]))


def _add_quoted_first_person(
    resolver: _Resolver,
    primary: Mapping[str, int | None],
    ids: Mapping[int, str],
    mentions: dict[tuple[int, int], str],
) -> None:
    """Add "I" and "my" in an individual's direct quotation as mentions of its speaker."""
    entities = resolver.discourse.entities
    for attribution in resolver.attributions:
        eid = primary[attribution.id]
        if eid is None or entities[eid].kind not in (SourceKind.PERSON, SourceKind.UNNAMED):
            continue
        if attribution.kind != AttributionKind.DIRECT:
            continue
        for tok in _span_tokens(resolver.doc, attribution.content):
            feats = pronouns().get(tok.lower_)
            if feats is not None and feats.person == 1 and feats.number == "sing" and tok.pos_ == "PRON":
                mentions.setdefault((tok.idx, tok.idx + len(tok.text)), ids[eid])


def _add_source_spans(
    attributions: Sequence[Attribution],
    primary: Mapping[str, int | None],
    ids: Mapping[int, str],
    mentions: dict[tuple[int, int], str],
) -> None:
    """Add each attribution's whole source span as a mention of its speaker, unless a mention covers it."""
    for attribution in attributions:
        cover = spans_cover(attribution.source)
        eid = primary[attribution.id]
        if cover is None or eid is None or (cover.start, cover.end) in mentions:
            continue
        if not any(s <= cover.start and cover.end <= e for s, e in mentions):
            mentions[(cover.start, cover.end)] = ids[eid]


def _name_notes(notes: Sequence[Note], sources: Sequence[Source]) -> list[Note]:
    """Each note with the ids of every source whose full name or surname it contains."""
    out = []
    for note in notes:
        words = f" {name_key(note.text)} "
        named: list[str] = list(note.source_ids)
        for source in sources:
            if source.identification not in (Identification.NAMED, Identification.PARTIAL):
                continue
            key = name_key(source.name)
            if not key:
                continue
            surname = key.split()[-1]
            hit = f" {key} " in words or (len(surname) > 2 and f" {surname} " in words)
            if hit and source.id not in named:
                named.append(source.id)
        out.append(dataclasses.replace(note, source_ids=tuple(named)))
    return out
