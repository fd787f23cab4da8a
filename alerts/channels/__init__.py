"""Alert channels: one module per channel type behind one interface (``base``), found by
name through ``registry``. A channel formats and sends what it is given; it never decides.
"""
