"""Data files (lexicons, the shipped model); each text file starts with a provenance comment."""
