"""Stage ⑤: proper-name chains in a parsed article, grouped into one cluster per named entity.

The small English pipeline often labels foreign personal names as ORG or GPE, so a chain of
proper nouns is classified by the evidence of every mention of its cluster (entity labels,
an age or role appositive, a naming verb, a title) rather than by one entity label.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from ontherecord.model import CharSpan
from ontherecord.model.names import honorifics, name_key
from ontherecord.nlp.lexicon import organization_nouns, person_nouns, resolution_cues

if TYPE_CHECKING:
    from spacy.tokens import Doc, Token

# Entity labels that say a proper noun is not a person; ORG is left out on purpose, because
# the small model gives ORG to many unfamiliar personal names.
_NOT_PERSON_LABELS = frozenset(
    {"GPE", "LOC", "NORP", "FAC", "PRODUCT", "EVENT", "WORK_OF_ART", "LAW", "LANGUAGE", "DATE", "TIME"}
)
_ORG_ENTITIES = frozenset({"ORG", "FAC", "EVENT", "WORK_OF_ART", "LAW"})
_AGE = re.compile(r"\b(\d{1,3})-year-old\b")


@dataclass(slots=True)
class NameChain:
    """A run of proper nouns naming one entity, honorifics excluded ("President Vladimir Putin" -> "Vladimir Putin")."""

    start: int  # first token index of the name
    end: int  # token index after the name
    title_start: int  # first token index including leading honorifics
    span: CharSpan
    text: str
    words: tuple[str, ...]  # name_key words
    cluster: int = -1

    def head(self, doc: Doc) -> Token:
        """The chain's syntactic head: "Association" in "Association of Flight Attendants"."""
        inside = range(self.start, self.end)
        for k in inside:
            if doc[k].head.i not in inside or doc[k].head.i == k:
                return doc[k]
        return doc[self.end - 1]


@dataclass(slots=True)
class NameCluster:
    """Every chain naming one entity in an article."""

    id: int
    chains: list[NameChain] = field(default_factory=list)
    is_person: bool = False
    is_organization: bool = False
    age: int | None = None
    role: str | None = None
    titled: bool = False  # a mention carries an honorific ("Mr.", "President"): its single word is a surname

    @property
    def name(self) -> str:
        """The fullest form seen (most words; the first such form on a tie)."""
        return max(self.chains, key=lambda c: (len(c.words), -c.start)).text

    @property
    def forms(self) -> tuple[str, ...]:
        seen: list[str] = []
        for chain in self.chains:
            if chain.text not in seen:
                seen.append(chain.text)
        return tuple(seen)


def _is_name_token(tok: Token) -> bool:
    text = tok.text
    return (
        tok.pos_ == "PROPN"
        # A plural proper noun is a people ("Ukrainians"), except inside an organisation's name.
        and (tok.tag_ != "NNPS" or tok.ent_type_ in ("ORG", "FAC"))
        and text[:1].isupper()
        and any(c.isalpha() for c in text)
        and all(c.isalpha() or c in "-'’." for c in text)
        # Datelines ("KYIV", "LOS ANGELES") are no names; initials ("G.K.") are.
        and not (len(text) > 3 and text.isalpha() and text.isupper())
    )


def _joins_organization(doc: Doc, j: int) -> int:
    """How many small words at ``j`` lie inside one organisation's entity before its name goes on (0: none)."""
    connectors = resolution_cues().get("connectors", frozenset())
    k = j
    # "Committee for a Responsible Federal Budget", "Bank of the West".
    while k < len(doc) and k - j < 3 and (doc[k].lower_ in connectors or doc[k].lower_ in ("a", "an", "the")):
        if doc[k].ent_iob_ != "I" or doc[k].ent_type_ not in _ORG_ENTITIES or not doc[k].whitespace_:
            return 0
        k += 1
    if k == j or k >= len(doc) or doc[j].lower_ not in connectors:
        return 0
    return k - j if doc[k].ent_iob_ == "I" and _is_name_token(doc[k]) else 0


def name_chains(doc: Doc) -> list[NameChain]:
    """Every maximal run of proper nouns in ``doc``, in order, with leading honorifics split off."""
    chains: list[NameChain] = []
    drop = honorifics()
    i = 0
    n = len(doc)
    while i < n:
        if not _is_name_token(doc[i]):
            i += 1
            continue
        j = i + 1
        # A chain never crosses a line break or punctuation; it crosses "of" only inside one organisation's
        # entity ("Association of Flight Attendants"), never between a person and a place ("Doe of Chicago").
        while j < n:
            if (
                j + 1 < n
                and doc[j].text in ("-", "‐")
                and not doc[j - 1].whitespace_
                and not doc[j].whitespace_
                and _is_name_token(doc[j + 1])
            ):
                j += 2  # a double-barrelled name: "Holtz-Eakin"
                continue
            if "\n" in doc[j - 1].whitespace_ or not doc[j - 1].whitespace_:
                break
            if _is_name_token(doc[j]):
                j += 1
            elif skip := _joins_organization(doc, j):
                j += skip + 1
            else:
                break
        # Titles lead the chain ("Sen.", "House Speaker", "Charlotte Mayor", "Prime Minister"): the
        # name starts after the last title word; a chain of titles alone ("Senator") names no one.
        start = i
        for k in range(i, j):
            if name_key(doc[k].text) in drop or doc[k].lower_ in person_nouns():
                start = k + 1
        if start < j:
            span = doc[start:j]
            words = tuple(name_key(span.text).split())
            # Initials alone ("D-N.C.", a party and state) name nobody.
            if words and any(len(w) > 1 for w in words):
                chains.append(
                    NameChain(start, j, i, CharSpan(span.start_char, span.end_char), span.text, words)
                )
        i = j
    # The tagger sometimes reads a known surname as a common noun ("Trump unleashed …" tagged NN):
    # a capitalised word that is the last word of a full name found elsewhere is that name.
    surnames = {c.words[-1] for c in chains if len(c.words) > 1}
    taken = {k for c in chains for k in range(c.title_start, c.end)}
    for tok in doc:
        if (
            tok.i not in taken
            and tok.pos_ in ("NOUN", "ADJ", "X")
            and tok.text[:1].isupper()
            and tok.text[1:].islower()
            and name_key(tok.text) in surnames
        ):
            where = CharSpan(tok.idx, tok.idx + len(tok.text))
            chains.append(NameChain(tok.i, tok.i + 1, tok.i, where, tok.text, (name_key(tok.text),)))
    chains.sort(key=lambda c: c.start)
    return chains


def _trim_to_known_names(doc: Doc, chains: list[NameChain]) -> None:
    # "Minister of Culture Pavel Latushko" parses as the chain "Culture Pavel Latushko": when a chain
    # ends with a full name seen elsewhere in the article, the words before it are not part of the name.
    # Only after "of": "Douglas Holtz-Eakin" ends with "Holtz-Eakin" too, and is one name.
    full = {c.words for c in chains if len(c.words) > 1}
    connectors = resolution_cues().get("connectors", frozenset())
    for chain in chains:
        if chain.start == 0 or doc[chain.start - 1].lower_ not in connectors:
            continue
        for cut in range(1, len(chain.words) - 1):
            if chain.words[cut:] in full:
                span = doc[chain.start + cut : chain.end]
                chain.start += cut
                chain.title_start = chain.start
                chain.span = CharSpan(span.start_char, span.end_char)
                chain.text = span.text
                chain.words = chain.words[cut:]
                break


def cluster_chains(chains: list[NameChain]) -> list[NameCluster]:
    """Group chains: identical keys together; a surname form joins the nearest fuller name ending in it.

    A surname form is one word ("Kulazhanka") or the end of a longer name ("Holtz-Eakin" of
    "Douglas Holtz-Eakin").
    """
    clusters: list[NameCluster] = []
    by_key: dict[tuple[str, ...], NameCluster] = {}
    singles: list[NameChain] = []
    # Proper suffixes of every name, and the clustered chains by each suffix and by first word:
    # comparing every chain with every other is quadratic on a page of many names.
    suffixes = {k[-n:] for k in {c.words for c in chains} for n in range(1, len(k))}
    ending_in: dict[tuple[str, ...], list[NameChain]] = {}
    first_words: dict[str, set[int]] = {}

    def clustered(chain: NameChain, cluster: NameCluster) -> None:
        cluster.chains.append(chain)
        chain.cluster = cluster.id
        for n in range(1, len(chain.words)):
            ending_in.setdefault(chain.words[-n:], []).append(chain)
        if len(chain.words) > 1:
            first_words.setdefault(chain.words[0], set()).add(cluster.id)

    def keyed(words: tuple[str, ...]) -> NameCluster:
        cluster = by_key.get(words)
        if cluster is None:
            cluster = NameCluster(len(clusters))
            clusters.append(cluster)
            by_key[words] = cluster
        return cluster

    for chain in chains:
        if len(chain.words) == 1 or chain.words in suffixes:
            singles.append(chain)
            continue
        clustered(chain, keyed(chain.words))
    for chain in singles:
        fuller = ending_in.get(chain.words, [])
        before = [c for c in fuller if c.start < chain.start]
        # A surname alone points back to a full name ending in it (a headline may point forward). When
        # two people share the surname ("Hillary Clinton … daughter Chelsea Clinton"), news style keeps
        # the bare surname for the one the story is about: the one named most often, then the latest.
        pool = before or fuller
        counts: dict[tuple[str, ...], int] = {}
        for c in pool:
            counts[c.words] = counts.get(c.words, 0) + 1
        target = max(pool, key=lambda c: (counts[c.words], c.start)) if pool else None
        if target is None and len(chain.words) == 1:
            # A first name alone ("Donald and Ivana Trump") is the one full name that starts with it.
            firsts = first_words.get(chain.words[0], set())
            if len(firsts) == 1:
                target = clusters[next(iter(firsts))].chains[0]
        clustered(chain, clusters[target.cluster] if target is not None else keyed(chain.words))
    for cluster in clusters:
        cluster.chains.sort(key=lambda c: c.start)
    return clusters


def age_after(doc: Doc, chain: NameChain) -> int | None:
    """The age in "Aleksandr, 38" — a bare number set off by commas right after the name."""
    i = chain.end
    if i + 1 < len(doc) and doc[i].text == "," and doc[i + 1].like_num:
        after = doc[i + 2] if i + 2 < len(doc) else None
        if after is None or after.is_punct or after.is_space:
            try:
                age = int(doc[i + 1].text)
            except ValueError:
                return None
            return age if 0 < age < 120 else None
    return None


def age_of(text: str) -> int | None:
    """The age in a descriptor such as "The 61-year-old" or "a 38-year-old engineer"."""
    m = _AGE.search(text)
    if m:
        age = int(m.group(1))
        return age if 0 < age < 120 else None
    return None


def _has_person_noun(tokens: list[Token]) -> bool:
    nouns = person_nouns()
    return any(t.lemma_.lower() in nouns or t.text.lower() in nouns for t in tokens if t.pos_ in ("NOUN", "PROPN"))


def _appositive_role(doc: Doc, chain: NameChain) -> str | None:
    head = doc[chain.end - 1]
    for child in head.children:
        if child.dep_ != "appos" or child.i < chain.end:
            continue
        tokens = list(doc[child.left_edge.i : child.right_edge.i + 1])
        if child.like_num or not _has_person_noun(tokens):
            continue
        # A role is the appositive itself; a comma-set relative clause after it is narration.
        kept: list[Token] = []
        for tok in tokens:
            if tok.text == "," and kept:
                break
            kept.append(tok)
        text = doc[kept[0].i : kept[-1].i + 1].text.strip(" ,;:–—-")
        if text:
            return text
    return None


def _title_role(doc: Doc, chain: NameChain) -> str | None:
    # "Russian President Vladimir Putin", "former Belarusian Minister of Culture Pavel Latushko".
    names = set(range(chain.start, chain.end))
    taken: list[int] = []
    i = chain.start - 1
    while i >= 0:
        tok = doc[i]
        if tok.is_punct or tok.is_space or tok.pos_ in ("DET", "VERB", "AUX", "PRON", "SCONJ", "CCONJ"):
            break
        if tok.dep_ not in ("compound", "amod") or not (tok.head.i in names or tok.head.i in taken):
            break
        taken.append(i)
        i -= 1
    if not taken:
        return None
    tokens = [doc[k] for k in sorted(taken)]
    if not (_has_person_noun(tokens) or any(name_key(t.text) in honorifics() for t in tokens)):
        return None
    return doc[tokens[0].i : tokens[-1].i + 1].text


def _relative_role(doc: Doc, chain: NameChain) -> str | None:
    head = doc[chain.end - 1]
    for verb in head.children:
        if verb.dep_ != "relcl" or verb.i < chain.end:
            continue
        children = list(verb.children)
        subject = [c for c in children if c.dep_ == "nsubj" and c.tag_ in ("WP", "WDT")]
        if not subject or any(c.dep_ == "auxpass" for c in children):
            continue  # "who was questioned by …" says what happened to them, not who they are
        drop: set[int] = {subject[0].i}
        for child in children:
            if child.i > verb.i or child is subject[0]:
                continue
            left, right = child.left_edge.i, child.right_edge.i
            if left > 0 and doc[left - 1].text == "," and right + 1 < len(doc) and doc[right + 1].text == ",":
                drop.update(range(left - 1, right + 2))  # a parenthetical ("who, along with X, is …")
        kept = [t for t in doc[verb.left_edge.i : verb.right_edge.i + 1] if t.i not in drop]
        text = " ".join(t.text for t in kept if not t.is_space).strip(" ,;:")
        text = re.sub(r"\s+([,.;:’'])", r"\1", text)
        if text:
            return text
    return None


def role_of(doc: Doc, chain: NameChain) -> str | None:
    """What the article says the named entity is: appositive, then title before the name, then relative clause."""
    return _appositive_role(doc, chain) or _title_role(doc, chain) or _relative_role(doc, chain)


def _named_by_verb(doc: Doc, chain: NameChain) -> bool:
    # "one of the recruits …, also called Aleks": the name is the object of a naming verb on a person NP.
    head = doc[chain.end - 1]
    verb = head.head
    if head.dep_ not in ("oprd", "attr", "dobj", "npadvmod", "xcomp"):
        return False
    if verb.lemma_.lower() not in resolution_cues().get("naming", frozenset()):
        return False
    owner = verb.head
    tokens = [owner] + [t for t in owner.subtree if t.dep_ == "pobj" and t.head.head == owner]
    return _has_person_noun(tokens)


def _naming_role(doc: Doc, chain: NameChain) -> str | None:
    # "One of the recruits who crossed the border that day, also called Aleks": who Aleks is.
    owner = doc[chain.end - 1].head.head
    tokens = [t for t in owner.subtree if t.i < chain.start]
    kept: list[Token] = []
    for tok in tokens:
        if tok.text == "," and kept:
            break
        kept.append(tok)
    text = doc[kept[0].i : kept[-1].i + 1].text.strip(" ,;:–—-") if kept else ""
    return text[:1].lower() + text[1:] if text and kept[0].pos_ in ("NUM", "DET", "PRON") else (text or None)


def _is_organization_name(chain: NameChain) -> bool:
    # "Washington Post", "Ministry of Defence", "Association of Flight Attendants"; not the first
    # word, which is often a title ("House Speaker Paul Ryan").
    connectors = resolution_cues().get("connectors", frozenset())
    return chain.words[-1] in organization_nouns() or any(w in connectors for w in chain.words[1:-1])


def classify(doc: Doc, clusters: list[NameCluster]) -> None:
    """Decide which clusters name people and which name organizations, and read ages and roles."""
    for cluster in clusters:
        score = 0.0
        org_evidence = False
        for chain in cluster.chains:
            labels = {doc[k].ent_type_ for k in range(chain.start, chain.end)} - {""}
            if "PERSON" in labels:
                score += 1
            elif labels & _NOT_PERSON_LABELS:
                score -= 1
            if len(chain.words) > 1:
                score += 0.5
            if _is_organization_name(chain):
                score -= 2.5
                org_evidence = True
            if chain.title_start < chain.start:
                cluster.titled = True
                score += 2
            age = age_after(doc, chain)
            if age is not None:
                cluster.age = cluster.age or age
                score += 2
            role = role_of(doc, chain)
            if role is not None:
                cluster.role = cluster.role or role
                if _appositive_role(doc, chain) or _title_role(doc, chain):
                    score += 2
            if _named_by_verb(doc, chain):
                score += 2
                cluster.role = cluster.role or _naming_role(doc, chain)
        cluster.is_person = score > 0
        cluster.is_organization = not cluster.is_person and org_evidence
        if not cluster.is_person:
            cluster.role = None
            cluster.age = None
            heads = [doc[c.end - 1].ent_type_ for c in cluster.chains if doc[c.end - 1].ent_type_]
            if heads and heads.count("ORG") * 2 > len(heads):
                cluster.is_organization = True


def find_names(doc: Doc) -> tuple[list[NameChain], list[NameCluster]]:
    """Chains and classified clusters for one parsed article."""
    chains = name_chains(doc)
    _trim_to_known_names(doc, chains)
    clusters = cluster_chains(chains)
    classify(doc, clusters)
    return chains, clusters
