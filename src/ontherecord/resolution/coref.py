"""Stage ⑤: who "he", "she", "they" and "the 61-year-old" are — salience-based reference within one article.

A light form of Lappin and Leass (1994): each mention of an entity gives it salience by its
grammatical role (a main-clause subject counts most), halved with every sentence that passes and
forgotten after a few paragraphs; a pronoun or a definite description takes the most salient
entity that agrees with it in number and gender (gender known only from pronouns already read).
Words inside quotation marks are the speaker's, not the narrator's, so they neither resolve nor
serve as antecedents — except "I"/"my", which are the speaker.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from ontherecord.model import CharSpan, SourceKind
from ontherecord.nlp.layout import ArticleLayout, inside
from ontherecord.nlp.lexicon import (
    PronounFeatures,
    organization_nouns,
    person_nouns,
    pronouns,
    resolution_cues,
)
from ontherecord.nlp.sentences import sentences
from ontherecord.resolution.names import NameChain, NameCluster, age_of

if TYPE_CHECKING:
    from collections.abc import Callable, Sequence

    from spacy.tokens import Doc, Token

# How far back an antecedent may lie.
_MAX_SENTENCES = 5
_MAX_PARAGRAPHS = 2
# Below this a pronoun is left unresolved rather than guessed; a description starts a new entity.
_MIN_PRONOUN_SCORE = 3.0
_MIN_DESCRIPTOR_SCORE = 10.0
# Collective nouns that are people but never a single person's description ("the family").
_COLLECTIVE = frozenset({"family", "people", "crowd", "staff", "public"})


@dataclass(slots=True)
class Entity:
    """One person, group or organisation as the article refers to it."""

    id: int
    kind: SourceKind
    number: str = "sing"
    cluster: NameCluster | None = None
    label: str | None = None  # the words of its first description, for entities without a name
    label_span: CharSpan | None = None
    age: int | None = None
    role: str | None = None
    gender_votes: Counter[str] = field(default_factory=Counter)

    @property
    def gender(self) -> str | None:
        """The gender the article's own pronouns give it; None when they never do, or disagree."""
        if len(self.gender_votes) == 1:
            return next(iter(self.gender_votes))
        return None


@dataclass(frozen=True, slots=True)
class Mention:
    """A span that refers to an entity."""

    span: CharSpan
    token: int  # the head token
    sent: int
    para: int
    weight: float
    entity: int
    quoted: bool
    kind: str  # "name" | "pronoun" | "descriptor" | "description"


def role_weight(tok: Token) -> float:
    """Salience of a mention by its grammatical role (main-clause subjects first)."""
    naming = resolution_cues().get("naming", frozenset())
    t = tok
    if t.dep_ == "appos":
        t = t.head
    elif t.dep_ in ("oprd", "attr", "dobj") and t.head.dep_ == "acl" and t.head.lemma_.lower() in naming:
        t = t.head.head  # "one of the recruits, also called Aleks, was …": Aleks is the subject
    if t.dep_ in ("nsubj", "nsubjpass"):
        verb = t.head
        if any(c.dep_ == "ccomp" and c.i < verb.i for c in verb.children):
            # "…, a source said": a speaker tagged on after the words is not what the passage is about.
            return 50.0
        main = verb.dep_ == "ROOT" or (verb.dep_ == "conj" and verb.head.dep_ == "ROOT")
        return 100.0 if main else 60.0
    if t.dep_ in ("dobj", "attr", "oprd", "dative"):
        return 40.0
    if t.dep_ == "poss":
        return 30.0
    if t.dep_ == "pobj":
        return 25.0
    return 20.0


def _possessor(tok: Token) -> Token | None:
    for child in tok.children:
        if child.dep_ == "poss" and child.pos_ in ("PROPN", "NOUN"):
            return child
    return None


def descriptor_head(tok: Token) -> bool:
    """True for the head of a definite singular description of a person.

    "the minister", "The 61-year-old", and role descriptions with a possessor that is not a
    pronoun ("Obama's former campaign strategist").
    """
    if tok.dep_ in ("appos", "compound", "amod", "npadvmod") or tok.tag_ in ("NNS", "NNPS"):
        return False
    old = tok.lower_ == "old"
    # The word tests are cheap and rule out nearly every token; the children are walked only after.
    if not old:
        lemma = tok.lemma_.lower()
        if tok.pos_ != "NOUN" or lemma not in person_nouns() or lemma in _COLLECTIVE:
            return False
    if not any(c.dep_ == "det" and c.lower_ == "the" for c in tok.children) and _possessor(tok) is None:
        return False
    return not old or age_of(tok.doc[tok.left_edge.i : tok.i + 1].text) is not None


def organization_descriptor_head(tok: Token) -> bool:
    """True for "the union", "the ministry": a definite singular description of an institution."""
    # "the group" as a speaker is, in news style, the organisation just named ("the advocacy group").
    return (
        tok.pos_ == "NOUN"
        and tok.tag_ not in ("NNS", "NNPS")
        and (tok.lemma_.lower() in organization_nouns() or tok.lemma_.lower() == "group")
        and any(c.dep_ == "det" and c.lower_ == "the" for c in tok.children)
        and not any(c.dep_ == "poss" for c in tok.children)
    )


class Discourse:
    """Entities and their mentions, read in article order."""

    def __init__(
        self,
        doc: Doc,
        chains: Sequence[NameChain],
        clusters: Sequence[NameCluster],
        quotes: Sequence[CharSpan],
        layout: ArticleLayout,
    ) -> None:
        self.doc = doc
        # spaCy rebuilds Doc.text from every token on each access; read it once.
        self.text = doc.text
        self.quotes = quotes
        self.layout = layout
        self.entities: list[Entity] = []
        self.mentions: list[Mention] = []
        self.by_token: dict[int, int] = {}
        self.clusters = clusters
        self._cluster_entity: dict[int, int] = {}
        self._chain_at = {c.start: c for c in chains}
        self._chain_token = {k: c for c in chains for k in range(c.start, c.end)}
        self.seeds: dict[int, tuple[int, CharSpan]] = {}
        self.wanted: set[int] = set()  # pronoun tokens an attribution names as its source
        self._sent_index = {}
        for i, sent in enumerate(sentences(doc)):
            for tok in sent:
                self._sent_index[tok.i] = i

    def chain_at(self, token: int) -> NameChain | None:
        """The name chain covering ``token``, if any."""
        return self._chain_token.get(token)

    def new_entity(
        self,
        kind: SourceKind,
        *,
        number: str = "sing",
        cluster: NameCluster | None = None,
        label: str | None = None,
        label_span: CharSpan | None = None,
        age: int | None = None,
        role: str | None = None,
    ) -> Entity:
        """A new entity, numbered in order of creation."""
        entity = Entity(len(self.entities), kind, number, cluster, label, label_span, age, role)
        self.entities.append(entity)
        return entity

    def cluster_entity(self, cluster: NameCluster) -> Entity:
        """The one entity of a name cluster (people and organisations alike)."""
        if cluster.id not in self._cluster_entity:
            kind = SourceKind.PERSON if cluster.is_person else SourceKind.ORGANIZATION
            entity = self.new_entity(kind, cluster=cluster, age=cluster.age, role=cluster.role)
            self._cluster_entity[cluster.id] = entity.id
        return self.entities[self._cluster_entity[cluster.id]]

    def seed(self, token: int, span: CharSpan, entity: Entity) -> None:
        """Register a description that an attribution names as a source, so it can be an antecedent."""
        self.seeds[token] = (entity.id, span)

    def _add(self, span: CharSpan, tok: Token, entity: int, kind: str, weight: float | None = None) -> None:
        quoted = inside(span.start, self.quotes)
        self.mentions.append(
            Mention(
                span,
                tok.i,
                self._sent_index[tok.i],
                self.layout.paragraph_of(span.start),
                role_weight(tok) if weight is None else weight,
                entity,
                quoted,
                kind,
            )
        )
        self.by_token[tok.i] = entity

    # -- candidates ---------------------------------------------------------------------------

    def _scores(self, tok: Token, accept: Callable[[Entity], bool]) -> dict[int, float]:
        sent = self._sent_index[tok.i]
        para = self.layout.paragraph_of(tok.idx)
        best: dict[int, float] = {}
        extra: Counter[int] = Counter()
        for m in reversed(self.mentions):
            if m.sent < sent - _MAX_SENTENCES or m.para < para - _MAX_PARAGRAPHS:
                break
            if m.quoted or m.token >= tok.i:
                continue
            entity = self.entities[m.entity]
            if not accept(entity):
                continue
            score = m.weight * 0.5 ** (sent - m.sent)
            if score > best.get(entity.id, 0.0):
                best[entity.id] = score
            extra[entity.id] += 1
        # Repeated mention adds a little, so an entity the passage keeps returning to wins ties.
        return {e: s + 2.0 * (extra[e] - 1) for e, s in best.items()}

    def _resolve_pronoun(self, tok: Token, feats: PronounFeatures) -> int | None:
        if tok.lower_.endswith("self") or tok.lower_.endswith("selves"):
            # A reflexive takes its own clause's subject.
            for sib in tok.head.children:
                if sib.dep_ in ("nsubj", "nsubjpass") and sib.i in self.by_token:
                    return self.by_token[sib.i]

        def accept(entity: Entity) -> bool:
            if feats.gender == "neuter":
                return entity.kind == SourceKind.ORGANIZATION
            if feats.number == "plur":
                return entity.number == "plur" and entity.kind == SourceKind.GROUP
            if entity.number != "sing" or entity.kind not in (SourceKind.PERSON, SourceKind.UNNAMED):
                return False
            return feats.gender is None or not entity.gender_votes or entity.gender == feats.gender

        scores = self._scores(tok, accept)
        if not scores:
            return None
        winner, score = max(scores.items(), key=lambda kv: kv[1])
        return winner if score >= _MIN_PRONOUN_SCORE else None

    def _resolve_descriptor(self, tok: Token, text: str, institution: bool = False) -> int:
        age = age_of(text)
        lemma = tok.lemma_.lower()
        # The possessor of "Obama's former campaign strategist" is somebody else.
        inner = {self.by_token[t.i] for t in tok.subtree if t.i != tok.i and t.i in self.by_token}
        relational = _possessor(tok) is not None and lemma in resolution_cues().get("relational", frozenset())
        kinds = (SourceKind.ORGANIZATION,) if institution else (SourceKind.PERSON, SourceKind.UNNAMED)

        def accept(entity: Entity) -> bool:
            if entity.id in inner or entity.number != "sing" or entity.kind not in kinds:
                return False
            return age is None or entity.age is None or entity.age == age

        if any(c.dep_ in ("prep", "relcl", "acl") for c in tok.children if c.i > tok.i):
            # "the leader of Belarus' uprising" says who it is; it does not point back to anyone.
            scores: dict[int, float] = {}
        else:
            scores = self._scores(tok, accept)
        for eid in scores:
            entity = self.entities[eid]
            named = " ".join(entity.cluster.name.split()) if entity.cluster is not None else ""
            said = f"{entity.role or ''} {entity.label or ''} {named}".lower().split()
            if lemma != "old" and (lemma in said or f"{lemma}s" in said):
                # "the restaurateur" after "X, a Belarusian restaurateur"; "the source" after "a source said".
                scores[eid] += 100.0
        if scores:
            winner, score = max(scores.items(), key=lambda kv: kv[1])
            # A relative ("his lawyer", "Trump's spokeswoman") is only someone already described as one.
            if score >= (100.0 if relational else _MIN_DESCRIPTOR_SCORE):
                entity = self.entities[winner]
                if age is not None and entity.age is None:
                    entity.age = age
                return winner
        label = text[:1].lower() + text[1:] if tok.doc[tok.left_edge.i].pos_ == "DET" else text
        kind = SourceKind.ORGANIZATION if institution else SourceKind.PERSON
        span = CharSpan(tok.left_edge.idx, tok.idx + len(tok.text))
        return self.new_entity(kind, label=label, age=age, label_span=span).id

    # -- the pass ---------------------------------------------------------------------------

    def read(self) -> None:
        """Walk the article once, in order, registering names and resolving pronouns and descriptions."""
        table = pronouns()
        for tok in self.doc:
            chain = self._chain_at.get(tok.i)
            if chain is not None:
                cluster = self.clusters[chain.cluster]
                if cluster.is_person or cluster.is_organization:
                    entity = self.cluster_entity(cluster)
                    self._add(chain.span, chain.head(self.doc), entity.id, "name")
                    for k in range(chain.start, chain.end):
                        self.by_token[k] = entity.id
                continue
            if tok.i in self.seeds:
                eid, span = self.seeds[tok.i]
                self._add(span, tok, eid, "description")
                continue
            if inside(tok.idx, self.quotes):
                continue
            feats = table.get(tok.lower_)
            # Plural pronouns are resolved only where an attribution needs them ("they said"): groups
            # in news text overlap and nest too much for "they" to be read reliably everywhere else.
            wanted = feats is not None and (
                (feats.number == "sing" and feats.gender != "neuter") or tok.i in self.wanted
            )
            if feats is not None and feats.person == 3 and tok.pos_ == "PRON" and wanted:
                found = self._resolve_pronoun(tok, feats)
                if found is not None:
                    span = CharSpan(tok.idx, tok.idx + len(tok.text))
                    self._add(span, tok, found, "pronoun", weight=role_weight(tok))
                    if feats.gender in ("male", "female"):
                        self.entities[found].gender_votes[feats.gender] += 1
                continue
            if tok.i in self.wanted and organization_descriptor_head(tok):
                span = CharSpan(tok.left_edge.idx, tok.idx + len(tok.text))
                eid = self._resolve_descriptor(tok, self.text[span.start : span.end], institution=True)
                self._add(span, tok, eid, "descriptor")
                continue
            # "Clinton's opponent, Donald Trump": the name that follows is the mention.
            if (
                tok.i not in self._chain_token
                and descriptor_head(tok)
                and not any(c.dep_ == "appos" and c.i in self._chain_token for c in tok.children)
            ):
                start = tok.left_edge
                span = CharSpan(start.idx, tok.idx + len(tok.text))
                text = self.text[span.start : span.end]
                eid = self._resolve_descriptor(tok, text)
                self._add(span, tok, eid, "descriptor")
