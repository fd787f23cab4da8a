"""Export of a search's whole result set as CSV or JSON Lines, streamed.

The rows come from a keyset walk of the store (``listener.store.search_export_rows``), a page of
``EXPORT_PAGE`` mentions at a time, each page written out before the next is read: memory
stays the same for ten rows or ten million, and there is no row cap.

CSV is for spreadsheets, which run a cell that starts with ``=``, ``+``, ``-``, ``@``, a tab or
a carriage return as a formula (OWASP "CSV injection"): such a text cell gets a leading
apostrophe, which the spreadsheet shows as text. Numbers are ours and written as numbers.
The file starts with a UTF-8 byte-order mark so Excel reads it as UTF-8 (Bengali, emoji).
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator
from datetime import date
from typing import Any, Literal

from listener.store import SQLiteStore
from listener.store.search_export_rows import EXPORT_COLUMNS, export_rows
from listener.web.search_views import SearchForm

ExportFormat = Literal["csv", "jsonl"]
EXPORT_PAGE = 500
COLUMNS = EXPORT_COLUMNS
MEDIA_TYPES: dict[str, str] = {
    "csv": "text/csv; charset=utf-8",
    "jsonl": "application/x-ndjson; charset=utf-8",
}
_FORMULA_FIRST = frozenset("=+-@\t\r")
# json.dumps with an option builds a new encoder per call, a third of a JSON Lines row's
# time: the same options, one encoder.
_JSON_LINE = json.JSONEncoder(ensure_ascii=False)


def _text_cell(text: str) -> str:
    return "'" + text if text and text[0] in _FORMULA_FIRST else text


def safe_cell(value: Any) -> str | int | float:
    """One CSV cell: lists joined with "; ", text that a spreadsheet would run as a formula
    prefixed with an apostrophe; numbers as they are. (Called for every cell of an export,
    so the common cases come first.)"""
    if value.__class__ is str:
        return _text_cell(value)
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, int | float):
        return value
    return _text_cell("; ".join(value) if isinstance(value, list) else str(value))


def _csv_lines(rows: list[dict[str, Any]], *, header: bool) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    if header:
        writer.writerow(COLUMNS)
    writer.writerows([safe_cell(row[c]) for c in COLUMNS] for row in rows)
    return buffer.getvalue().encode("utf-8")


def export_chunks(store: SQLiteStore, form: SearchForm, fmt: ExportFormat) -> Iterator[bytes]:
    """The export, one chunk per page of the walk (the header, or BOM and header, first).

    ``form.where()`` is checked by the caller before streaming starts, so a bad query is a
    400, not a broken download."""
    where = form.where()
    if fmt == "csv":
        yield "\ufeff".encode() + _csv_lines([], header=True)
    for page in export_rows(store, where, page_size=EXPORT_PAGE):
        yield _encode(page, fmt)


def _encode(rows: list[dict[str, Any]], fmt: ExportFormat) -> bytes:
    if fmt == "csv":
        return _csv_lines(rows, header=False)
    encode = _JSON_LINE.encode
    return "".join([encode(r) + "\n" for r in rows]).encode("utf-8")


def export_filename(fmt: ExportFormat, today: date) -> str:
    return f"listener-search-{today.isoformat()}.{fmt}"


def content_disposition(fmt: ExportFormat, today: date) -> str:
    return f'attachment; filename="{export_filename(fmt, today)}"'
