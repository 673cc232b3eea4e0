"""Measuring the rules on labelled corpora: evaluate, metrics, fitting points."""
