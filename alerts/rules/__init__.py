"""The alert rules, one module each; ``alerts.decide`` runs them.

Each rule is a function of the alert transaction (``AlertTx``), the rule's settings and
"now": it reads what it needs, folds into or raises alerts, and returns the alerts it
raised so the decider can route them. Rules never send anything themselves.
"""
