"""profile_keys: the site, email and names keys a profile gives for link suggestions."""

from __future__ import annotations

import pytest

from listener.store.profile_keys import BIO_CAP, profile_keys


def test_a_profile_link_gives_its_host_without_www() -> None:
    assert profile_keys(None, ("https://www.Acme-Fan.example/blog?x=1",)) == {
        ("site", "acme-fan.example")
    }


@pytest.mark.parametrize(
    ("link", "site"),
    [
        ("https://github.com/JaneD", "github.com/janed"),
        ("https://linktr.ee/jane", "linktr.ee/jane"),
        ("https://medium.com/@jane/a-post", "medium.com/@jane"),
        ("https://www.youtube.com/@janetube", "youtube.com/@janetube"),
        ("https://www.linkedin.com/in/jane-doe/", "linkedin.com/in/jane-doe"),
        ("https://bsky.app/profile/jane.bsky.social", "bsky.app/profile/jane.bsky.social"),
        ("https://fosstodon.org/@jane", "fosstodon.org/@jane"),
    ],
)
def test_a_shared_host_keys_the_user_path(link: str, site: str) -> None:
    assert ("site", site) in profile_keys(None, (link,))


@pytest.mark.parametrize(
    "link", ["https://bit.ly/3abc", "https://t.co/xyz", "https://github.com", "https://x.com/home"]
)
def test_shorteners_and_bare_shared_hosts_give_no_site(link: str) -> None:
    assert not {k for k in profile_keys(None, (link,)) if k[0] == "site"}


def test_an_email_in_the_bio_gives_its_domain_but_free_mail_does_not() -> None:
    keys = profile_keys("write to jane@Acme-Fan.example, or jd@gmail.com, j@yahoo.co.uk")
    assert keys == {("email", "acme-fan.example")}


@pytest.mark.parametrize(
    ("bio", "named"),
    [
        ("me elsewhere: @jane@mastodon.social", "jane@mastodon.social"),
        ("also @Jane_Doe on the bird", "jane_doe"),
        ("find me at jane.bsky.social", "jane.bsky.social"),
        ("https://x.com/JaneDoe", "janedoe"),
        ("https://twitter.com/janedoe/status/1", "janedoe"),
        ("https://bsky.app/profile/jane.bsky.social", "jane.bsky.social"),
        ("https://mastodon.social/@jane", "jane@mastodon.social"),
        ("https://www.reddit.com/u/janer", "janer"),
        ("https://old.reddit.com/user/janer/", "janer"),
    ],
)
def test_a_bio_naming_a_handle_gives_it_in_key_form(bio: str, named: str) -> None:
    assert ("names", named) in profile_keys(bio)


def test_an_email_address_names_no_handle() -> None:
    assert not {k for k in profile_keys("jane@acme.example") if k[0] == "names"}


def test_a_hostile_bio_is_capped_before_parsing() -> None:
    hostile = "a" * BIO_CAP + " jane@acme.example @jane https://acme.example"
    assert profile_keys(hostile) == set()
    assert (
        profile_keys("@" * 100_000 + "\x00<script>", ("javascript:alert(1)", "http://[::")) == set()
    )


def test_handles_and_emails_are_found_beside_punctuation() -> None:
    keys = profile_keys("(@jane_x), mail:jane@acme.example; see https://acme.example/a.")
    assert keys == {("names", "jane_x"), ("email", "acme.example"), ("site", "acme.example")}
