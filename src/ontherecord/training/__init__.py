"""Training: fitting the reader's learned parts on annotated corpora (beside ``corpus/`` and ``evaluation/``).

Runtime stages never import this package: the trained model travels as files, loaded by
``attribution/learned.py``. Training parses through the reading door (``pipeline.load_nlp``), so
the model is fitted on the very parses the reader will give it.
"""
