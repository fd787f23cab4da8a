"""The Jinja2 environment for reply drafts and alert messages.

Templates live in the repository's ``templates/`` folder (``replies/`` and ``alerts/``);
an operator may put edited copies in a folder of their own (``Templates(override_dir)``),
which is searched first, so an upgrade never overwrites their wording.

Internet text only ever reaches a template as a *value*: it is never compiled as a
template, so "{{ 7*7 }}" in a tweet stays those characters. Undefined names are errors
(``StrictUndefined``), so a typo in an edited template fails loudly in tests and
``listener check`` rather than sending a message with a hole in it. HTML templates
(``*.html``) autoescape; every other format escapes with the filter its markup needs
(``slack_text``, ``discord_text``…), registered by the modules that know that markup.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

from jinja2 import (
    ChoiceLoader,
    FileSystemLoader,
    StrictUndefined,
    TemplateNotFound,
    TemplateSyntaxError,
    select_autoescape,
)
from jinja2.sandbox import ImmutableSandboxedEnvironment

BUILTIN_DIR = Path(__file__).resolve().parent.parent / "templates"
_VERDICTS_KEPT = 4096  # (type, attribute) pairs: templates name a few dozen


class _Sandbox(ImmutableSandboxedEnvironment):
    """The immutable sandbox, remembering its verdict on each attribute.

    Jinja's verdict (a private or internal attribute, a method that mutates a list or dict)
    depends on the object's type and the attribute's name alone, yet was worked out afresh
    at every ``p.greeting`` and ``history.when`` — a tenth of a draft's time. The verdict is
    Jinja's own, asked once per (type, name)."""

    def __init__(self, **options: Any) -> None:
        super().__init__(**options)
        self._verdicts: dict[tuple[type, str], bool] = {}

    def is_safe_attribute(self, obj: Any, attr: str, value: Any) -> bool:
        key = (type(obj), attr)
        verdict = self._verdicts.get(key)
        if verdict is None:
            verdict = super().is_safe_attribute(obj, attr, value)
            if len(self._verdicts) < _VERDICTS_KEPT:
                self._verdicts[key] = verdict
        return verdict


class Templates:
    """Renders named templates; one instance per daemon (templates are compiled once)."""

    def __init__(
        self,
        override_dir: Path | None = None,
        *,
        filters: Mapping[str, Callable[..., Any]] | None = None,
        builtin_dir: Path = BUILTIN_DIR,
    ) -> None:
        loaders = [FileSystemLoader(str(d)) for d in (override_dir, builtin_dir) if d is not None]
        # Sandboxed: the operator's edited templates are trusted, but a sandbox also keeps
        # a template from reaching into the objects it is given (no attribute games).
        self.env = _Sandbox(
            loader=ChoiceLoader(loaders),
            undefined=StrictUndefined,
            autoescape=select_autoescape(enabled_extensions=("html",), default=False),
            trim_blocks=True,
            lstrip_blocks=True,
            keep_trailing_newline=False,
        )
        if filters:
            self.env.filters.update(filters)

    def add_filters(self, filters: Mapping[str, Callable[..., Any]]) -> None:
        self.env.filters.update(filters)

    def render(self, name: str, /, **context: Any) -> str:
        return self.env.get_template(name).render(**context)

    def exists(self, name: str) -> bool:
        """Whether a template of this name is there — broken or not: a syntax error must
        surface when it renders, not make the template look absent."""
        try:
            self.env.get_template(name)
        except TemplateNotFound:
            return False
        except TemplateSyntaxError:
            return True
        return True
