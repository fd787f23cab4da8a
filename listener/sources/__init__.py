"""The sources: one module per source type, the registry of types (``registry``) and the
helpers they share (HTTP, paging, rate limits, cursors). A source may import only these
helpers and its own helper modules (``bluesky_session``), never another source, and from
listener only ``query`` and the shared ground.
"""
