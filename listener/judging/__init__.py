"""The judges: complaint, feeling, topic, urgency, flags and reach of a mention, composed with
sentiment into every judgment by ``judge.Judge``, and each brand's learned complaint model.
It may import sentiment, reading, config, the store, query and the shared ground.
"""
