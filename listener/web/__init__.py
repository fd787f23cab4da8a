"""The web app: server-rendered pages (inbox, mention, author, search, sources) and the JSON API
under ``/api/v1`` that the pages use too, plus ``/metrics``, ``/healthz`` and ``/readyz``.

It sits beside ``service`` (``cli`` composes the two in one event loop): it may import
``alerts``, ``pipeline``, ``judging``, ``config``, ``store``, ``query`` and the shared ground.
"""
