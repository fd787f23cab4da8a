"""Review of the alerts settings' checks across entries: each problem names the entry and
its own line (not the line of ``alerts:``), and two digests may not share a name (the
second would never be built: its key is the first's)."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from listener.config.errors import ConfigError
from listener.config.settings import load_settings

SETTINGS = """\
brands:
  - name: acme
    query: acme
alerts:
  enabled: true
  channels:
    - {name: slack, type: console}
    - {name: slack, type: console}
  rules:
    - {type: complaint}
    - {type: complaint}
  routes:
    - {channels: [slack]}
    - {channels: [slak], rules: [complain]}
  sla: {escalate_to: [pager]}
  digests:
    - {channels: [slack]}
    - {channels: [mail]}
"""


def test_each_cross_reference_problem_is_reported_at_its_own_line(tmp_path: Path) -> None:
    path = tmp_path / "settings.yaml"
    path.write_text(textwrap.dedent(SETTINGS), encoding="utf-8")
    with pytest.raises(ConfigError) as caught:
        load_settings(path, environ={})
    found = sorted((p.line, p.key_path, p.message) for p in caught.value.problems)
    assert found == [
        (8, "alerts.channels[1]", "channel name 'slack' is used twice"),
        (11, "alerts.rules[1]", "rule name 'complaint' is used twice; give one a `name:`"),
        (
            14,
            "alerts.routes[1].channels[0]",
            "no channel is named 'slak' (channels: slack)",
        ),
        (
            14,
            "alerts.routes[1].rules[0]",
            "no rule is named 'complain' (rules: complaint)",
        ),
        (15, "alerts.sla.escalate_to[0]", "no channel is named 'pager' (channels: slack)"),
        (
            18,
            "alerts.digests[1].channels[0]",
            "no channel is named 'mail' (channels: slack)",
        ),
        (18, "alerts.digests[1].name", "digest name 'digest' is used twice"),
    ]
