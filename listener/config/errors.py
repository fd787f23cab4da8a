"""Validating a settings file against pydantic models, with every error at its key path and line.

``load_model`` reads the file (``listener.config.yamlfile``: YAML with line numbers and ``${VAR}``
interpolation), validates the data with pydantic, maps each error's ``loc`` onto a key path
(``sources[1].interval``) and the line it was written on, adds "did you mean" hints for unknown
keys, and raises one ``ConfigError`` listing every problem in the file.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from difflib import get_close_matches
from pathlib import Path
from typing import Any, TypeVar, get_args

from pydantic import BaseModel, ValidationError
from pydantic_core import InitErrorDetails, PydanticCustomError

from listener.config.yamlfile import Problem, YamlDocument, join_path, parse_yaml
from listener.redaction import redact_values, secret_forms

Loc = tuple[str | int, ...]
ModelT = TypeVar("ModelT", bound=BaseModel)


class ConfigError(Exception):
    """A settings file that cannot be used; ``problems`` lists everything wrong with it at once.

    ``str()`` is a report with one ``file:line: key.path: message`` line per problem.
    """

    def __init__(self, problems: Sequence[Problem], path: Path | None = None) -> None:
        self.problems = sorted(problems, key=lambda problem: (problem.line or 0, problem.key_path))
        self.path = path
        super().__init__("\n".join(self._line(problem) for problem in self.problems))

    def _line(self, problem: Problem) -> str:
        where = str(self.path) if self.path is not None else "settings"
        if problem.line is not None:
            where = f"{where}:{problem.line}"
        key = f" {problem.key_path}:" if problem.key_path else ""
        return f"{where}:{key} {problem.message}"

    def __reduce__(self) -> tuple[type[ConfigError], tuple[list[Problem], Path | None]]:
        return (ConfigError, (self.problems, self.path))


def load_model(
    path: Path,
    model: type[ModelT],
    *,
    environ: Mapping[str, str],
    missing_hint: str,
    injected: Mapping[str, Any],
    file_loc: Callable[[Loc], Loc] = lambda loc: loc,
    allowed_keys: Callable[[type[BaseModel], Any], list[str]] | None = None,
    secrets_key: str | None = None,
) -> ModelT:
    """Read ``path`` and validate it as ``model``, or raise ``ConfigError`` listing every problem.

    Relative paths resolve against the file's folder: it is passed as the validation context
    ``{"base_dir": ...}``. ``injected`` keys are set by the caller (never written in the file);
    ``file_loc`` maps a pydantic ``loc`` onto the file's layout where the two differ;
    ``allowed_keys(model, raw_mapping)`` lists a mapping's keys for "did you mean" hints;
    ``secrets_key`` names the field that receives the values ``${VAR}`` references were
    replaced with. Those values never appear in a problem's message, whatever key they were
    written under (a token pasted as a source's name is echoed by "not a valid name").
    """
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        problem = Problem("", None, f"no settings file at {path.absolute()}; {missing_hint}")
        raise ConfigError([problem], path) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError([Problem("", None, f"cannot read the file: {exc}")], path) from None
    document = parse_yaml(text, environ=environ)
    if document.data is None:
        raise ConfigError(document.problems, path)
    problems = list(document.problems)
    data = document.data
    if secrets_key is not None:
        injected = {**injected, secrets_key: document.secrets}
    if isinstance(data, dict):
        for key in injected.keys() & data.keys():
            problems.append(Problem(key, document.line_of(key), "unknown key"))
        data = {**data, **injected}
    try:
        result = model.model_validate(data, context={"base_dir": path.absolute().parent})
    except ValidationError as exc:
        # A value that failed interpolation was replaced by "": its follow-on errors are noise.
        skip = [problem.key_path for problem in document.problems]
        for problem in _problems(exc, document, model, file_loc, allowed_keys or _fields):
            if not any(_within(problem.key_path, prefix) for prefix in skip):
                problems.append(problem)
    if problems:
        forms = secret_forms(document.secrets)
        raise ConfigError(
            [
                problem._replace(message=redact_values(problem.message, forms))
                for problem in problems
            ],
            path,
        )
    return result


def combine_errors(
    caught: ValidationError | None, extra: Sequence[tuple[Loc, str]]
) -> ValidationError:
    """One ``ValidationError`` from a caught one plus more problems, for wrap validators that
    check across items (such as unique names) without hiding the items' own problems."""
    details = [
        InitErrorDetails(
            type=PydanticCustomError(error["type"], error["msg"], _plain_context(error)),
            loc=error["loc"],
            input=error["input"],
        )
        for error in (caught.errors() if caught is not None else [])
    ]
    details += [
        InitErrorDetails(type=PydanticCustomError("value_error", message), loc=loc, input=None)
        for loc, message in extra
    ]
    return ValidationError.from_exception_data("settings", details)


def _plain_context(error: Mapping[str, Any]) -> dict[str, Any] | None:
    """The error's context (``min_length`` and the like) kept through ``combine_errors``, so
    ``_problems`` words a source's error as it words any other. Only plain values: the
    context of a ``value_error`` holds the exception itself."""
    context = error.get("ctx") or {}
    kept = {k: v for k, v in context.items() if isinstance(v, str | int | float | bool)}
    return kept or None


def _problems(
    exc: ValidationError,
    document: YamlDocument,
    model: type[BaseModel],
    file_loc: Callable[[Loc], Loc],
    allowed_keys: Callable[[type[BaseModel], Any], list[str]],
) -> list[Problem]:
    problems = []
    for error in exc.errors():
        loc = file_loc(tuple(part for part in error["loc"] if part != "[key]"))
        key_path = ""
        for part in loc:
            key_path = join_path(key_path, part)
        kind = error["type"]
        if kind == "missing":
            message = "required key is missing"
        elif kind == "extra_forbidden":
            known = _keys_at(model, loc[:-1], document.data, allowed_keys)
            message = "unknown key" + _suggestion(str(loc[-1]), known)
        elif kind in ("union_tag_invalid", "union_tag_not_found"):
            # A channel's or rule's `type` picks its model: say which types there are, and
            # which one was meant, at the `type` key's line — not pydantic's tag wording.
            context = error.get("ctx") or {}
            key_path = join_path(key_path, str(context.get("discriminator", "type")).strip("'"))
            message = "required key is missing"
            if kind == "union_tag_invalid":
                message = _unknown_tag(loc, context)
        elif kind in ("model_type", "model_attributes_type", "dict_type"):
            message = f"expected a mapping of keys, not {_describe(error['input'])}"
        elif kind in ("too_short", "string_too_short") and _needs_one(error.get("ctx")):
            # pydantic counts a secret's characters as "items" ("Value should have at least
            # 1 item after validation, not 0" for `access_token: ""`): at a minimum of one,
            # the value was empty, and that is what the person reading it needs to hear.
            message = "must not be empty"
        elif kind == "too_short" and isinstance(error["input"], str):
            # A secret's length, in the words of a text rather than of a list.
            context = error.get("ctx") or {}
            message = f"must be at least {context.get('min_length')} characters long"
        else:
            message = error["msg"].removeprefix("Value error, ")
        problems.append(Problem(key_path, document.line_of(key_path), message))
    return problems


def _needs_one(context: Mapping[str, Any] | None) -> bool:
    return context is not None and context.get("min_length") == 1


def _unknown_tag(loc: Loc, context: Mapping[str, Any]) -> str:
    tag = str(context.get("tag", ""))
    known = [part.strip().strip("'") for part in str(context.get("expected_tags", "")).split(",")]
    known = [name for name in known if name]
    # alerts.channels[0] → "channel", alerts.rules[1] → "rule"
    listed_in = loc[-2] if len(loc) >= 2 else ""
    kind = f"{listed_in.removesuffix('s')} " if isinstance(listed_in, str) and listed_in else ""
    close = get_close_matches(tag, known, n=1)
    hint = f" (did you mean {close[0]!r}?)" if close else ""
    return f"unknown {kind}type {tag!r}{hint}; known types: {', '.join(sorted(known))}"


def _suggestion(key: str, known: list[str]) -> str:
    close = get_close_matches(key, known, n=1)
    if close:
        return f" (did you mean {close[0]!r}?)"
    return f"; allowed here: {', '.join(known)}" if known else ""


def _keys_at(
    model: type[BaseModel] | None,
    loc: Loc,
    data: Any,
    allowed_keys: Callable[[type[BaseModel], Any], list[str]],
) -> list[str]:
    raw = data
    for part in loc:
        if isinstance(part, int):
            raw = raw[part] if isinstance(raw, list) and part < len(raw) else None
            continue
        raw = raw.get(part) if isinstance(raw, Mapping) else None
        field_info = model.model_fields.get(part) if model is not None else None
        model = _model_in(field_info.annotation) if field_info is not None else None
    return allowed_keys(model, raw) if model is not None else []


def _fields(model: type[BaseModel], raw: Any) -> list[str]:
    return [name for name, info in model.model_fields.items() if not info.exclude]


def _model_in(annotation: Any) -> type[BaseModel] | None:
    """The model a field holds, through ``list[...]``, ``X | None`` and ``Annotated``."""
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    for arg in get_args(annotation):
        found = _model_in(arg)
        if found is not None:
            return found
    return None


def _within(key_path: str, prefix: str) -> bool:
    return key_path == prefix or key_path.startswith((f"{prefix}.", f"{prefix}["))


def _describe(value: Any) -> str:
    if value is None:
        return "nothing"
    return {list: "a list", str: "a text", int: "a number", float: "a number"}.get(
        type(value), type(value).__name__
    )
