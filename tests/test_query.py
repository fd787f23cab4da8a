"""The brand query language: parsing, errors, streaming matches and the FTS5 translation.

The FTS5 tests run real SQLite with the store's tokenizer and check that search returns the
same rows the streaming matcher accepts.
"""

from __future__ import annotations

import pickle
import re
import sqlite3
import unicodedata
from collections.abc import Iterator, Sequence
from typing import Any

import pytest

from listener.query import (
    And,
    Field,
    FieldFilter,
    FtsQuery,
    Handle,
    Hashtag,
    Node,
    Not,
    Or,
    Phrase,
    QueryError,
    Term,
    compile_query,
    extract_handles,
    extract_hashtags,
    format_query,
    normalize,
    parse,
    prepare,
    to_fts5,
    tokenize,
)

FTS_TOKENIZE = "unicode61 remove_diacritics 2 categories 'L* N* Co M* Pc'"

# ---------------------------------------------------------------- normalisation and tokens


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Café", "cafe"),
        ("cafe\u0301", "cafe"),  # decomposed accent
        ("ÀÉÎÕÜ Ñ", "aeiou n"),
        ("ＡＣＭＥ", "acme"),  # full-width, via NFKC
        ("ﬁsh", "fish"),  # ligature, via NFKC
        ("Straße", "strasse"),  # full casefold, not lower()
        ("İstanbul", "istanbul"),  # the dot above is a stripped combining mark
        # Indic vowel signs and viramas are combining marks but part of the word.
        ("नमस्ते", "नमस्ते"),
        ("ধন্যবাদ", "ধন্যবাদ"),
        ("ధన్యవాదాలు", "ధన్యవాదాలు"),
    ],
)
def test_normalize(text: str, expected: str) -> None:
    assert normalize(text) == expected


def _reference_normalize(text: str) -> str:
    # The specification, step by step, without normalize()'s shortcuts.
    text = unicodedata.normalize("NFKC", text).casefold()
    decomposed = unicodedata.normalize("NFD", text)
    kept = "".join(
        ch
        for ch in decomposed
        if not any(
            lo <= ord(ch) <= hi
            for lo, hi in [
                (0x0300, 0x036F),
                (0x1AB0, 0x1AFF),
                (0x1DC0, 0x1DFF),
                (0x20D0, 0x20FF),
                (0xFE20, 0xFE2F),
            ]
        )
    )
    return unicodedata.normalize("NFC", kept)


@pytest.mark.parametrize(
    "text",
    [
        "İstanbul ǰ ΐ ≠ x⃗",  # casefold or NFD yields a stripped mark
        "কো",  # Bengali o-kar typed in two parts: NFC composes it, nothing stripped
        "য়क़ য় क़",  # composition exclusions
        "가 한국",  # Hangul jamo compose under NFKC
        "Ελληνικά ΣΊΣΥΦΟΣ",
        "Ｃａｆé ﬁ ² ㈱",
        "नमस्ते 😀 ధన్యవాదాలు",
    ],
)
def test_normalize_shortcuts_equal_the_specified_steps(text: str) -> None:
    assert normalize(text) == _reference_normalize(text)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Don't panic!", ["don", "t", "panic"]),
        ("Acme's @acme #acme", ["acme", "s", "acme", "acme"]),
        ("snake_case x2", ["snake_case", "x2"]),
        # Python's re \w would cut these at every vowel sign: ['नमस', 'त', 'द', …].
        ("नमस्ते दोस्तों", ["नमस्ते", "दोस्तों"]),
        ("আমার ফোন কাজ করছে না", ["আমার", "ফোন", "কাজ", "করছে", "না"]),
        ("ధన్యవాదాలు మీ సేవకు", ["ధన్యవాదాలు", "మీ", "సేవకు"]),
        # Characters beyond the BMP take another code path; the result must not change.
        ("नमस्ते 😀 दोस्तों", ["नमस्ते", "दोस्तों"]),
        ("𝐀𝐂𝐌𝐄 rocks 𠀀𠀁", ["acme", "rocks", "𠀀𠀁"]),
    ],
)
def test_tokenize_keeps_words_whole(text: str, expected: list[str]) -> None:
    assert tokenize(text) == expected


def test_extract_handles_in_order_deduplicated() -> None:
    text = (
        "Hi @Acme, thanks! cc @bob.bsky.social. Mail bob@acme.com or "
        "@Acme@Mastodon.Social — again @acme"
    )
    assert extract_handles(text) == ["acme", "bob.bsky.social", "acme@mastodon.social"]


def test_extract_hashtags_skips_csharp_and_entities() -> None:
    text = "#Acme rocks, #acme again, C# is not a tag, nor &#39; #café_au_lait #ফোন"
    assert extract_hashtags(text) == ["acme", "cafe_au_lait", "ফোন"]


# ---------------------------------------------------------------- parsing

PARSE_CASES: list[tuple[str, Node]] = [
    ("acme", Term("acme", column=1)),
    ("Acme*", Term("acme", prefix=True, column=1)),
    ('"Acme  Anvil"', Phrase(("acme", "anvil"), column=1)),
    ('"say \\"hi\\""', Phrase(("say", "hi"), column=1)),
    ("wi-fi", Phrase(("wi", "fi"), column=1)),
    ("don't", Phrase(("don", "t"), column=1)),
    ("@Acme.", Handle("acme", column=1)),
    ("@acme@mastodon.social", Handle("acme@mastodon.social", column=1)),
    ("#Café", Hashtag("cafe", column=1)),
    ("lang:pt_BR", Field("lang", "pt-br", column=1)),
    ('source:"Acme News"', Field("source", "acme news", column=1)),
    ("a b", And((Term("a", column=1), Term("b", column=3)))),
    ("a AND b", And((Term("a", column=1), Term("b", column=7)))),
    ("a or b", And((Term("a", column=1), Term("or", column=3), Term("b", column=6)))),
    # AND (implicit or not) binds tighter than OR.
    (
        "a b OR c",
        Or((And((Term("a", column=1), Term("b", column=3))), Term("c", column=8))),
    ),
    (
        "a OR b AND c",
        Or((Term("a", column=1), And((Term("b", column=6), Term("c", column=12))))),
    ),
    # NOT binds tighter than AND.
    ("NOT a b", And((Not(Term("a", column=5), column=1), Term("b", column=7)))),
    ("-a b", And((Not(Term("a", column=2), column=1), Term("b", column=4)))),
    (
        "-(a OR b) c",
        And((Not(Or((Term("a", column=3), Term("b", column=8))), column=1), Term("c", column=11))),
    ),
    (
        "(a OR b) (c OR d)",
        And(
            (
                Or((Term("a", column=2), Term("b", column=7))),
                Or((Term("c", column=11), Term("d", column=16))),
            )
        ),
    ),
    ("((a))", Term("a", column=3)),
    ("a (b c)", And((Term("a", column=1), Term("b", column=4), Term("c", column=6)))),
    ("NOT NOT a", Not(Not(Term("a", column=9), column=5), column=1)),
    ("-spam", Not(Term("spam", column=2), column=1)),
]


@pytest.mark.parametrize(("query", "expected"), PARSE_CASES, ids=[c[0] for c in PARSE_CASES])
def test_parse(query: str, expected: Node) -> None:
    assert parse(query) == expected


@pytest.mark.parametrize(("query", "_"), PARSE_CASES, ids=[c[0] for c in PARSE_CASES])
def test_format_query_round_trips(query: str, _: Node) -> None:
    node = parse(query)
    assert _without_columns(parse(format_query(node))) == _without_columns(node)


def _without_columns(node: Node) -> Node:
    if isinstance(node, And | Or):
        return type(node)(tuple(_without_columns(c) for c in node.children))
    if isinstance(node, Not):
        return Not(_without_columns(node.child))
    if isinstance(node, Term):
        return Term(node.word, node.prefix)
    if isinstance(node, Phrase):
        return Phrase(node.words)
    if isinstance(node, Handle):
        return Handle(node.name)
    if isinstance(node, Hashtag):
        return Hashtag(node.tag)
    return Field(node.name, node.value)


ERROR_CASES = [
    # (query, column, words the message must contain)
    ("acme (anvil", 6, "unbalanced parenthesis: '(' at column 6 is never closed"),
    ("(a (b) c", 1, "'(' at column 1 is never closed"),
    ("acme)", 5, "unbalanced parenthesis: ')' at column 5 has no matching '('"),
    ("(a) b) c", 6, "')' at column 6 has no matching '('"),
    (") acme", 1, "')' at column 1 has no matching '('"),
    ('acme "anvil', 6, "unterminated quote: '\"' at column 6 is never closed"),
    ('"a \\" b', 1, "unterminated quote"),
    ("", 1, "empty query"),
    ("   ", 1, "empty query"),
    ("acme OR", 6, "'OR' at column 6 needs something after it"),
    ("AND acme", 1, "'AND' at column 1 needs something before it"),
    ("OR acme", 1, "'OR' at column 1 needs something before it"),
    ("a AND OR b", 3, "'AND' at column 3 needs something after it"),
    ("(a OR) b", 4, "'OR' at column 4 needs something after it"),
    ("acme NOT", 6, "'NOT' at column 6 needs something after it"),
    ("acme -", 6, "'-' at column 6 needs something right after it"),
    ("a - b", 3, "'-' at column 3"),
    ("acme ()", 6, "empty parentheses at column 6"),
    ('acme ""', 6, "empty phrase at column 6"),
    ('"!?"', 1, "empty phrase"),
    ("acme colour:red", 6, "unknown field 'colour:'"),
    ("http://acme.com", 1, 'put it in quotes: "http://acme.com"'),
    ("lang: acme", 1, "field 'lang:' at column 1 has no value"),
    ('source:""', 1, "field 'source:' at column 1 has no value"),
    ("acme !!!", 6, "'!!!' at column 6 has no letters or digits"),
    ("*", 1, "has no letters or digits to search for (a prefix looks like acm*)"),
    ("ac*me", 3, "'*' at column 3 is only allowed at the end of a word"),
    ("wi-f*", 1, "a prefix search needs a single word"),
    ("@", 1, "'@' at column 1 is not a handle"),
    ("x @acme!", 3, "'@acme!' at column 3 is not a handle"),
    ("#acme-love", 1, "is not a hashtag"),
]


@pytest.mark.parametrize(("query", "column", "message"), ERROR_CASES)
def test_parse_errors_point_at_the_cause(query: str, column: int, message: str) -> None:
    with pytest.raises(QueryError) as caught:
        parse(query)
    err = caught.value
    assert isinstance(err, ValueError)
    assert err.query == query
    assert err.column == column
    assert message in err.message


def test_error_text_shows_the_query_and_a_caret() -> None:
    with pytest.raises(QueryError) as caught:
        compile_query("acme (anvil")
    assert str(caught.value).splitlines() == [
        "unbalanced parenthesis: '(' at column 6 is never closed",
        "  acme (anvil",
        "       ^",
    ]


def test_caret_accounts_for_combining_marks() -> None:
    # "नमस्ते " has 7 code points but two are vowel sign/virama drawn on the previous cell.
    with pytest.raises(QueryError) as caught:
        parse("नमस्ते (सेवा")
    assert caught.value.column == 8
    assert str(caught.value).splitlines()[2] == "  " + " " * 5 + "^"


def test_query_error_survives_pickling() -> None:
    with pytest.raises(QueryError) as caught:
        parse("a OR")
    copy = pickle.loads(pickle.dumps(caught.value))
    assert (copy.query, copy.column) == ("a OR", 3)
    assert copy.message == "'OR' at column 3 needs something after it"
    assert str(copy) == str(caught.value)


def test_only_negations_is_a_valid_query() -> None:
    assert parse("-spam NOT junk") == And(
        (Not(Term("spam", column=2), column=1), Not(Term("junk", column=11), column=7))
    )


# ---------------------------------------------------------------- streaming matches

BENGALI_BROKEN = "আমার ফোন কাজ করছে না"  # "my phone is not working"
BENGALI_LONGER = "ফোনটা আবার বন্ধ হয়ে গেছে"  # "the phone switched off again": ফোনটা ≠ ফোন
HINDI_SERVICE = "नमस्ते दोस्तों, सेवा बहुत अच्छी थी"  # "… the service was very good"
HINDI_SERVICES = "सेवाएं बंद हैं"  # "services are down": सेवाएं ≠ सेवा
TELUGU_SERVICE = "సేవ బాగుంది"  # "the service is good"
TELUGU_FOR_SERVICE = "ధన్యవాదాలు మీ సేవకు"  # "thanks for your service": సేవకు ≠ సేవ

MATCH_CASES: list[tuple[str, str, tuple[str, ...] | None]] = [
    # (query, text, expected report or None for no match)
    ("acme", "I love ACME products", ("acme",)),
    ("acme", "Acme's anvil", ("acme",)),
    ("acme", "thanks @acme", ("acme",)),
    ("acme", "#acme forever", ("acme",)),
    ("acme", "acmeville is nice", None),
    ("acme", "the acmes", None),
    ("or", "this or that", ("or",)),
    # diacritics and case, both directions
    ("cafe", "Best Café in town", ("cafe",)),
    ("Café", "best cafe in town", ("Café",)),
    ("CAFÉ", "cafe\u0301 au lait", ("CAFÉ",)),
    ("strasse", "Hauptstraße 5 is a Straße", ("strasse",)),
    # phrases
    ('"acme anvil"', "the Acme Anvil broke", ('"acme anvil"',)),
    ('"acme anvil"', "acme's new anvil", None),
    ('"acme anvil"', "anvil acme", None),
    ('"don\'t buy"', "I DON'T buy it", ('"don\'t buy"',)),
    ("wi-fi", "the Wi-Fi is down", ("wi-fi",)),
    ("wi-fi", "wi fi is down", ("wi-fi",)),
    ("wi-fi", "wifi is down", None),
    # prefix
    ("acm*", "ACMEVILLE news", ("acm*",)),
    ("acm*", "the acne problem", None),
    ("acme*", "acme", ("acme*",)),
    # boolean structure and precedence
    ("acme anvil", "anvil by acme", ("acme", "anvil")),
    ("acme anvil", "acme only", None),
    ("acme AND anvil", "acme anvil", ("acme", "anvil")),
    ("acme OR anvil", "just an anvil", ("anvil",)),
    ("acme -spam", "acme is great", ("acme",)),
    ("acme -spam", "acme spam spam", None),
    ("acme NOT spam", "ACME SPAM", None),
    ("acme NOT (spam OR junk)", "acme junk", None),
    ("acme NOT (spam OR junk)", "acme gem", ("acme",)),
    ("a b OR c", "c", ("c",)),  # (a AND b) OR c
    ("a b OR c", "a", None),
    ("a OR b c", "a", ("a",)),  # a OR (b AND c)
    ("NOT a b", "b", ("b",)),  # (NOT a) AND b
    ("NOT a b", "a b", None),
    ("-(a b) c", "a c", ("c",)),
    ("-(a b) c", "a b c", None),
    ("-spam", "anything else", ()),
    ("-spam", "spam", None),
    ("NOT NOT acme", "acme", ()),
    # handles, hashtags and plain terms are different things
    ("@acme", "thanks @ACME!", ("@acme",)),
    ("@acme", "thanks @acme.", ("@acme",)),
    ("@acme", "ping @acme@mastodon.social", ("@acme",)),
    ("@acme@mastodon.social", "ping @Acme@Mastodon.social", ("@acme@mastodon.social",)),
    ("@acme", "acme is here", None),
    ("@acme", "#acme is here", None),
    ("@acme", "mail support@acme.com", None),
    ("@acme", "@acmecorp", None),
    ("@acme", "@acme.bsky.social", None),
    ("@acme.bsky.social", "hi @acme.bsky.social.", ("@acme.bsky.social",)),
    ("#acme", "#Acme rocks", ("#acme",)),
    ("#acme", "@acme rocks", None),
    ("#acme", "acme rocks", None),
    ("#acme", "#acmelove", None),
    # Bengali, Devanagari, Telugu: whole words with their vowel signs, never substrings
    ("ফোন", BENGALI_BROKEN, ("ফোন",)),
    ("ফোন", BENGALI_LONGER, None),
    ("ফোন*", BENGALI_LONGER, ("ফোন*",)),
    ('"ফোন কাজ"', BENGALI_BROKEN, ('"ফোন কাজ"',)),
    ("#ফোন", "নতুন #ফোন এসেছে", ("#ফোন",)),
    ("सेवा", HINDI_SERVICE, ("सेवा",)),
    ("सेवा", HINDI_SERVICES, None),
    ("सेवा*", HINDI_SERVICES, ("सेवा*",)),
    ("नमस्ते", HINDI_SERVICE, ("नमस्ते",)),
    ("नमसत", HINDI_SERVICE, None),  # the word with its virama and matra removed
    ("सेवा -बंद", HINDI_SERVICE, ("सेवा",)),
    ("సేవ", TELUGU_SERVICE, ("సేవ",)),
    ("సేవ", TELUGU_FOR_SERVICE, None),
    ("ధన్యవాదాలు", TELUGU_FOR_SERVICE, ("ధన్యవాదాలు",)),
    # reporting: as written, once each, in query order, only from branches that hold
    ('acme OR "acme anvil" OR @acme', "@acme: the acme anvil", ("acme", '"acme anvil"', "@acme")),
    ("anvil OR acme", "acme anvil", ("anvil", "acme")),
    ("acme acme", "acme", ("acme",)),
    ("Café OR cafe", "CAFÉ", ("Café", "cafe")),
    ("(acme anvil) OR road", "acme road", ("road",)),
    ("(acme -anvil) OR road", "acme anvil road", ("road",)),
]


@pytest.mark.parametrize(("query", "text", "expected"), MATCH_CASES)
def test_match(query: str, text: str, expected: tuple[str, ...] | None) -> None:
    assert compile_query(query).match(prepare(text)) == expected


FIELD_CASES: list[tuple[str, dict[str, str | None], bool]] = [
    ("acme lang:pt", {"language": "pt"}, True),
    ("acme lang:pt", {"language": "pt-BR"}, True),
    ("acme lang:pt", {"language": "pt_br"}, True),
    ("acme lang:PT", {"language": "pt"}, True),
    ("acme lang:pt", {"language": "es"}, False),
    ("acme lang:pt", {"language": "ptx"}, False),
    ("acme lang:pt", {"language": None}, False),
    ("acme -lang:pt", {"language": None}, True),
    ("acme lang:pt-br", {"language": "pt"}, False),
    ("acme lang:pt-br", {"language": "pt-BR"}, True),
    ("acme (lang:en OR lang:pt)", {"language": "en-GB"}, True),
    ("acme source:reddit", {"source": "Reddit", "source_type": "reddit"}, True),
    ("acme source:reddit", {"source": "r/acme", "source_type": "reddit"}, True),
    ("acme source:reddit", {"source": "reddit-mirror", "source_type": "rss"}, False),
    ('acme source:"Acme News"', {"source": "acme news", "source_type": "rss"}, True),
    ("acme source:rss", {}, False),
    ("acme -source:rss", {"source": "hn", "source_type": "rss"}, False),
]


@pytest.mark.parametrize(("query", "meta", "matches"), FIELD_CASES)
def test_field_filters(query: str, meta: dict[str, Any], matches: bool) -> None:
    result = compile_query(query).match(prepare("ACME news", **meta))
    assert (result is not None) is matches
    if matches:
        assert result == ("acme",)  # filters are conditions, never reported as matched terms


def test_only_filters_match_with_empty_report() -> None:
    assert compile_query("lang:en").match(prepare("anything", language="en")) == ()


def test_one_prepared_text_serves_many_queries() -> None:
    doc = prepare("Thanks @acme, the #anvil from Acme Corp arrived", language="en")
    results = {
        q: compile_query(q).match(doc) for q in ("acme", "@acme", "#anvil", "globex", "anvil")
    }
    assert results == {
        "acme": ("acme",),
        "@acme": ("@acme",),
        "#anvil": ("#anvil",),
        "globex": None,
        "anvil": ("anvil",),
    }


def test_matcher_from_a_tree_reports_canonical_leaves() -> None:
    matcher = compile_query(parse('Café OR "Acme  Anvil"'))
    assert matcher.query == 'cafe OR "acme anvil"'
    assert matcher.match(prepare("café acme anvil")) == ("cafe", '"acme anvil"')
    assert compile_query("Café").query == "Café"


def test_compile_query_propagates_parse_errors() -> None:
    with pytest.raises(QueryError):
        compile_query("acme OR")


# ---------------------------------------------------------------- FTS5 translation


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("acme", FtsQuery('{title body} : "acme"', None, ())),
        ("Acm*", FtsQuery('{title body} : "acm" *', None, ())),
        ('"Acme Anvil"', FtsQuery('{title body} : "acme anvil"', None, ())),
        ("@Acme.bsky.social", FtsQuery('handles : "acme bsky social"', None, ())),
        ("#Café", FtsQuery('hashtags : "cafe"', None, ())),
        ("a b", FtsQuery('({title body} : "a" AND {title body} : "b")', None, ())),
        (
            "a OR b c",
            FtsQuery(
                '({title body} : "a" OR ({title body} : "b" AND {title body} : "c"))', None, ()
            ),
        ),
        (
            "a -b NOT c",
            FtsQuery(
                '({title body} : "a" NOT {title body} : "b" NOT {title body} : "c")', None, ()
            ),
        ),
        ("a --b", FtsQuery('({title body} : "a" AND {title body} : "b")', None, ())),
        ("-spam", FtsQuery(None, '{title body} : "spam"', ())),
        (
            "-spam -junk",
            FtsQuery(None, '({title body} : "spam" OR {title body} : "junk")', ()),
        ),
        (
            "lang:en NOT spam",
            FtsQuery(None, '{title body} : "spam"', (FieldFilter("lang", ("en",)),)),
        ),
        (
            'acme (lang:en OR lang:PT) source:"Acme News"',
            FtsQuery(
                '{title body} : "acme"',
                None,
                (FieldFilter("lang", ("en", "pt")), FieldFilter("source", ("acme news",))),
            ),
        ),
        ("lang:en", FtsQuery(None, None, (FieldFilter("lang", ("en",)),))),
    ],
)
def test_to_fts5(query: str, expected: FtsQuery) -> None:
    assert to_fts5(query) == expected


@pytest.mark.parametrize(
    ("query", "column", "message"),
    [
        ("acme OR lang:en", 9, "field filters combine with AND in search"),
        ("(acme lang:en) OR road", 7, "field filters combine with AND in search"),
        ("lang:en OR source:x", 12, "'lang:en OR source:x' mixes two fields"),
        ("acme -lang:en", 7, "cannot be excluded in search"),
        ("acme NOT (lang:en OR lang:fr)", 11, "cannot be excluded in search"),
        ("a OR NOT b", 6, "NOT at column 6 cannot be searched: it is an alternative of OR"),
        ("a OR -b", 6, "it is an alternative of OR"),
        ("x (a OR (-b -c))", 10, "its group has nothing required"),
        ("-(a OR -b)", 8, "it is an alternative of OR"),
    ],
)
def test_to_fts5_rejects_what_search_cannot_express(query: str, column: int, message: str) -> None:
    parse(query)  # valid for the streaming matcher
    with pytest.raises(QueryError) as caught:
        to_fts5(query)
    assert caught.value.column == column
    assert message in caught.value.message
    assert caught.value.query == query


# ---------------------------------------------------------------- FTS5 against real SQLite


# (id, title, body, lang, source name, source type)
Row = tuple[int, str, str, str | None, str, str]


def _fts_db(rows: Sequence[Row], *, normalized: bool) -> sqlite3.Connection:
    db = sqlite3.connect(":memory:")
    db.execute("CREATE TABLE docs (id INTEGER PRIMARY KEY, lang TEXT, source TEXT, kind TEXT)")
    db.execute(
        "CREATE VIRTUAL TABLE docs_fts USING fts5(title, body, author, handles, hashtags, "
        f'tokenize="{FTS_TOKENIZE}")'
    )
    for rid, title, body, lang, source, source_type in rows:
        text = f"{title}\n{body}"
        if normalized:
            title, body = normalize(title), normalize(body)
        db.execute("INSERT INTO docs VALUES (?, ?, ?, ?)", (rid, lang, source, source_type))
        db.execute(
            "INSERT INTO docs_fts (rowid, title, body, author, handles, hashtags) "
            "VALUES (?, ?, ?, '', ?, ?)",
            (rid, title, body, " ".join(extract_handles(text)), " ".join(extract_hashtags(text))),
        )
    return db


def _search(db: sqlite3.Connection, fts: FtsQuery) -> set[int]:
    """Run an FtsQuery the way the store is meant to: MATCH, minus exclude, plus filters."""
    where = ["1"]
    params: list[str] = []
    if fts.match is not None:
        where.append("id IN (SELECT rowid FROM docs_fts WHERE docs_fts MATCH ?)")
        params.append(fts.match)
    if fts.exclude is not None:
        where.append("id NOT IN (SELECT rowid FROM docs_fts WHERE docs_fts MATCH ?)")
        params.append(fts.exclude)
    for f in fts.filters:
        alternatives = []
        for value in f.values:
            if f.name == "lang":
                alternatives.append(
                    "(lower(replace(lang, '_', '-')) = ? OR lower(replace(lang, '_', '-')) LIKE ?)"
                )
                params += [value, value + "-%"]
            else:
                alternatives.append("(lower(source) = ? OR lower(kind) = ?)")
                params += [value, value]
        where.append("(" + " OR ".join(alternatives) + ")")
    sql = "SELECT id FROM docs WHERE " + " AND ".join(where)
    return {rid for (rid,) in db.execute(sql, params)}


def _stream(rows: Sequence[Row], query: str) -> set[int]:
    matcher = compile_query(query)
    return {
        rid
        for rid, title, body, lang, source, source_type in rows
        if matcher.match(
            prepare(f"{title}\n{body}", language=lang, source=source, source_type=source_type)
        )
        is not None
    }


CORPUS: list[Row] = [
    (1, "Acme anvil broke again", "Third time this month.", "en", "r/tools", "reddit"),
    (2, "", "Café Acme opens downtown", "fr", "Le Blog", "rss"),
    (3, "", "cafe review: the coffee at acme is great", "en-GB", "Yelp", "yelp"),
    (4, "", "Thanks @acme for the fast reply #AcmeLove", "en", "mastodon", "mastodon"),
    (5, "", "spam spam buy acme now", "en", "r/deals", "reddit"),
    (6, "", "ÀCMÉ ANVIL SALE", "es", "Ofertas", "rss"),
    (7, "", BENGALI_BROKEN, "bn", "Facebook", "facebook"),
    (8, "", BENGALI_LONGER, "bn", "Facebook", "facebook"),
    (9, "", HINDI_SERVICE, "hi", "Google", "rss"),
    (10, "", HINDI_SERVICES, "hi", "Google", "rss"),
    (11, "", TELUGU_SERVICE, "te", "Play", "reviews"),
    (12, "", TELUGU_FOR_SERVICE, "te", "Play", "reviews"),
    (13, "", "The Wi-Fi keeps dropping; wifi support is slow", "en", "HN", "rss"),
    (14, "", "ping @acme.corp about the acmeville store", None, "HN", "rss"),
    (15, "NEAR(a b) notes", "title: x * ^ {title} don't", None, "HN", "rss"),
]
ACME_ROWS = {1, 2, 3, 4, 5, 6, 14}
ALL_ROWS = {row[0] for row in CORPUS}

AGREEMENT_CASES: list[tuple[str, set[int]]] = [
    ("acme", ACME_ROWS),
    ("ACME", ACME_ROWS),
    ("cafe", {2, 3}),
    ("CAFÉ", {2, 3}),
    ('"acme anvil"', {1, 6}),
    ('"anvil acme"', set()),
    ("acme -spam", ACME_ROWS - {5}),
    ("acme NOT (spam OR anvil)", {2, 3, 4, 14}),
    ("-acme", ALL_ROWS - ACME_ROWS),
    ("-acme -wifi -ফোন*", ALL_ROWS - ACME_ROWS - {13, 7, 8}),
    ("acmev*", {14}),
    ("acmel*", {4}),
    ("@acme.corp", {14}),
    ("#acmelove", {4}),
    ("#acme", set()),
    ("acme OR cafe anvil", ACME_ROWS),
    ("(acme OR cafe) anvil", {1, 6}),
    ("ফোন", {7}),
    ("ফোন*", {7, 8}),
    ('"ফোন কাজ"', {7}),
    ("সেবা OR ফোন", {7}),
    ("सेवा", {9}),
    ("सेवा*", {9, 10}),
    ("नमस्ते", {9}),
    ("नमसत", set()),
    ("సేవ", {11}),
    ("సేవ*", {11, 12}),
    ("ధన్యవాదాలు", {12}),
    ("wi-fi", {13}),
    ("wifi", {13}),
    ("don't", {15}),
    ("NEAR", {15}),
    ("title", {15}),
    ("acme lang:en", {1, 3, 4, 5}),
    ("acme (lang:en OR lang:fr)", {1, 2, 3, 4, 5}),
    ("source:reddit -spam", {1}),
    ("source:RSS acme", {2, 6, 14}),
    ("lang:bn NOT বন্ধ", {7}),
    ("(acme OR cafe) -spam source:rss", {2, 6, 14}),
    ("lang:hi", {9, 10}),
    ("acmev* OR ফোন* OR సేవ*", {7, 8, 11, 12, 14}),
    ("acm* -spam -acmel*", ACME_ROWS - {4, 5}),
    ("-acm*", ALL_ROWS - ACME_ROWS),
]


@pytest.fixture(scope="module")
def corpus_db() -> Iterator[sqlite3.Connection]:
    db = _fts_db(CORPUS, normalized=False)
    yield db
    db.close()


@pytest.mark.parametrize(("query", "expected"), AGREEMENT_CASES)
def test_search_and_stream_agree(
    corpus_db: sqlite3.Connection, query: str, expected: set[int]
) -> None:
    assert _stream(CORPUS, query) == expected
    assert _search(corpus_db, to_fts5(query)) == expected


def test_search_handle_is_looser_than_stream(corpus_db: sqlite3.Connection) -> None:
    # Documented limit: FTS5 cannot see where "acme.corp" ends, the matcher can.
    assert _stream(CORPUS, "@acme") == {4}
    assert _search(corpus_db, to_fts5("@acme")) == {4, 14}


def test_normalized_index_agrees_where_unicode61_folds_differently() -> None:
    rows: list[Row] = [
        (1, "", "Große Straße 5", "de", "x", "rss"),
        (2, "", "ﬁsh and chips", "en", "x", "rss"),
        (3, "", "ＡＣＭＥ store", "ja", "x", "rss"),
        (4, "", "Ο Σίσυφος", "el", "x", "rss"),
    ]
    db = _fts_db(rows, normalized=True)
    for query, expected in [("strasse", {1}), ("fish", {2}), ("acme", {3}), ("σισυφος", {4})]:
        assert _stream(rows, query) == expected
        assert _search(db, to_fts5(query)) == expected


_LITERAL = re.compile(r'"(?:[^"]|"")*"')
_OUR_SYNTAX = re.compile(r"(?:\s|[()*:]|AND|OR|NOT|\{title body\}|handles|hashtags)*")

INJECTION_CASES: list[tuple[str, bool]] = [
    # (query, whether it is a valid query at all)
    ('a"b', False),
    ("NEAR(", False),
    ("NEAR(a b)", True),
    ('"NEAR(a b, 2) OR *"', True),
    ("*", False),
    ("^", False),
    ("^acme", True),
    ("col:x", False),
    ("title:acme", False),
    ("{title}", True),
    ("{title body}:x", True),
    ('"{title} : x"', True),
    ('"a"" OR b"', True),
    ('"a\\" OR \\"b"', True),
    ("acme' OR 1=1 --x", True),
    ("' OR 1=1 --", False),
    ("acme + b", False),
    ("a* *", False),
    ('-"*"', False),
    ('@a"b', False),
    ("body : x", False),
    ("body:x", False),
    ("x:y:z", False),
    ("acme\x00", True),
]


@pytest.mark.parametrize(("query", "valid"), INJECTION_CASES)
def test_user_text_never_becomes_fts_syntax(
    corpus_db: sqlite3.Connection, query: str, valid: bool
) -> None:
    if not valid:
        with pytest.raises(QueryError):
            to_fts5(query)
        return
    fts = to_fts5(query)
    for expression in (fts.match, fts.exclude):
        if expression is not None:
            assert _OUR_SYNTAX.fullmatch(_LITERAL.sub("", expression)), expression
    # It runs (no sqlite3.OperationalError) and finds what the matcher finds.
    assert _search(corpus_db, fts) == _stream(CORPUS, query)


def test_injection_cases_are_taken_literally(corpus_db: sqlite3.Connection) -> None:
    assert _search(corpus_db, to_fts5("NEAR(a b)")) == {15}
    assert _search(corpus_db, to_fts5("{title}")) == {15}
    # FTS5's own "" escape is not ours: these are two phrases, the second being "or b".
    assert to_fts5('"a"" OR b"').match == '({title body} : "a" AND {title body} : "or b")'


def test_prepared_text_keeps_indic_marks_in_nfc() -> None:
    doc = prepare(BENGALI_LONGER)
    assert all(unicodedata.is_normalized("NFC", t) for t in doc.tokens)
    assert "হয়ে" in doc.tokens


# ---------------------------------------------------------------- nesting depth and query size


def _alternating(depth: int) -> str:
    """``depth`` nested groups alternating OR and AND: (w3 ((w1 (w0 OR acme)) OR w2)) …"""
    query = "acme"
    for i in range(depth):
        query = f"(w{i} {query})" if i % 2 else f"(w{i} OR {query})"
    return query


TOO_DEEP_CASES = [
    # (query, column of the lexeme that opens level 101, that lexeme)
    ("(" * 2000 + "acme" + ")" * 2000, 101, "'('"),
    ("-" * 5000 + "acme", 101, "'-'"),
    ("NOT " * 3000 + "acme", 401, "'NOT'"),
    ("-(" * 60 + "acme" + ")" * 60, 101, "'-'"),  # parentheses and negations add up
    ("(" * 101 + "acme", 101, "'('"),  # too deep is reported before "never closed"
    # The innermost of 101 groups (its '(' is the last one) is the level too many.
    ("x " + _alternating(101), ("x " + _alternating(101)).rindex("(") + 1, "'('"),
]


@pytest.mark.parametrize(("query", "column", "lexeme"), TOO_DEEP_CASES, ids=lambda v: str(v)[:12])
def test_too_deep_nesting_is_a_query_error(query: str, column: int, lexeme: str) -> None:
    for entry_point in (parse, compile_query, to_fts5):
        with pytest.raises(QueryError) as caught:
            entry_point(query)
        err = caught.value
        assert (err.query, err.column) == (query, column)
        assert err.message.startswith("query nested too deeply (more than 100 levels)")
        assert f"{lexeme} at column {column}" in err.message
        assert str(err).splitlines()[-1] == "  " + " " * (column - 1) + "^"


DEPTH_LIMIT_CASES = [
    ("(" * 100 + "acme" + ")" * 100, ("acme",)),
    ("-" * 100 + "acme", ()),  # an even number of negations: matches, reports nothing
    ("NOT " * 100 + "acme", ()),  # an even number of negations: matches, reports nothing
    ("-(" * 50 + "acme" + ")" * 50, ()),  # an even number of negations: matches, reports nothing
    ("(" * 99 + "-acme" + ")" * 99, None),
    (_alternating(100), (*(f"w{i}" for i in range(99, -1, -1)), "acme")),
]


@pytest.mark.parametrize(("query", "expected"), DEPTH_LIMIT_CASES, ids=lambda v: str(v)[:12])
def test_nesting_up_to_the_limit_still_works(query: str, expected: tuple[str, ...] | None) -> None:
    node = parse(query)
    text = "acme " + " ".join(f"w{i}" for i in range(100))
    assert compile_query(query).match(prepare(text)) == expected
    assert _without_columns(parse(format_query(node))) == _without_columns(node)
    assert compile_query(node).node == node
    to_fts5(query)  # translates (SQLite's own FTS5 parser has a lower nesting limit)


@pytest.mark.parametrize("joiner", [" OR ", " ", " AND "])
def test_long_flat_query_stays_flat(joiner: str) -> None:
    words = [f"w{i}" for i in range(20000)]
    query = joiner.join(words)
    node = parse(query)
    assert isinstance(node, Or if joiner == " OR " else And)
    assert [c.word for c in node.children if isinstance(c, Term)] == words
    hit = prepare("x w19999 w7") if joiner == " OR " else prepare(" ".join(reversed(words)))
    reported = ("w7", "w19999") if joiner == " OR " else tuple(words)
    assert compile_query(query).match(hit) == reported
    assert compile_query(query).match(prepare("w20000 nothing")) is None
    assert compile_query(node).match(hit) == reported
    assert format_query(node) == query.replace(" AND ", " ")
    rows: list[Row] = [(1, "", "x w19999 w7", "en", "s", "t"), (2, "", "w20000", "en", "s", "t")]
    if joiner != " OR ":
        rows[0] = (1, "", " ".join(words), "en", "s", "t")
    db = _fts_db(rows, normalized=False)
    assert _search(db, to_fts5(query)) == {1} == _stream(rows, query)
