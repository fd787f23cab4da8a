"""The settings: strict models of ``settings.yaml`` (``settings``, one module per section),
the YAML reader that keeps every key's line (``yamlfile``) and the watcher that re-reads the
file (``reload``). It may import the sources' option models, query and the shared ground.
"""
