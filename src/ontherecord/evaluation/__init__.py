"""Evaluation: attribution extraction scored against gold, with the PolNeAR scorer's exact metrics."""
