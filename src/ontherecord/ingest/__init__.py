"""Stage ②: reading (files, HTML, JSONL, WARC -> Page) and cleaning (Page -> Article + notes).

Text normalisation happens here and only here. Readers live in ``readers`` (with ``jsonl``,
``warc``, ``html`` and ``decoding`` beside it); cleaning in ``clean`` (with ``chrome`` and ``notes``).
"""
