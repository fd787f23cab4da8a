"""listener: a self-hosted social-listening daemon."""

__version__ = "0.1.0"
