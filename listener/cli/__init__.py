"""The ``listener`` command (``main``): run, poll, search, show, label, alerts, draft, sources,
check, and the terminal rendering of what they print. The top of the flow: it may import
every layer below it, and nothing imports it.
"""
