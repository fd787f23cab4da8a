"""Reply drafts: two or three replies a person can send after a glance, never sent for them.
``replies.draft_replies`` is the entry point; it may import the alerts' message values,
the settings and the shared ground.
"""
