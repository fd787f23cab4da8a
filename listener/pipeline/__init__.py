"""What happens to a poll's items, in order: revise (edits, deletions) → normalize → match the
brands' queries → dedupe → judge → store (``run``). It may import judging, sentiment, config,
the store, query and the shared ground; never alerts (the rules are handed in as a callback).
"""
