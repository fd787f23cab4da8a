"""The alert rules, one module each, run by ``alerts.decide``. A rule reads the alert
transaction (``AlertTx``), folds into or raises alerts and returns those it raised; it never
sends anything. Rules may import the alerts' values, config, the store and below.
"""
