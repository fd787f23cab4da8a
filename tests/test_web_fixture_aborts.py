"""The browser fixture forgives only requests a navigation cancelled, never a failed one."""

from __future__ import annotations

from tests.web_fixtures import without_aborts


def test_an_aborted_request_is_forgiven_in_either_order() -> None:
    assert without_aborts(["htmx:afterRequest, div", "htmx:sendAbort, div"]) == []
    assert without_aborts(["htmx:sendAbort, div", "htmx:afterRequest, div"]) == []


def test_a_failed_request_without_an_abort_stays() -> None:
    failed = ["htmx:sendAbort, div", "htmx:afterRequest, div", "htmx:afterRequest, form"]
    assert without_aborts(failed) == ["htmx:afterRequest, form"]
    assert without_aborts(["Uncaught TypeError: x"]) == ["Uncaught TypeError: x"]
