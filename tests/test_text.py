import pytest
from hypothesis import given
from hypothesis import strategies as st

from listener.text import canonical_url, cap, content_hash, html_to_text


@pytest.mark.parametrize(
    ("markup", "expected"),
    [
        ("<p>one</p><p>two</p>", "one two"),
        ("AT&amp;T &lt;b&gt; stays literal", "AT&T <b> stays literal"),
        ("<b>Slack</b> outage&nbsp;...", "Slack outage ..."),
        ("<script>alert(1)</script>visible<style>p{}</style>", "visible"),
        ("line<br>break", "line break"),
        ("  spaced \n\t out  ", "spaced out"),
        ("e\u0301cole", "\u00e9cole"),  # decomposed accents are composed (NFC)
        ("bell\x07 and \x1b[31mred", "bell and [31mred"),  # control characters removed
        ("<p>unclosed <i>tags", "unclosed tags"),
        ("", ""),
    ],
)
def test_html_to_text(markup: str, expected: str) -> None:
    assert html_to_text(markup) == expected


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        (
            "HTTPS://Example.COM:443/a/b?utm_source=x&id=7&fbclid=abc#frag",
            "https://example.com/a/b?id=7",
        ),
        ("http://example.com:8080", "http://example.com:8080/"),
        ("https://example.com/p?b=2&a=1&gclid=z", "https://example.com/p?b=2&a=1"),
        (None, None),
    ],
)
def test_canonical_url_drops_tracking_and_noise(url: str | None, expected: str | None) -> None:
    assert canonical_url(url) == expected


def test_canonical_url_leaves_unparseable_urls_alone() -> None:
    assert canonical_url("http://[::1") == "http://[::1"


def test_cap_cuts_at_a_word_boundary_and_marks_the_cut() -> None:
    text = "word " * 100
    capped = cap(text, 52)
    assert len(capped) <= 53 and capped.endswith("word…")
    assert cap("short", 52) == "short"


def test_content_hash_ignores_case_and_spacing_but_not_words() -> None:
    assert content_hash("Title", "Hello  World") == content_hash("title", "hello world")
    assert content_hash("Title", "Hello World") != content_hash("Title", "Hello Word")


# Plain text skips the HTML parser; an empty element in front forces the parser's path, which
# adds nothing to the text, so both must read the same.
@given(st.text(alphabet=st.characters(blacklist_characters="<&"), max_size=200))
def test_plain_text_reads_as_the_parser_would_read_it(text: str) -> None:
    assert html_to_text(text) == html_to_text("<span></span>" + text)


# Printable text takes a shorter path (only runs of spaces to collapse); the same text
# with a newline in front takes the full one, which reads the newline as a space.
@given(st.text(alphabet=st.characters(blacklist_characters="<&"), max_size=200))
def test_printable_text_reads_as_the_full_path_reads_it(text: str) -> None:
    assert html_to_text(text) == html_to_text("\n" + text)
