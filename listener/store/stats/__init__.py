"""The dashboard's statistics: counts over a brand and a time range, read from the rollups
(``listener.store.schema_stats``) and, for what rollups do not hold (response times, top
authors, rising words), from bounded reads of the alerts and mentions."""
