"""How text is read before it is judged: its script and language, the word lists (``lexicon``),
the Indic cue finder and VADER's scorer made fast and taught to read posts. Below sentiment
and the judges, which both read with it; it may import only the shared ground.
"""
