"""Derived text facts checks share: segments, canonical text, words, phrase index, patterns, URLs."""
