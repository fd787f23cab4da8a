"""The Elasticsearch engine (issue 19): the mention index shared by every daemon.

``ElasticStore`` (``store``) is the SQLite store plus a cluster. Each daemon's SQLite file
still holds its fetch state, alerts and outbox, and the mentions it stored itself: alerts
point at them, and they are the journal of what the cluster has yet to receive. Every write
to a local mention row (insert, edit, tombstone, judgment, label, erasure, retention) queues
that mention in ``index_outbox`` in the same transaction (``outbox``: triggers on the writer
connection), and the queue is sent to the cluster in bounded bulk requests (``bulk``) right
after the commit and again by the daemon's upkeep until the cluster has it: nothing is lost
when the cluster is away, and a restart resumes the queue.

Two daemons never store one article twice: inside its write transaction a store claims the
mention's dedupe keys (its id, its canonical URL, its brand's content hash) as create-only
documents in ``<prefix>-keys`` (``claims``), and stores only what it claimed.

Reads that the web and CLI make of mentions (search, facets, export, the dashboard, author
pages) go to the index through ``SQLiteStore.shared_index`` (``listener.store.mention_index``):
``ElasticIndex`` (``index``) answers them from ``search`` (the query language translated by
``translate``), ``stats`` (aggregations) and ``authors``.

Modules: ``settings`` (ClusterSettings), ``cluster`` (the async client on its own loop, the
OpenSearch flavour), ``mapping`` (the template), ``documents`` (mention ⇄ document),
``template`` (put and check the template and indices), ``bulk``, ``claims``, ``outbox``,
``store``, ``index``, ``translate``, ``search``, ``stats``, ``authors``, ``reindex``.
"""
