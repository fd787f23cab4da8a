"""The keys a profile gives for "maybe the same person" suggestions (issue 18): pure.

Three kinds, each a strong signal when two accounts share one:
- ``site``: a profile link's host without ``www.``; on a shared host where the path names the
  user (github.com/jane, linktr.ee/jane, https://mastodon.social/@jane) the host and that
  path; link shorteners say nothing of who owns them and are skipped.
- ``email``: the domain of an email address in the bio; free mail (gmail.com, yahoo.*, …) is
  shared by millions and skipped.
- ``names``: a handle the bio or links name (``@jane``, ``@jane@mastodon.social``,
  ``jane.bsky.social``, x.com/jane, bsky.app/profile/jane, reddit.com/u/jane, …), in the
  authors table's key form (lowercase, no leading '@').

A bio is text from the internet: it is capped before any regex reads it.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections import OrderedDict

__all__ = ["BIO_CAP", "LINKS_CAP", "LINK_CAP", "ProfileKey", "profile_keys"]

# Backstops, not the real caps: the pipeline's normalize keeps 1,000 characters of a bio and
# 8 links of at most 500 characters (listener.pipeline.normalize MAX_BIO_CHARS,
# MAX_PROFILE_LINKS, MAX_LINK_CHARS), and the store cannot import the pipeline. These sit
# above them (tests/test_people_caps.py checks it), so a normalized profile is read whole,
# and only a caller bypassing the pipeline is cut here.
BIO_CAP = 2000  # characters of a bio read and stored; the rest is never parsed
LINKS_CAP = 20  # links read and stored per profile
LINK_CAP = 500  # characters of one link read
_CACHED = 4096  # profiles whose keys are kept: a digest and a few keys each

ProfileKey = tuple[str, str]  # (kind, value)

# fmt: off
_SHORTENERS = frozenset((
    "bit.ly", "t.co", "goo.gl", "tinyurl.com", "ow.ly", "buff.ly", "lnkd.in", "is.gd",
    "rebrand.ly", "t.ly", "cutt.ly", "shorturl.at", "tiny.cc", "dlvr.it", "s.id", "rb.gy",
    "bl.ink", "trib.al", "fb.me", "amzn.to", "youtu.be",
))
# Hosts whose first path segment (two for these few) names the account, not the site.
_USER_SEGMENTS = {
    **dict.fromkeys((
        "github.com", "gitlab.com", "linktr.ee", "medium.com", "youtube.com", "instagram.com",
        "facebook.com", "x.com", "twitter.com", "tiktok.com", "twitch.tv", "patreon.com",
        "ko-fi.com", "buymeacoffee.com", "threads.net", "pinterest.com", "soundcloud.com",
        "behance.net", "dribbble.com", "keybase.io", "about.me", "flickr.com", "vimeo.com",
        "codeberg.org",
    ), 1),
    **dict.fromkeys(("bsky.app", "linkedin.com", "reddit.com", "old.reddit.com"), 2),
}
_FREE_MAIL = frozenset((
    "gmail.com", "googlemail.com", "outlook.com", "hotmail.com", "live.com", "msn.com",
    "ymail.com", "aol.com", "icloud.com", "me.com", "mac.com", "proton.me", "protonmail.com",
    "pm.me", "mail.ru", "inbox.ru", "list.ru", "bk.ru", "qq.com", "163.com", "126.com",
    "zoho.com", "fastmail.com", "tutanota.com", "tuta.io", "hey.com", "web.de", "mail.com",
    "email.com", "yandex.ru", "yandex.com",
))
_FREE_MAIL_PREFIXES = ("yahoo.", "gmx.", "yandex.", "hotmail.", "outlook.", "live.")
# Path words on the networks' hosts that are pages, not accounts.
_NOT_USERS = frozenset((
    "home", "i", "intent", "search", "share", "hashtag", "explore", "settings", "login",
    "signup", "about", "help", "privacy", "tos", "terms", "watch", "channel", "c", "user",
    "u", "in", "company", "pages", "groups", "p", "r",
))
# fmt: on

_URL = re.compile(r"\bhttps?://[^\s<>\"'()]+", re.IGNORECASE)
# scheme, optional user info, host, optional port, path (query and fragment left off)
_URL_PARTS = re.compile(r"https?://(?:[^@/?#\s]*@)?([^/?#:\s]+)(?::\d*)?([^?#\s]*)", re.I)
_EMAIL = re.compile(r"(?<![@\w.+-])[\w.+-]{1,64}@((?:[a-z0-9-]{1,63}\.)+[a-z]{2,24})\b", re.I)
_FEDI = re.compile(r"(?<![\w@])@([a-z0-9_.]{1,64})@((?:[a-z0-9-]{1,63}\.)+[a-z]{2,24})\b", re.I)
_AT_HANDLE = re.compile(r"(?<![\w@./])@([a-z0-9_]{2,30})\b(?![@.]\w)", re.IGNORECASE)
_BSKY = re.compile(r"(?<![\w@.])([a-z0-9-]{1,63}\.bsky\.social)\b", re.IGNORECASE)


_cache: OrderedDict[bytes, frozenset[ProfileKey]] = OrderedDict()


def profile_keys(bio: str | None, links: tuple[str, ...] = ()) -> frozenset[ProfileKey]:
    """The site, email and names keys of a profile's bio and links. Cached: an author's
    profile is the same on each of their posts, and a batch often holds several. The cache
    is keyed by a digest of the capped profile, not the text: 4,096 bios and link lists
    held as keys would keep tens of megabytes alive for nothing."""
    capped_bio = (bio or "")[:BIO_CAP]
    capped_links = tuple(link[:LINK_CAP] for link in links[:LINKS_CAP])
    # JSON keeps the parts apart: no bio and links can read as another's.
    text = json.dumps([capped_bio, capped_links])
    digest = hashlib.blake2b(text.encode("utf-8", "surrogatepass"), digest_size=16).digest()
    found = _cache.get(digest)
    if found is not None:
        _cache.move_to_end(digest)
        return found
    found = _keys_of(capped_bio, capped_links)
    _cache[digest] = found
    if len(_cache) > _CACHED:
        _cache.popitem(last=False)
    return found


def _keys_of(bio: str, links: tuple[str, ...]) -> frozenset[ProfileKey]:
    keys: set[ProfileKey] = set()
    urls = list(links)
    # Word by word: the patterns below only ever match inside one word, and most words
    # hold no '@', '://' or '.bsky.social', so a regex runs on a few short strings only.
    for word in bio.split():
        if "://" in word:
            urls += _URL.findall(word)
        elif "@" in word:
            keys |= _at_keys(word)
        elif ".bsky.social" in word.lower():
            keys.update(("names", m.group(1).lower()) for m in _BSKY.finditer(word))
    for url in dict.fromkeys(urls):
        keys |= _url_keys(url)
    return frozenset(keys)


def _at_keys(word: str) -> set[ProfileKey]:
    """The keys of a word holding '@': a fediverse handle, an @handle or an email address."""
    fedi = _FEDI.search(word)
    if fedi:
        return {("names", f"{fedi.group(1)}@{fedi.group(2)}".lower())}
    handle = _AT_HANDLE.search(word)
    if handle:
        return {("names", handle.group(1).lower())}
    email = _EMAIL.search(word)
    if email and not _free_mail(domain := email.group(1).lower()):
        return {("email", domain)}
    return set()


def _free_mail(domain: str) -> bool:
    return domain in _FREE_MAIL or domain.startswith(_FREE_MAIL_PREFIXES)


def _url_keys(url: str) -> set[ProfileKey]:
    # A regex, not urlsplit, which cost most of the parsing; a malformed URL (hostile or broken)
    # simply gives a host without a dot, so no key.
    parts = _URL_PARTS.match(url if "://" in url else f"https://{url}")
    if parts is None:
        return set()
    host = parts.group(1).lower().rstrip(".").removeprefix("www.").removeprefix("m.")
    path = parts.group(2).rstrip(".,;:!?")
    if "." not in host or host in _SHORTENERS:
        return set()
    segments = [s for s in path.split("/") if s]
    keys: set[ProfileKey] = set()
    named = _named_handle(host, segments)
    if named:
        keys.add(("names", named))
    wanted = _USER_SEGMENTS.get(host, 0)
    if not wanted and segments and segments[0].startswith(("@", "~")):
        wanted = 1  # a fediverse or home-page host: https://instance/@jane, /~jane
    if not wanted:
        keys.add(("site", host))
    elif len(segments) >= wanted and segments[wanted - 1].lower() not in _NOT_USERS:
        user_path = "/".join(segments[:wanted]).lower()
        keys.add(("site", f"{host}/{user_path}"))
    return keys


def _named_handle(host: str, segments: list[str]) -> str | None:
    """The handle a profile URL names, in the authors' key form, or None."""
    if not segments:
        return None
    first = segments[0].lower()
    if host in ("x.com", "twitter.com", "github.com") and first not in _NOT_USERS:
        return first.removeprefix("@")
    if host == "bsky.app" and first == "profile" and len(segments) > 1:
        return segments[1].lower()
    if host in ("reddit.com", "old.reddit.com") and first in ("u", "user") and len(segments) > 1:
        return segments[1].lower()
    if first.startswith("@") and len(first) > 1 and host not in _USER_SEGMENTS:
        return f"{first[1:]}@{host}"  # https://mastodon.social/@jane is jane@mastodon.social
    return None
