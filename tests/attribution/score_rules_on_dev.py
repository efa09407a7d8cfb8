"""Score the attribution reader on PolNeAR dev (not a test: run it by hand to tune the rules).

    .venv/bin/python tests/attribution/score_rules_on_dev.py [--split dev] [--out FILE.jsonl]
        [--model DIR | --shipped-model]

Parses each text with the shared pipeline, runs the rules only (or, with a model, the merged
extractor, to tune ``extractor.merge``), writes predictions JSONL and prints
shared/tools/attrib_eval/score.py's table.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
from pathlib import Path

from ontherecord.attribution.extractor import extract_attributions
from ontherecord.attribution.rules import extract_by_rules
from ontherecord.model import Article
from ontherecord.nlp.layout import ArticleLayout
from ontherecord.nlp.pipeline import load_nlp, parse_many
from ontherecord.settings import Settings

SHARED = Path(__file__).resolve().parents[3] / "shared"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--split", default="dev")
    parser.add_argument("--out", default="/tmp/ontherecord_rules_dev.jsonl")
    parser.add_argument("--model", help="a trained attribution model directory to merge with")
    parser.add_argument("--shipped-model", action="store_true", help="merge with the shipped model")
    args = parser.parse_args()
    merged = bool(args.model or args.shipped_model)
    settings = Settings(use_model=merged, model=args.model)
    split = SHARED / "data" / "polnear" / args.split
    paths = sorted((split / "text").glob("*.txt"))
    texts = [p.read_text(encoding="utf-8") for p in paths]
    with open(args.out, "w", encoding="utf-8") as out:
        for path, text, doc in zip(paths, texts, parse_many(load_nlp(), texts), strict=True):
            article = Article(id=path.stem, text=text)
            layout = ArticleLayout.of(text)
            if merged:
                found = extract_attributions(article, doc, layout, settings)
            else:
                found = extract_by_rules(article, doc, layout)
            roles = ("source", "cue", "content")
            atts = [{r: [s.to_list() for s in getattr(a, r)] for r in roles} for a in found]
            out.write(json.dumps({"id": path.stem, "attributions": atts}) + "\n")
    scorer = SHARED / "tools" / "attrib_eval" / "score.py"
    subprocess.run(
        [sys.executable, str(scorer), "--gold", str(split), "--pred", args.out], check=True
    )


if __name__ == "__main__":
    main()
