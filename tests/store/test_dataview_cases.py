"""Dataview's own parser tests, read by Substrate (issue #22): each case of blacksmithgu/obsidian-dataview's
src/test/parse/parse.inline.test.ts (inline fields), src/test/parse/markdown.test.ts (tags, links),
src/test/markdown/parse.file.test.ts (front-matter and task tags) and src/test/util/normalize.test.ts
(field names) that has a counterpart in Substrate's index, written as a note and indexed through the
engine. What Dataview expects is translated to the index's terms: a field (key, value), a typed link
(relation, target) when the value is a link, a tag without `#`; a relation name uses `_` where Dataview
uses `-` (Substrate's own convention). Cases Dataview has that Substrate reads otherwise, on purpose,
are listed in DIFFERENT with the reason, and expected to differ (strict), so the figure stays true."""

from __future__ import annotations

import pytest

from store.brain import Brain

# (case name as in Dataview's tests, note text, expected {"fields", "links", "tags"})
CASES = [
    # parse.inline.test.ts: inline values that are links
    ("Parse commas inside inline field", "key:: [[yes, no, and maybe]]", {"links": [("key", "yes, no, and maybe")]}),
    ("Parse basic inline fields (link)", "key:: [[test]]", {"links": [("key", "test")]}),
    ("Parse inline field lists (one, trailing comma)", "key:: [[test]],", {"links": [("key", "test")]}),
    ("Parse inline field lists (two)", "key:: [[test]], [[test2]]", {"links": [("key", "test"), ("key", "test2")]}),
    # parse.inline.test.ts: "inline inline" fields
    ("Empty", "", {}),
    ("Empty Brackets", "[]", {}),
    ("Empty Parenthesis", "()", {}),
    ("Incorrect Brackets", "[key:value]", {}),
    ("Incorrect Parenthesis", "(key:value)", {}),
    ("Trivial Brackets", "[key::value]", {"fields": [("key", "value")]}),
    ("Trivial Parenthesis", "(key::value)", {"fields": [("key", "value")]}),
    ("Two Inline Fields", "[key:: value] and so thus, [key2:: value2]", {"fields": [("key", "value"), ("key2", "value2")]}),
    ("Nested Brackets", "[[[[hello:: 16]]", {"fields": [("hello", "16")]}),
    ("Brackets In Value", "This is some text. [key:: [value]]", {"fields": [("key", "[value]")]}),
    ("Escaped Brackets", "Hello? [key! :: \\[value]", {"fields": [("key!", "\\[value")]}),
    ("Large Leading Whitespace", "      - [ ] Huh! [p:: 1]", {"fields": [("p", "1")]}),
    ("Inline Inline With HTML: Link", '[link:: <a href="Page">Value</a>]', {"fields": [("link", '<a href="Page">Value</a>')]}),
    ("Created emoji shorthand", " - [ ] testTask \u27952022-07-25", {"fields": [("created", "2022-07-25")]}),
    ("Start date emoji shorthand", " - [ ] testTask 🛫2022-07-21", {"fields": [("start", "2022-07-21")]}),
    ("Scheduled date emoji shorthand", " - [ ] testTask ⏳2022-07-24", {"fields": [("scheduled", "2022-07-24")]}),
    # markdown.test.ts: tag and link extraction
    ("No Tags", "hello", {}),
    ("No Tags (Header)", "# hello #", {}),
    ("1 Tag", "#hello", {"tags": ["hello"]}),
    ("1 Tag (Spaces)", "   #hello-there ", {"tags": ["hello-there"]}),
    ("2 Tags (Spaces)", "   #good #riddance ", {"tags": ["good", "riddance"]}),
    ("No Links", "!!", {}),
    ("One Link", "[[Yes]]", {"links": [("links_to", "Yes")]}),
    ("Two Links", "[[Yes]][[No]]", {"links": [("links_to", "Yes"), ("links_to", "No")]}),
    ("Two Links (In Word)", "[[Yes]]or[[No]]", {"links": [("links_to", "Yes"), ("links_to", "No")]}),
    ("Two Links (Random Brackets)", "[[Yes|Maybe]]]][[[No]]", {"links": [("links_to", "Yes"), ("links_to", "No")]}),
    # parse.file.test.ts: front-matter tags
    ("Frontmatter Tags: Empty", "---\n---", {}),
    ("Frontmatter Tags: No Tags", "---\na: 1\nb: 2\n---", {"fields": [("a", "1"), ("b", "2")]}),
    ("Frontmatter Tags: One Tag", "---\ntag: hello\n---", {"tags": ["hello"]}),
    ("Frontmatter Tags: Two Tag", "---\ntag: [hello, goodbye]\n---", {"tags": ["hello", "goodbye"]}),
    ("Frontmatter Tags: Two Tag String", "---\ntag: hello goodbye\n---", {"tags": ["hello", "goodbye"]}),
    ("Frontmatter Tags: Two Tag String Comma", "---\ntag: hello, goodbye\n---", {"tags": ["hello", "goodbye"]}),
    # parse.file.test.ts: tags in a line of text
    ("Task Tags: Empty", "hello", {}),
    ("Task Tags: One Tag", "and text #hello", {"tags": ["hello"]}),
    ("Task Tags: Two Tags", "#and/thing text #hello", {"tags": ["and/thing", "hello"]}),
    ("Task Tags: Comma Delimited", "#one,#two, #three", {"tags": ["one", "two", "three"]}),
    ("Task Tags: Semicolon Delimited", "#one;;;#two; #three", {"tags": ["one", "two", "three"]}),
    ("Task Tags: Parenthesis", "[#one]]#two;;#four()() #three", {"tags": ["one", "two", "four", "three"]}),
    # normalize.test.ts: canonical field names, as relation names
    *[(f"Variable Canonicalization: {name}", f"{written}:: [[T]]", {"links": [(rel, "T")]}) for name, written, rel in (
        ("Idempotent", "test", "test"), ("Idempotent 2", "property", "property"), ("Space", "test thing", "test_thing"),
        ("Multiple Space", "This     is test", "this_is_test"), ("Number", "test thing 3", "test_thing_3"),
        ("Punctuation", "This is a Test.", "this_is_a_test"), ("Dash", "Yes-sir", "yes_sir"), ("Emoji", "📷", "📷"),
        ("Статус", "Статус", "статус"))],
]

DIFFERENT = {
    "Nested Brackets": "`[[` always starts a wiki link first, as Obsidian renders it: this is a link to `hello:: 16`",
    "Large Leading Whitespace": "six spaces before a line that starts a note make it an indented code block (CommonMark); Dataview reads lines",
    "Created emoji shorthand": "the Tasks plugin's emoji dates are not inline fields in the note contract",
    "Start date emoji shorthand": "the Tasks plugin's emoji dates are not inline fields in the note contract",
    "Scheduled date emoji shorthand": "the Tasks plugin's emoji dates are not inline fields in the note contract",
    "Task Tags: Comma Delimited": "a tag starts after whitespace or at a line's start (Obsidian), not after a comma",
    "Task Tags: Semicolon Delimited": "a tag starts after whitespace or at a line's start (Obsidian), not after a semicolon",
    "Task Tags: Parenthesis": "a tag starts after whitespace or at a line's start (Obsidian), not after a bracket",
    "Variable Canonicalization: Punctuation": "a relation name keeps its punctuation (`key!` stays `key!`, as its key does)",
}
AGREEING = 42  # of len(CASES) == 51


@pytest.fixture(scope="module")
def indexed(tmp_path_factory):
    """One vault holding every case as a note, indexed once: case number -> (fields, links, tags)."""
    root = tmp_path_factory.mktemp("dataview")
    vault = root / "vault"
    vault.mkdir()
    for number, (_name, text, _expected) in enumerate(CASES):
        (vault / f"case {number:02d}.md").write_text(text + "\n", encoding="utf-8")
    with Brain(vault, root / "index.sqlite") as brain:
        brain.refresh()
        db = brain.index.db

        def of(sql, path):
            return [tuple(row) if len(row) > 1 else row[0] for row in db.execute(sql, [path]).fetchall()]

        return {
            number: {
                "fields": of("SELECT key, value FROM fields WHERE path = ? ORDER BY line, rowid", f"case {number:02d}.md"),
                "links": of("SELECT rel, target FROM links WHERE source = ? ORDER BY id", f"case {number:02d}.md"),
                "tags": sorted(of("SELECT tag FROM tags WHERE path = ?", f"case {number:02d}.md")),
            }
            for number in range(len(CASES))
        }


def _cases():
    for number, (name, _text, expected) in enumerate(CASES):
        marks = [pytest.mark.xfail(reason=DIFFERENT[name], strict=True)] if name in DIFFERENT else []
        yield pytest.param(number, expected, id=name, marks=marks)


@pytest.mark.parametrize("number, expected", list(_cases()))
def test_substrate_reads_a_dataview_case_as_dataview_does(indexed, number, expected):
    wanted = {"fields": expected.get("fields", []), "links": expected.get("links", []), "tags": sorted(expected.get("tags", []))}
    assert indexed[number] == wanted


def test_the_agreement_figure():
    assert set(DIFFERENT) <= {name for name, _t, _e in CASES}
    assert (len(CASES) - len(DIFFERENT), len(CASES)) == (AGREEING, 51)
