"""A receiver's refusal names a charset that is no text encoding (``rot13``, ``base64``,
``zlib``: codecs Python knows, which ``bytes.decode`` refuses with LookupError): still a
``DeliveryError`` quoting its words, against a real local server."""

from __future__ import annotations

import pytest
from pytest_httpserver import HTTPServer

from alerts.channels.base import DeliveryError
from tests.channel_messages import message
from tests.test_channels_http import _send, _url_settings


@pytest.mark.parametrize("charset", ["rot13", "base64", "zlib", "no-such-charset"])
def test_a_refusal_in_a_charset_that_is_no_text_encoding_is_quoted_as_utf8(
    httpserver: HTTPServer, charset: str
) -> None:
    httpserver.expect_request("/hook").respond_with_data(
        b"invalid_payload here", status=400, content_type=f"text/plain; charset={charset}"
    )
    with pytest.raises(DeliveryError, match="HTTP 400: invalid_payload here") as raised:
        _send("webhook", _url_settings("webhook", httpserver.url_for("/hook")), message())
    assert raised.value.permanent
