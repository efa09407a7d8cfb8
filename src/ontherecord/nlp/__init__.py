"""Stage ③: the only package that loads spaCy pipelines."""
