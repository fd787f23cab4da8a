"""Alerts: the rules that decide (``rules``), severity and routing, the durable outbox, the
channels (``channels``) and reply drafts (``drafts``). A sibling of the pipeline, which hands
it stored mentions by callback: it may import judging and below, never the pipeline.
"""
