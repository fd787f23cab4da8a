"""YAML with line numbers and ``${VAR}`` interpolation, for error messages that point at the file.

``yaml.safe_load`` throws away where each value came from and silently keeps the last of two
equal keys. Here the document is *composed* (PyYAML's node API, ``SafeLoader`` rules) and the
plain data is built by hand, so that:

- every key path (``sources[1].interval``) maps to the 1-based line of its key (or of its item,
  for list entries), and ``YamlDocument.line_of`` falls back to the nearest parent — which is
  where a *missing* key belongs;
- a duplicate key is a problem instead of a silent override;
- ``${VAR}`` / ``${VAR:-default}`` inside string values is replaced from the given environment
  (so secrets stay out of the file), ``$${`` is a literal ``${``, and a variable that is not set
  is a problem naming the key path and line.

Nothing is raised while reading: problems are collected in the ``YamlDocument``, and
``listener.config.errors.load_model`` validates the data, maps pydantic's errors onto key paths
and lines, and raises one ``ConfigError`` listing every problem in the file.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, NamedTuple

import yaml
from yaml.constructor import SafeConstructor
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

_STR_TAG = "tag:yaml.org,2002:str"
_MERGE_TAG = "tag:yaml.org,2002:merge"

# `$${` first, so an escaped reference is never read as a variable; the last branch catches a
# `${` that is not a well-formed reference (e.g. `${1X}` or a missing `}`).
ENV_REFERENCE = re.compile(r"\$\$\{|\$\{([A-Za-z_][A-Za-z0-9_]*)(?::-([^}]*))?\}|\$\{")


class Problem(NamedTuple):
    """One thing wrong with a settings file. ``key_path`` is ``""`` for the document itself."""

    key_path: str
    line: int | None
    message: str


@dataclass
class YamlDocument:
    """Plain data (dicts, lists, scalars) plus where each key path was written."""

    data: Any
    lines: dict[str, int] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)
    # Every value a ``${VAR}`` was replaced with from the environment (not a written
    # default): each is a secret in every output, wherever in the file it was used.
    secrets: frozenset[str] = frozenset()

    def line_of(self, key_path: str) -> int | None:
        """The line of ``key_path``, or of its nearest ancestor that is in the file."""
        path = key_path
        while True:
            if path in self.lines:
                return self.lines[path]
            if not path:
                return None
            path = parent_path(path)


def join_path(parent: str, key: str | int) -> str:
    """``("sources", 1)`` → ``sources[1]``; ``("sources[1]", "url")`` → ``sources[1].url``."""
    if isinstance(key, int):
        return f"{parent}[{key}]"
    return f"{parent}.{key}" if parent else key


def parent_path(key_path: str) -> str:
    """The path one level up: ``sources[1].url`` → ``sources[1]`` → ``sources`` → ``""``."""
    cut = max(key_path.rfind("."), key_path.rfind("["))
    return key_path[: max(cut, 0)]


def parse_yaml(text: str, *, environ: Mapping[str, str]) -> YamlDocument:
    """Compose one YAML document into plain data, line numbers and problems.

    A syntax error yields a document whose ``data`` is ``None`` and whose only problem carries
    the error's line. An empty document yields ``{}``.
    """
    try:
        root = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark is not None else None
        what = ", ".join(part for part in (exc.context, exc.problem) if part)
        return YamlDocument(None, problems=[Problem("", line, f"YAML syntax error: {what}")])
    except yaml.reader.ReaderError as exc:  # a control character; it knows only its offset
        line = text.count("\n", 0, exc.position) + 1
        return YamlDocument(None, problems=[Problem("", line, f"YAML error: {exc.reason}")])
    except yaml.YAMLError as exc:
        return YamlDocument(None, problems=[Problem("", None, f"YAML error: {exc}")])
    if root is None:
        return YamlDocument({}, lines={"": 1})
    builder = _Builder(environ)
    builder.lines[""] = root.start_mark.line + 1
    data = builder.build(root, "")
    return YamlDocument(data, builder.lines, builder.problems, frozenset(builder.secrets))


class _Builder:
    def __init__(self, environ: Mapping[str, str]) -> None:
        self.environ = environ
        self.lines: dict[str, int] = {}
        self.problems: list[Problem] = []
        self.secrets: set[str] = set()
        self._constructor = SafeConstructor()
        self._active: set[int] = set()  # nodes being built, to stop a recursive alias

    def build(self, node: Node, path: str) -> Any:
        if id(node) in self._active:
            self._problem(path, node, "an alias refers to a mapping or list that contains it")
            return None
        self._active.add(id(node))
        try:
            if isinstance(node, MappingNode):
                return self._mapping(node, path)
            if isinstance(node, SequenceNode):
                items = []
                for index, item in enumerate(node.value):
                    item_path = join_path(path, index)
                    self.lines[item_path] = item.start_mark.line + 1
                    items.append(self.build(item, item_path))
                return items
            assert isinstance(node, ScalarNode)
            return self._scalar(node, path)
        finally:
            self._active.discard(id(node))

    def _mapping(self, node: MappingNode, path: str) -> dict[str, Any]:
        # `<<: *defaults` first, so that explicit keys (and their lines) win over merged ones,
        # as the YAML merge-key spec says, wherever the `<<` is written.
        merged: dict[str, Any] = {}
        for key_node, value_node in node.value:
            if key_node.tag == _MERGE_TAG:
                merged.update(self._merge(value_node, path))
        result: dict[str, Any] = {}
        first_line: dict[str, int] = {}
        for key_node, value_node in node.value:
            if key_node.tag == _MERGE_TAG:
                continue
            if not isinstance(key_node, ScalarNode):
                self._problem(path, key_node, "a key must be a plain word, not a list or mapping")
                continue
            # Keys are kept as written: YAML 1.1 would turn `on:` into True and `404:` into 404.
            key = str(key_node.value)
            child = join_path(path, key)
            line = key_node.start_mark.line + 1
            if key in first_line:
                self.problems.append(
                    Problem(
                        child,
                        line,
                        f"duplicate key {key!r} (first written on line {first_line[key]});"
                        " YAML would silently keep only the last one",
                    )
                )
            else:
                first_line[key] = line
            self.lines[child] = line
            result[key] = self.build(value_node, child)
        return {**merged, **result}

    def _merge(self, value_node: Node, path: str) -> dict[str, Any]:
        sources = value_node.value if isinstance(value_node, SequenceNode) else [value_node]
        merged: dict[str, Any] = {}
        # Earlier mappings in `<<: [*a, *b]` take precedence, so apply them last.
        for source in reversed(sources):
            if isinstance(source, MappingNode):
                merged.update(self.build(source, path))
            else:
                self._problem(path, source, "`<<` can only merge mappings")
        return merged

    def _scalar(self, node: ScalarNode, path: str) -> Any:
        if node.tag == _STR_TAG:
            return self._interpolate(str(node.value), node, path)
        try:
            return self._constructor.construct_object(node, deep=True)
        except yaml.MarkedYAMLError as exc:  # an unknown `!tag`
            self._problem(path, node, f"cannot read this value: {exc.problem}")
        except ValueError as exc:  # a date like 2024-13-45
            self._problem(path, node, f"cannot read this value: {exc}")
        return None

    def _interpolate(self, text: str, node: ScalarNode, path: str) -> str:
        if "$" not in text:
            return text
        reported: set[str] = set()  # one line per variable, however often a value uses it

        def replace(match: re.Match[str]) -> str:
            token = match.group(0)
            if token == "$${":
                return "${"
            name, default = match.group(1), match.group(2)
            if name is None:
                if "${" not in reported:
                    reported.add("${")
                    self._problem(
                        path,
                        node,
                        "malformed ${...} reference: write ${NAME} or ${NAME:-default}"
                        " (and $${ for a literal ${)",
                    )
                return token
            value = self.environ.get(name)
            # Shell semantics of `:-`: the default is used when the variable is unset *or* empty.
            if default is not None and not value:
                return default
            if value is None:
                if name in reported:
                    return ""
                reported.add(name)
                self._problem(
                    path,
                    node,
                    f"environment variable {name} is not set"
                    f" (set it, or give a default: ${{{name}:-...}})",
                )
                return ""
            self.secrets.add(value)
            return value

        return ENV_REFERENCE.sub(replace, text)

    def _problem(self, path: str, node: Node, message: str) -> None:
        self.problems.append(Problem(path, node.start_mark.line + 1, message))
