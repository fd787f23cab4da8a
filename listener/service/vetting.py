"""What keeps settings from running beyond their own validation: one sentence per problem.

``listener check`` and ``listener run`` refuse such settings (exit 2), and the running daemon
refuses an edit with them (keeping the settings it runs on), so a setting is honoured or
refused, never silently dropped.
"""

from __future__ import annotations

from alerts.rules.saved_search import saved_search_problems
from listener.config.settings import Settings
from listener.judging.training import embeddings_problem
from listener.reading.langid_extra import setting_problem

__all__ = ["extras_problems", "settings_problems"]


def extras_problems(settings: Settings) -> list[str]:
    """Settings that ask for an optional extra this install cannot import, each naming its key
    (``judgments.learning.embeddings: on``, ``judgments.language_id: py3langid``)."""
    problems = [embeddings_problem(settings), setting_problem(settings.judgments.language_id)]
    return [problem for problem in problems if problem is not None]


def settings_problems(settings: Settings) -> list[str]:
    """Every problem above, and ``saved:`` rules naming a search the store does not hold."""
    return saved_search_problems(settings) + extras_problems(settings)
