import logging

import pytest

from listener.logs import KeyValueFormatter, fields


def formatted(**values: object) -> str:
    record = logging.LogRecord("listener.test", logging.WARNING, __file__, 1, "event", None, None)
    record.fields = fields(**values)["fields"]
    return KeyValueFormatter().format(record)


def test_fields_are_key_value_pairs_and_empty_ones_are_left_out() -> None:
    line = formatted(source="acme-news", retry_in_s=600, retry_after_s=None)
    assert line.endswith("listener.test: event source=acme-news retry_in_s=600")


@pytest.mark.parametrize(
    ("value", "shown"),
    [
        ("two words", '"two words"'),
        ('say "hi"', '"say \\"hi\\""'),
        ("line\nbreak", '"line\\nbreak"'),
        ("\x1b[31mred", '"\\u001b[31mred"'),  # an ANSI escape from a server's reason phrase
        ("csi\x9b2J", '"csi\\u009b2J"'),  # the one-byte C1 form of the same
        ("back\\slash", "back\\\\slash"),
    ],
)
def test_internet_text_in_fields_cannot_drive_the_terminal(value: str, shown: str) -> None:
    assert formatted(error=value).endswith(f"error={shown}")
