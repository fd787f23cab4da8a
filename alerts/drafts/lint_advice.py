"""A draft's lint findings split as a person should read them: what must never be sent
(a hard failure: the draft is wrong to send as it is) and tips (what a better reply would
add: their name, the topic, the feeling, a next step…).

The split is the one a local model's drafts are dropped by (``llm_checks.drop_reasons``):
a model draft with a hard failure never reaches a person, so a kept one can only carry
tips. Template drafts are read the same way, so the page and the CLI never call a draft
"failed" for advice alone.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from alerts.drafts.llm_checks import drop_reasons

# The soft checks, in the words of a tip (a False value means the draft lacks it).
TIPS = {
    "name_present": "greet them by name",
    "topic_present": "name the topic",
    "feeling_acknowledged": "acknowledge how they feel",
    "next_step_present": "say what happens next",
    "history_present": "mention their earlier posts",
    "loyalty_present": "thank them for staying with us",
}
# The hard failures, as a person reads them.
FAILURES = {
    "length_ok": "too long for the platform",
    "markup_safe": "holds markup or control characters",
    "banned_phrases": "banned phrases",
    "echoed_abuse": "repeats abusive words",
    "personal_data": "holds personal data",
    "promises": "promises the policy forbids",
    "foreign_links": "links or contacts we did not give",
    "copied_from_post": "copies the post's words",
    "off_script": "talks about the model or its prompt",
}


@dataclass(frozen=True, slots=True)
class LintAdvice:
    failures: tuple[str, ...]  # hard failures in words, with what was found ("banned phrases: …")
    tips: tuple[str, ...]  # soft findings in words ("name the topic")
    passed: tuple[str, ...]  # soft checks the draft meets, as the lint names them

    @property
    def failed(self) -> bool:
        return bool(self.failures)

    def line(self) -> str:
        """One line for a terminal: ``lint ok · tips: name the topic`` or ``lint failed: …``."""
        head = "lint failed: " + "; ".join(self.failures) if self.failures else "lint ok"
        return f"{head} · tips: {', '.join(self.tips)}" if self.tips else head


def lint_advice(lint: dict[str, Any]) -> LintAdvice:
    """``lint`` (``lint_draft``'s findings, and a model draft's own checks) as advice."""
    failures = []
    for key in drop_reasons(lint):
        found = lint.get(key)
        words = FAILURES.get(key, key.replace("_", " "))
        if isinstance(found, list) and found:
            words += ": " + ", ".join(map(str, found))
        failures.append(words)
    tips = tuple(tip for key, tip in TIPS.items() if lint.get(key) is False)
    passed = tuple(key.removesuffix("_present") for key in TIPS if lint.get(key) is True)
    return LintAdvice(tuple(failures), tips, passed)
