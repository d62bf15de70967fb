"""Notes written for Logseq and basic-memory resolve their links the way their own tool does (issue #22):
each case a small graph in the tool's own format, on disk, indexed through the engine into SQLite."""

from __future__ import annotations

import pytest

from store import query
from store.brain import Brain
from store.render import make_resolver, render_body
from tests.conftest import rows, write

NEW_CONFIG = '{:meta/version 1\n ;; :file/name-format :legacy\n :file/name-format :triple-lowbar\n :journal/page-title-format "MMM do, yyyy"}\n'
LEGACY_CONFIG = "{:meta/version 1\n :preferred-format \"Markdown\"}\n"


def logseq_graph(root, pages: dict[str, str], config: str = NEW_CONFIG, journals: dict[str, str] | None = None):
    """A Logseq file graph as Logseq writes one: `logseq/config.edn`, `pages/`, `journals/`."""
    write(root, "logseq/config.edn", config)
    (root / "journals").mkdir(parents=True, exist_ok=True)
    for name, text in pages.items():
        write(root, f"pages/{name}", text)
    for name, text in (journals or {}).items():
        write(root, f"journals/{name}", text)


@pytest.fixture
def opened(vault, tmp_path):
    """Open a Brain once the graph is on disk (a vault is recognised as a Logseq graph when opened)."""
    brains = []

    def open_it():
        brain = Brain(vault, tmp_path / "index.sqlite")
        brains.append(brain)
        brain.refresh()
        return brain

    yield open_it
    for brain in brains:
        brain.close()


def links_of(brain, source):
    return rows(brain, "SELECT rel, target, target_path FROM links WHERE source = ? ORDER BY id", [source])


def unresolved(brain):
    return sorted(rows(brain, "SELECT source, target FROM links WHERE target_path IS NULL"))


# --- Logseq: page names ------------------------------------------------------------------------


def test_a_triple_lowbar_file_is_the_namespaced_page_and_a_link_to_it_resolves(vault, opened):
    logseq_graph(vault, {"Projects___Apollo.md": "- launch plan\n", "Home.md": "- see [[Projects/Apollo]] and [[projects/apollo]]\n"})
    brain = opened()
    assert [p for _r, _t, p in links_of(brain, "pages/Home.md")] == ["pages/Projects___Apollo.md"] * 2
    assert rows(brain, "SELECT title FROM notes WHERE path = 'pages/Projects___Apollo.md'") == [("Projects/Apollo",)]
    assert unresolved(brain) == []


@pytest.mark.parametrize("file_name", ["Projects%2FApollo.md", "Projects.Apollo.md"])
def test_a_legacy_graph_names_pages_by_percent_encoding_or_dots(vault, opened, file_name):
    logseq_graph(vault, {file_name: "- launch plan\n", "Home.md": "- see [[Projects/Apollo]]\n"}, config=LEGACY_CONFIG)
    brain = opened()
    assert links_of(brain, "pages/Home.md") == [("links_to", "Projects/Apollo", f"pages/{file_name}")]


def test_the_title_property_names_the_page_instead_of_its_file_name(vault, opened):
    logseq_graph(vault, {"apollo.md": "title:: Project Apollo: Phase 2\n\n- body\n", "Home.md": "- [[Project Apollo: Phase 2]]\n"})
    brain = opened()
    assert links_of(brain, "pages/Home.md") == [("links_to", "Project Apollo: Phase 2", "pages/apollo.md")]
    assert rows(brain, "SELECT title FROM notes WHERE path = 'pages/apollo.md'") == [("Project Apollo: Phase 2",)]


@pytest.mark.parametrize("written", ["alias:: CRM, [[SFDC]]", "alias:: [[CRM]], SFDC", "- alias:: CRM, SFDC"])
def test_alias_names_the_page_with_or_without_brackets(vault, opened, written):
    logseq_graph(vault, {"Salesforce.md": f"{written}\n\n- our CRM\n", "Home.md": "- [[CRM]] [[sfdc]] [[Salesforce]]\n"})
    brain = opened()
    assert [p for _r, _t, p in links_of(brain, "pages/Home.md")] == ["pages/Salesforce.md"] * 3
    assert unresolved(brain) == [], "an alias is a name, not a link to a page called CRM"
    assert links_of(brain, "pages/Salesforce.md") == [], "nor a link from the page to itself"


def test_a_journal_is_the_page_of_its_day(vault, opened):
    logseq_graph(vault, {"Home.md": "- met on [[Jan 31st, 2024]] and [[Feb 2nd, 2024]]\n"},
                 journals={"2024_01_31.md": "- standup\n", "2024_02_02.md": "- retro\n"})
    brain = opened()
    assert [p for _r, _t, p in links_of(brain, "pages/Home.md")] == ["journals/2024_01_31.md", "journals/2024_02_02.md"]
    assert rows(brain, "SELECT title FROM notes WHERE path = 'journals/2024_01_31.md'") == [("Jan 31st, 2024",)]


def test_a_journal_title_follows_the_graphs_own_format(vault, opened):
    config = '{:file/name-format :triple-lowbar\n :journal/page-title-format "yyyy-MM-dd"}\n'
    logseq_graph(vault, {"Home.md": "- [[2024-01-31]]\n"}, config=config, journals={"2024_01_31.md": "- standup\n"})
    brain = opened()
    assert links_of(brain, "pages/Home.md") == [("links_to", "2024-01-31", "journals/2024_01_31.md")]


# --- Logseq: properties, tags, block syntax --------------------------------------------------


def test_page_properties_come_from_the_first_block_only(vault, opened):
    logseq_graph(vault, {
        "Lead Sync.md": "type:: [[Seam]]\nowner:: [[Dana]]\n\n- runs hourly\n  status:: broken\n- later\n  type:: process\n",
        "Seam.md": "", "Dana.md": "",
    })
    brain = opened()
    assert rows(brain, "SELECT type, status FROM notes WHERE path = 'pages/Lead Sync.md'") == [("seam", None)]
    assert ("type", "Seam", "pages/Seam.md") in links_of(brain, "pages/Lead Sync.md")
    assert ("owner", "Dana", "pages/Dana.md") in links_of(brain, "pages/Lead Sync.md")


def test_block_properties_id_and_collapsed_are_not_fields(vault, opened):
    logseq_graph(vault, {"Notes.md": "- a block\n  id:: 6651e92e-fb34-4d24-a386-d9698c2e93f7\n  collapsed:: true\n  - child\n"})
    brain = opened()
    assert rows(brain, "SELECT key FROM fields WHERE path = 'pages/Notes.md'") == []


def test_tags_property_values_are_tags_and_typed_links_with_or_without_brackets(vault, opened):
    logseq_graph(vault, {"Sync.md": "tags:: integration, [[data quality]], #incident\n\n- body\n",
                         "integration.md": "", "data quality.md": "", "incident.md": ""})
    brain = opened()
    assert sorted(rows(brain, "SELECT tag FROM tags WHERE path = 'pages/Sync.md'")) == [("data quality",), ("incident",), ("integration",)]
    assert sorted(links_of(brain, "pages/Sync.md")) == [
        ("tags", "data quality", "pages/data quality.md"), ("tags", "incident", "pages/incident.md"), ("tags", "integration", "pages/integration.md")]


def test_hash_tags_are_links_to_the_page_of_that_name_and_tags(vault, opened):
    logseq_graph(vault, {"Home.md": "- shipped #release and #[[big launch]]\n", "release.md": "", "big launch.md": ""})
    brain = opened()
    assert sorted(links_of(brain, "pages/Home.md")) == [("links_to", "big launch", "pages/big launch.md"), ("links_to", "release", "pages/release.md")]
    assert sorted(rows(brain, "SELECT tag FROM tags WHERE path = 'pages/Home.md'")) == [("big launch",), ("release",)]


def test_block_refs_and_query_macros_are_never_links_or_problems_but_embeds_are_embeds(vault, opened):
    logseq_graph(vault, {"Home.md": (
        "- see ((6651e92e-fb34-4d24-a386-d9698c2e93f7)) for why\n"
        "- {{query (and [[Project]] (property status:: done) #todo)}}\n"
        "- {{renderer :todomaster}} {{video https://youtu.be/x}}\n"
        "- {{embed [[Runbook]]}} {{embed ((6651e92e-fb34-4d24-a386-d9698c2e93f7))}}\n"
    ), "Runbook.md": ""})
    brain = opened()
    assert links_of(brain, "pages/Home.md") == [("embeds", "Runbook", "pages/Runbook.md")]
    assert rows(brain, "SELECT * FROM problems") == []
    assert rows(brain, "SELECT key FROM fields") == [] and rows(brain, "SELECT tag FROM tags") == []


def test_a_bullet_naming_a_page_is_a_plain_link_not_a_basic_memory_relation(vault, opened):
    logseq_graph(vault, {"Home.md": "- read [[Book]]\n", "Book.md": ""})
    brain = opened()
    assert links_of(brain, "pages/Home.md") == [("links_to", "Book", "pages/Book.md")]


def test_blocks_nested_by_tabs_under_a_bulletless_heading_are_read_and_fenced_code_is_still_code(vault, opened):
    logseq_graph(vault, {"Guide.md": (
        "- ## Usage\n\t- see [[Developer mode]]\n## Functionality\n\t- **explain**\n\t\t- `:legacy`\n\t\t  id:: 634fb9a8-cab9-441e-b476-41fa828010ea\n"
        "\t\t\t- add ([[custom page title]]) #naming\n\t\t\t- ```clojure\n\t\t\t  [[Not A Link]]\n\t\t\t  ```\n\t\t\t- after [[config.edn]]\n"
        "## Owners\n\t- owner:: [[Dana]]\n## Indented with spaces\n    - also [[Spaced]]\n"
    ), "Developer mode.md": "", "custom page title.md": "", "config.edn.md": "", "naming.md": "", "Dana.md": "", "Spaced.md": ""})
    brain = opened()
    assert rows(brain, "SELECT target, line FROM links WHERE source = 'pages/Guide.md' ORDER BY id") == [
        ("Developer mode", 2), ("custom page title", 7), ("naming", 7), ("config.edn", 11), ("Dana", 13), ("Spaced", 15)]
    assert ("owner", "Dana", "pages/Dana.md") in links_of(brain, "pages/Guide.md")
    assert unresolved(brain) == [] and rows(brain, "SELECT key FROM fields") == []


def test_logseqs_own_folder_of_backups_is_not_read(vault, opened):
    logseq_graph(vault, {"Home.md": "- [[Nowhere Page]]\n"})
    write(vault, "logseq/bak/pages/Home/2024-01-31T10_00_00.000Z.Desktop.md", "- [[Nowhere Page]] [[Old]]\n")
    brain = opened()
    assert rows(brain, "SELECT path FROM notes") == [("pages/Home.md",)]


def test_in_a_logseq_graph_only_links_to_pages_with_no_file_stay_unknown(vault, opened):
    logseq_graph(vault, {
        "Projects___Apollo.md": "alias:: Apollo\ntags:: project\n\n- [[Jan 31st, 2024]] #launch\n",
        "project.md": "", "Home.md": "- [[Apollo]] [[Projects/Apollo]] [[Not Written Yet]] #launch\n",
    }, journals={"2024_01_31.md": "- kickoff of [[Apollo]]\n"})
    brain = opened()
    assert unresolved(brain) == [("pages/Home.md", "Not Written Yet"), ("pages/Home.md", "launch"), ("pages/Projects___Apollo.md", "launch")]


def test_a_folder_becoming_a_logseq_graph_reads_every_note_again(vault, tmp_path):
    write(vault, "pages/Projects___Apollo.md", "- plan\n")
    write(vault, "pages/Home.md", "- [[Projects/Apollo]]\n")
    with Brain(vault, tmp_path / "i.sqlite") as brain:
        brain.refresh()
        assert links_of(brain, "pages/Home.md") == [("links_to", "Projects/Apollo", None)]
    write(vault, "logseq/config.edn", NEW_CONFIG)
    with Brain(vault, tmp_path / "i.sqlite") as brain:
        brain.refresh()
        assert links_of(brain, "pages/Home.md") == [("links_to", "Projects/Apollo", "pages/Projects___Apollo.md")]


def test_a_logseq_config_without_pages_or_journals_folders_is_no_graph(vault, opened):
    write(vault, "logseq/config.edn", NEW_CONFIG)
    write(vault, "notes/Projects___Apollo.md", "- plan\n")
    write(vault, "notes/Home.md", "- [[Projects/Apollo]] [[Projects___Apollo]]\n")
    brain = opened()
    assert links_of(brain, "notes/Home.md") == [("links_to", "Projects/Apollo", None), ("links_to", "Projects___Apollo", "notes/Projects___Apollo.md")]


def test_the_same_files_outside_a_logseq_graph_keep_obsidians_rules(vault, opened):
    write(vault, "pages/Projects___Apollo.md", "title:: Apollo\nalias:: Moon\n\n- plan\n")
    write(vault, "pages/Home.md", "- see [[Projects/Apollo]] [[Moon]] [[Projects___Apollo]] #release\n- uses [[Book]]\n")
    brain = opened()
    assert links_of(brain, "pages/Home.md") == [
        ("links_to", "Projects/Apollo", None), ("links_to", "Moon", None), ("links_to", "Projects___Apollo", "pages/Projects___Apollo.md"),
        ("uses", "Book", None)]


# --- basic-memory -----------------------------------------------------------------------------


def test_a_basic_memory_permalink_is_a_name_for_wiki_links_and_memory_urls(vault, opened):
    write(vault, "specs/Search Design.md", "---\ntitle: Search Design\npermalink: specs/search\n---\n# Search\n")
    write(vault, "n.md", "- implements [[specs/search]]\n\nSee [the spec](memory://specs/search)\nand memory://specs/search.\n")
    brain = opened()
    assert links_of(brain, "n.md") == [
        ("implements", "specs/search", "specs/Search Design.md"),
        ("links_to", "specs/search", "specs/Search Design.md"),
        ("links_to", "specs/search", "specs/Search Design.md")]


def test_the_note_view_links_a_memory_url_to_the_note_it_names(vault, opened):
    write(vault, "specs/Search Design.md", "---\npermalink: specs/search\n---\n# Search\n")
    write(vault, "n.md", "See [the spec](memory://specs/search) and [gone](memory://specs/gone).\n")
    brain = opened()
    db = brain.index.db
    detail = query.note_detail(db, "n.md")
    html = render_body(query.note_body(db, "n.md"), make_resolver(detail.path, [(link.target, link.target_path) for link in detail.links_out]))
    assert '<a href="note:specs/Search%20Design.md" class="note">the spec</a>' in html
    assert 'class="unwritten">gone</a>' in html


def test_a_memory_url_to_nothing_is_a_known_unknown_and_a_pattern_is_no_link(vault, opened):
    write(vault, "n.md", "Read memory://specs/missing and memory://specs/* later.\n")
    brain = opened()
    assert links_of(brain, "n.md") == [("links_to", "specs/missing", None)]


def test_a_permalink_never_takes_a_link_from_a_note_of_that_name(vault, opened):
    write(vault, "search.md", "")
    write(vault, "other.md", "---\npermalink: search\n---\n")
    write(vault, "n.md", "[[search]]\n")
    brain = opened()
    assert links_of(brain, "n.md") == [("links_to", "search", "search.md")]
    assert rows(brain, "SELECT * FROM problems") == []


# --- Dataview and Obsidian details ------------------------------------------------------------


def test_the_space_after_the_double_colon_is_optional(vault, opened):
    write(vault, "n.md", "cadence::hourly\nThe sync [uses::[[Workato]]] runs (owner::[[Dana]]).\n")
    brain = opened()
    assert rows(brain, "SELECT key, value FROM fields WHERE path = 'n.md'") == [("cadence", "hourly")]
    assert [(r, t) for r, t, _p in links_of(brain, "n.md")] == [("uses", "Workato"), ("owner", "Dana")]


@pytest.mark.parametrize("key, rel", [("📷", "📷"), ("Статус", "статус"), ("key!", "key!"), ("Due Date?", "due_date?")])
def test_a_field_key_may_hold_any_script_emoji_and_punctuation(vault, opened, key, rel):
    write(vault, "n.md", f"{key}:: [[Target]]\n")
    write(vault, "Target.md", "")
    brain = opened()
    assert links_of(brain, "n.md") == [(rel, "Target", "Target.md")]


def test_bold_or_italic_around_a_key_is_markup_not_part_of_it(vault, opened):
    write(vault, "n.md", "**Bold Field**:: Nice!\n_cadence_:: hourly\n**owner**:: [[Dana]]\n")
    brain = opened()
    assert rows(brain, "SELECT key, value FROM fields WHERE path = 'n.md'") == [("Bold Field", "Nice!"), ("cadence", "hourly")]
    assert links_of(brain, "n.md") == [("owner", "Dana", None)]


def test_an_escaped_bracket_in_a_value_is_text(vault, opened):
    write(vault, "n.md", "Hello? [key! :: \\[value]\n")
    brain = opened()
    assert rows(brain, "SELECT key, value FROM fields WHERE path = 'n.md'") == [("key!", "\\[value")]


def test_relation_names_collapse_runs_of_spaces_and_underscores(vault, opened):
    write(vault, "n.md", "This     is test:: [[A]]\nfed__by:: [[B]]\n")
    brain = opened()
    assert [r for r, _t, _p in links_of(brain, "n.md")] == ["this_is_test", "fed_by"]


def test_tags_may_hold_emoji(vault, opened):
    write(vault, "n.md", "Photos #📷 and #🌱/🌿 grow\n")
    brain = opened()
    assert sorted(rows(brain, "SELECT tag FROM tags WHERE path = 'n.md'")) == [("🌱/🌿",), ("📷",)]


def test_a_front_matter_tags_string_is_split_on_spaces_and_commas(vault, opened):
    write(vault, "a.md", "---\ntags: hello goodbye\n---\n")
    write(vault, "b.md", "---\ntags: hello, good bye\n---\n")
    brain = opened()
    assert sorted(rows(brain, "SELECT path, tag FROM tags")) == [("a.md", "goodbye"), ("a.md", "hello"), ("b.md", "bye"), ("b.md", "good"), ("b.md", "hello")]


def test_an_index_written_before_these_rules_reads_every_note_again_when_opened(vault, tmp_path):
    write(vault, "a.md", "---\ntags: hello goodbye\n---\nThis     is test:: [[B]]\n")
    with Brain(vault, tmp_path / "i.sqlite") as brain:
        brain.refresh()
        # What the index held before (one tag, a relation with five `_`), and the migration not yet run.
        brain.index.db.execute("UPDATE tags SET tag = 'hello goodbye'")
        brain.index.db.execute("UPDATE links SET rel = 'this_____is_test'")
        brain.index.db.execute("DELETE FROM _sqlite_migrations WHERE name = 'm007_other_tools_names'")
        brain.index.db.execute("PRAGMA user_version = 6")
    with Brain(vault, tmp_path / "i.sqlite") as brain:
        brain.refresh()
        assert sorted(rows(brain, "SELECT tag FROM tags")) == [("goodbye",), ("hello",)]
        assert rows(brain, "SELECT rel FROM links") == [("this_is_test",)]
