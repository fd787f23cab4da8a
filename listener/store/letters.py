"""Schema 13: the letters index, search for words of scripts written without spaces.

FTS5's word index (``mentions_fts``, unicode61) takes a run of letters as one word, so in
"東京駅で会いましょう" it holds one token and "東京" is never found. ``mentions_letters``
is a second FTS5 table, same columns and tokenizer, holding only the mentions whose text
has Han, kana, Hangul, Thai, Lao, Khmer or Myanmar letters (``has_spaceless``), in NFKC
and with a break around each such letter (``letters_spaced``): each one is a token, so a
word of any length (two-letter Chinese and Japanese words are common) is the phrase of its
letters, and a Latin word next to them ("Appleの") is a word of its own. bm25 ranks,
``snippet``/``highlight`` mark hits (search drops the breaks from them). Why not SQLite's
``trigram`` tokenizer: it finds nothing shorter than three characters (not even by LIKE
in SQLite 3.40 here), and two-letter words are the common case.

The table keeps its own copy of those mentions' text (a regular FTS5 table, not external
content): a row is removed with a plain DELETE by rowid, which cannot corrupt it as a
stale external-content 'delete' would. The insert path writes a new mention's row
(``index_new``); any change of the indexed columns (an edit, a tombstone) deletes it by
trigger, whichever code path makes it, and an edit's new text is indexed again by the
revision (``index_revised``).

Part of ``listener.store.schema``'s ordered migrations (shipped: never edit, append).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Sequence

from listener.query.text import SPACELESS_RANGES, has_spaceless, letters_spaced

LETTERS_SCHEMA = 13
LETTERS_TABLE = "mentions_letters"
# schema.FTS_TOKENIZE, written out: schema imports this module (a test holds them equal).
_TOKENIZE = "unicode61 remove_diacritics 2 categories 'L* N* Co M* Pc'"

INSERT_LETTERS = (
    "INSERT INTO mentions_letters (rowid, title, body, author, handles, hashtags)"
    " VALUES (?, ?, ?, ?, ?, ?)"
)
# GLOB's [...] compares code points: the mentions that may hold such a letter, so the fill
# reads only those into Python, where has_spaceless decides.
_MAY_HOLD = "*[" + "".join(f"{chr(lo)}-{chr(hi)}" for lo, hi in SPACELESS_RANGES) + "]*"

_V13: tuple[str, ...] = (
    f"""CREATE VIRTUAL TABLE mentions_letters USING fts5(
        title, body, author, handles, hashtags, tokenize="{_TOKENIZE}"
    )""",
    # The update trigger fires only when an indexed column changes (not on re-judging).
    """CREATE TRIGGER mentions_letters_changed AFTER UPDATE OF title, body, author, handles,
        hashtags ON mentions
    BEGIN
        DELETE FROM mentions_letters WHERE rowid = old.seq;
    END""",
    """CREATE TRIGGER mentions_letters_deleted AFTER DELETE ON mentions BEGIN
        DELETE FROM mentions_letters WHERE rowid = old.seq;
    END""",
)


def letters_row(values: Sequence[object]) -> tuple[object, ...] | None:
    """The letters index's row of ``(seq, title, body, author, handles, hashtags)``, or
    None when none of the text holds a letter of a spaceless script (most mentions)."""
    seq, *texts = values
    if not any(isinstance(text, str) and has_spaceless(text) for text in texts):
        return None
    return (seq, *(letters_spaced(text) if isinstance(text, str) else text for text in texts))


def index_new(conn: sqlite3.Connection, fts_rows: Iterable[Sequence[object]]) -> None:
    """Index the new mentions among ``fts_rows`` (``rows.INSERT_FTS``'s values) that hold
    letters of a spaceless script."""
    found = [row for row in map(letters_row, fts_rows) if row is not None]
    if found:
        conn.executemany(INSERT_LETTERS, found)


def index_revised(conn: sqlite3.Connection, mention_id: str) -> None:
    """Index an edited mention's new text (the edit's update deleted the old row)."""
    values = conn.execute(
        "SELECT seq, title, body, author, handles, hashtags FROM mentions"
        " WHERE id = ? AND deleted_at IS NULL",
        (mention_id,),
    ).fetchone()
    row = letters_row(tuple(values)) if values is not None else None
    if row is not None:
        conn.execute(INSERT_LETTERS, row)


def _v13(conn: sqlite3.Connection) -> None:
    for statement in _V13:
        conn.execute(statement)
    # A store from before this version gets its mentions in those scripts indexed, in the
    # migration's transaction: search never sees a half-filled index.
    found = conn.execute(
        "SELECT seq, title, body, author, handles, hashtags FROM mentions"
        " WHERE deleted_at IS NULL AND (title GLOB ?1 OR body GLOB ?1 OR author GLOB ?1"
        " OR handles GLOB ?1 OR hashtags GLOB ?1)",
        (_MAY_HOLD,),
    )
    index_new(conn, (tuple(row) for row in found))


LETTERS_MIGRATIONS = ((LETTERS_SCHEMA, _v13),)
