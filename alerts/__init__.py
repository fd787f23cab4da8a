"""Alert rules, the durable outbox, delivery channels and reply drafts (built by the alerts issue)."""
