"""Names in the alerts settings that must exist elsewhere in the file: brands, sources."""

from __future__ import annotations

from pathlib import Path

import pytest

from listener.config.errors import ConfigError
from listener.config.settings import load_settings

SETTINGS = """\
brands:
  - {name: Acme, query: acme}
sources:
  - {name: forum, type: rss, interval: 10m, url: "http://x.example/feed"}
alerts:
  enabled: true
  channels:
    - {name: c, type: console}
  rules:
    - type: spike
      brands: [Acme, Acm]
    - type: silent_source
      sources: [forun]
  routes:
    - {channels: [c], brands: [Acne]}
"""


def test_an_unknown_brand_or_source_is_reported_at_its_own_line(tmp_path: Path) -> None:
    path = tmp_path / "settings.yaml"
    path.write_text(SETTINGS, encoding="utf-8")
    with pytest.raises(ConfigError) as caught:
        load_settings(path, environ={})
    lines = str(caught.value).splitlines()
    assert any(
        ":11: alerts.rules[0].brands[1]: no brand is named 'Acm' (brands: Acme)" in line
        for line in lines
    ), lines
    assert any(
        ":13: alerts.rules[1].sources[0]: no source is named 'forun' (sources: forum)" in line
        for line in lines
    ), lines
    assert any(":15: alerts.routes[0].brands[0]: no brand is named 'Acne'" in ln for ln in lines)
