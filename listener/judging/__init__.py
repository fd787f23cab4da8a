"""The judges: language, complaint, feeling, topic, urgency, flags and reach of a mention."""
