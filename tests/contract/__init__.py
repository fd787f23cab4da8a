"""The store's contract, one suite over both engines (issue 19): every test here runs on the
embedded SQLite engine and on the Elasticsearch engine (the cluster ``LISTENER_TEST_ES_URL``
names, else a local osmem-server), and asserts the same answers on both."""
