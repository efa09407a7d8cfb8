"""Corpus: annotated article collections (brat standoff, PolNeAR splits), read and written for training
and evaluation."""
