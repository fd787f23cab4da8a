"""Alert rules, the durable outbox, delivery channels and reply drafts (the alerts issue)."""
