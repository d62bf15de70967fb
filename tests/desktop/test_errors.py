"""Errors in words: the desktop says the index's own failures without knowing which database keeps it."""

from __future__ import annotations

import sqlite3

import pytest

from desktop.errors import describe
from store.errors import IndexUnreadable, index_error


def test_a_failed_read_of_the_index_is_said_in_words(tmp_path):
    garbage = tmp_path / "index.sqlite"
    garbage.write_bytes(b"this is not a database " * 200)
    with pytest.raises(sqlite3.DatabaseError) as caught:
        sqlite3.connect(garbage).execute("SELECT * FROM notes")
    assert isinstance(index_error(caught.value), IndexUnreadable)
    assert describe(caught.value) == (
        "The index could not be read just now; it is rebuilt from your notes if it stays that way. Your notes are untouched.")
    assert index_error(ValueError("not the index's")) is None
