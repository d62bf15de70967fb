"""NOTE-FORMAT.md, rule by rule, on the pure parser."""

from __future__ import annotations

import threading
import time

from store.note import Field, Link, normalise_relation, parse


def links(note, rel=None):
    return [(l.rel, l.target, l.line) for l in note.links if rel is None or l.rel == rel]


# --- front matter ----------------------------------------------------------------------------


def test_front_matter_is_yaml_between_dashes_and_the_body_follows():
    note = parse("---\ntitle: Lead Routing\ntype: Process\n---\n# Body\ntext\n", "p.md")
    assert note.title == "Lead Routing"
    assert note.type == "process"
    assert note.body == "# Body\ntext\n"


def test_front_matter_may_close_with_three_dots():
    note = parse("---\ntype: system\n...\nbody [[X]]\n", "s.md")
    assert note.type == "system"
    assert links(note) == [("links_to", "X", 4)]


def test_title_defaults_to_file_name_and_type_to_note():
    note = parse("no front matter here\n", "folder/Revenue Dashboard.md")
    assert note.title == "Revenue Dashboard"
    assert note.type == "note"


def test_invalid_yaml_still_indexes_the_body_and_records_line_and_reason():
    note = parse("---\ntitle: ok\nowner: [unclosed\nmotion: b2b\n---\nSee [[Salesforce]] #crm\n", "n.md")
    assert links(note) == [("links_to", "Salesforce", 6)]
    assert note.tags == ("crm",)
    assert len(note.problems) == 1
    problem = note.problems[0]
    assert problem.line in (3, 4, 5)
    assert "not valid YAML" in problem.message


def test_unclosed_front_matter_is_read_as_body_with_a_problem():
    note = parse("---\ntitle: x\nno closing line [[A]]\n", "n.md")
    assert note.title == "n"
    assert ("links_to", "A", 3) in links(note)
    assert "never closed" in note.problems[0].message


def test_meaningful_keys_are_kept():
    note = parse(
        "---\nowner: Dana Ruiz\nstatus: draft\nreviewed: 2025-03-01\nlives_in: [head, slack]\n"
        "motion: B2C\nconfidence: low\naliases: [Routing, lead assignment]\ntags: [ops, '#Routing']\n---\n",
        "n.md",
    )
    assert note.owner == "Dana Ruiz"
    assert note.status == "draft"
    assert note.reviewed == "2025-03-01"
    assert note.lives_in == ("head", "slack")
    assert note.motion == "b2c"
    assert note.confidence == "low"
    assert note.aliases == ("Routing", "lead assignment")
    assert note.tags == ("ops", "routing")
    assert note.problems == ()


def test_aliases_tags_and_lives_in_accept_a_comma_string():
    note = parse("---\naliases: Routing, Lead assignment\ntags: ops, crm\nlives_in: doc, dashboard\n---\n", "n.md")
    assert note.aliases == ("Routing", "Lead assignment")
    assert note.tags == ("ops", "crm")
    assert note.lives_in == ("doc", "dashboard")


def test_bad_reviewed_date_lives_in_and_motion_are_problems_not_crashes():
    note = parse("---\nreviewed: last spring\nlives_in: [brain]\nmotion: both\n---\n", "n.md")
    messages = " ".join(p.message for p in note.problems)
    assert note.reviewed is None
    assert "not a date" in messages and "brain" in messages and "both" in messages
    assert {p.line for p in note.problems} == {2, 3, 4}


def test_front_matter_keys_with_wiki_links_are_typed_links_on_the_key_line():
    note = parse('---\ntitle: Lead Sync\nowner: "[[Dana Ruiz]]"\nfeeds: ["[[Salesforce]]", "[[Looker]]"]\n---\n', "n.md")
    assert links(note) == [("owner", "Dana Ruiz", 3), ("feeds", "Salesforce", 4), ("feeds", "Looker", 4)]
    assert note.owner == "Dana Ruiz"


def test_front_matter_list_on_several_lines_gives_the_key_line():
    note = parse("---\ntype: seam\nfrom:\n  - '[[HubSpot]]'\nto:\n  - '[[Salesforce|SFDC]]'\n---\n", "n.md")
    assert links(note) == [("from", "HubSpot", 3), ("to", "Salesforce", 5)]


def test_unquoted_wiki_link_in_yaml_still_links_and_suggests_quotes():
    note = parse("---\nowner: [[Dana Ruiz]]\n---\n", "n.md")
    assert links(note) == [("owner", "Dana Ruiz", 2)]
    assert "quotes" in note.problems[0].message


def test_other_scalar_keys_are_fields_as_written():
    note = parse("---\ncadence: hourly\nno: no\ntime: 12:30:00\nchannels: [email, sms]\n---\n", "n.md")
    assert [(f.key, f.value, f.section, f.line) for f in note.fields] == [
        ("cadence", "hourly", None, 2), ("no", "no", None, 3), ("time", "12:30:00", None, 4),
        ("channels", "email", None, 5), ("channels", "sms", None, 5),
    ]


# --- links in the body ------------------------------------------------------------------------


def test_wiki_link_forms_all_link_to_the_target_as_written():
    body = "[[Target]] [[Target|shown text]] [[Other#Heading]] [[Third#^block-id]] [[folder/Fourth]]\n"
    note = parse(body, "n.md")
    assert [(l.rel, l.target) for l in note.links] == [
        ("links_to", "Target"), ("links_to", "Other"), ("links_to", "Third"), ("links_to", "folder/Fourth"),
    ]
    by_target = {l.target: l for l in note.links}
    assert by_target["Other"].fragment == "Heading"
    assert by_target["Third"].fragment == "^block-id"


def test_a_link_to_a_heading_in_the_same_note_is_not_a_note_link():
    assert parse("see [[#Setup]]\n", "n.md").links == ()


def test_embeds():
    note = parse("![[Funnel Diagram]]\n![[Playbook#Rules]]\n", "n.md")
    assert links(note) == [("embeds", "Funnel Diagram", 1), ("embeds", "Playbook", 2)]


def test_markdown_links_to_notes_are_decoded_and_external_urls_are_not_links():
    body = (
        "[a](relative/path.md) [b](Note%20Name.md#Rules) [c](<Spaced Name.md>)\n"
        "[web](https://example.com/page.md) [mail](mailto:a@b.c) [img](chart.png) [top](#anchor)\n"
    )
    note = parse(body, "folder/n.md")
    assert [(l.rel, l.target, l.kind, l.fragment) for l in note.links] == [
        ("links_to", "relative/path.md", "markdown", ""),
        ("links_to", "Note Name.md", "markdown", "Rules"),
        ("links_to", "Spaced Name.md", "markdown", ""),
    ]


def test_nothing_in_code_or_comments_is_a_link_field_or_tag():
    body = (
        "```\n[[Fenced]] #fenced\nowner:: [[FencedOwner]]\n```\n\n"
        "    [[Indented]] #indented\n\n"
        "Text `[[Span]] #span key:: v` and <!-- [[Comment]] #comment --> real [[Real]] #real\n\n"
        "<!--\n[[BlockComment]]\nowner:: [[X]]\n-->\n"
    )
    note = parse(body, "n.md")
    assert [l.target for l in note.links] == ["Real"]
    assert note.tags == ("real",)
    assert note.fields == ()


def test_inline_field_on_its_own_line_and_as_a_list_item():
    body = "# Routing\nowner:: [[Dana Ruiz]]\ncadence:: every 15 minutes\n- depends_on:: [[HubSpot]], [[Salesforce]]\n"
    note = parse(body, "n.md")
    assert links(note) == [("owner", "Dana Ruiz", 2), ("depends_on", "HubSpot", 4), ("depends_on", "Salesforce", 4)]
    assert note.fields == (Field("cadence", "every 15 minutes", "Routing", 3),)


def test_bracketed_inline_fields_inside_a_sentence():
    note = parse("The sync [uses:: [[Workato]]] runs (cadence:: hourly) and [owner:: [[Ops Team]]].\n", "n.md")
    assert links(note) == [("uses", "Workato", 1), ("owner", "Ops Team", 1)]
    assert [(f.key, f.value) for f in note.fields] == [("cadence", "hourly")]


def test_a_field_belongs_to_the_nearest_heading_above():
    body = "intro:: before any heading\n# One\na:: 1\n## Two\nb:: 2\n"
    note = parse(body, "n.md")
    assert [(f.key, f.section) for f in note.fields] == [("intro", None), ("a", "One"), ("b", "Two")]
    assert [(s.title, s.level, s.line) for s in note.sections] == [("One", 1, 2), ("Two", 2, 4)]


def test_explicit_relations_with_and_without_context():
    body = "## Relations\n- implements [[Lead Scoring Spec]] (the 2025 rules)\n- part-of [[Revenue Engine]]\n- see also [[Two Words]]\n"
    note = parse(body, "n.md")
    assert [(l.rel, l.target, l.context) for l in note.links] == [
        ("implements", "Lead Scoring Spec", "the 2025 rules"),
        ("part_of", "Revenue Engine", ""),
        ("links_to", "Two Words", ""),
    ]


def test_explicit_relation_must_be_a_list_item():
    note = parse("implements [[Spec]]\n", "n.md")
    assert links(note) == [("links_to", "Spec", 1)]


def test_a_link_in_a_typed_construct_is_recorded_once_with_that_relation():
    note = parse('---\nowner: "[[Dana]]"\n---\nowner:: [[Dana]]\n- manages [[Dana]]\n[uses:: [[Dana]]]\n', "n.md")
    assert sorted(l.rel for l in note.links) == ["manages", "owner", "owner", "uses"]


def test_relation_names_are_normalised():
    assert normalise_relation("  Depends On ") == "depends_on"
    assert normalise_relation("depends-on") == "depends_on"
    note = parse('---\nFed By: "[[HubSpot]]"\n---\nLast-Touch Source:: [[Ads]]\n', "n.md")
    assert [l.rel for l in note.links] == ["fed_by", "last_touch_source"]


def test_markdown_links_inside_a_field_take_its_relation():
    note = parse("spec:: [the spec](specs/Routing.md)\n", "n.md")
    assert [(l.rel, l.target, l.kind) for l in note.links] == [("spec", "specs/Routing.md", "markdown")]


# --- tags --------------------------------------------------------------------------------------


def test_tags_in_the_body_and_front_matter():
    body = "---\ntags: [Ops]\n---\n# Heading\n#crm and #nested/tag, not#this, #123 or https://x.com/#frag\n#B2B_Motion #a-b\n"
    note = parse(body, "n.md")
    assert note.tags == ("ops", "crm", "nested/tag", "b2b_motion", "a-b")


def test_a_heading_is_not_a_tag():
    note = parse("# Heading\n## Another\n", "n.md")
    assert note.tags == ()


# --- counting ---------------------------------------------------------------------------------


def test_identical_links_on_one_line_count_once_and_on_two_lines_twice():
    note = parse("[[A]] and [[A]] again\n[[A]]\n", "n.md")
    assert links(note) == [("links_to", "A", 1), ("links_to", "A", 2)]


def test_lines_stay_true_after_a_code_span_across_lines_and_a_comment():
    body = "Start `code\nspans lines` then [[After]]\nand <!-- a\nb --> [[Later]]\n"
    note = parse(body, "n.md")
    assert links(note) == [("links_to", "After", 2), ("links_to", "Later", 4)]


def test_wiki_link_in_a_table_cell_with_escaped_pipe():
    note = parse("| System | Owner |\n|---|---|\n| [[Salesforce\\|SFDC]] | [[Dana]] |\n", "n.md")
    assert [(l.target, l.label, l.line) for l in note.links] == [("Salesforce", "SFDC", 3), ("Dana", "", 3)]


def test_inline_meaningful_fields_fill_in_when_front_matter_is_silent():
    note = parse("type:: System\nowner:: [[Dana Ruiz]]\nlives_in:: head\n", "n.md")
    assert note.type == "system"
    assert note.owner == "Dana Ruiz"
    assert note.lives_in == ("head",)


def test_parse_has_a_time_budget():
    started = time.perf_counter()
    note = parse("---\ntype: system\n---\n" + "[" * 100_000 + "\n", "n.md", budget_seconds=0.05)
    assert time.perf_counter() - started < 2
    assert note.type == "system"
    assert "s of processor time to read and was skipped" in note.problems[-1].message


def test_a_busy_machine_does_not_change_what_a_note_indexes():
    """The parse budget counts this thread's processor time: threads competing for the processor
    (the app's, other programs') stretch the wall clock, not what the parse costs."""
    text = "".join(f"## Part {i}\n" + "lorem [[Salesforce]] ipsum " * 400 + "\n" for i in range(20))
    started = time.thread_time()
    alone = parse(text, "n.md", budget_seconds=60)
    cost = time.thread_time() - started
    stop = threading.Event()
    spinners = [threading.Thread(target=_spin, args=(stop,)) for _ in range(4)]  # a busy machine, made in-process
    for spinner in spinners:
        spinner.start()
    try:
        started = time.perf_counter()
        busy = parse(text, "n.md", budget_seconds=cost * 8)  # contention adds up to 2x to the parse's own processor time; the wall clock, 40x+
        waited = time.perf_counter() - started
    finally:
        stop.set()
        for spinner in spinners:
            spinner.join()
    assert waited > cost * 8, "the spinning threads made the parse wait past its budget in wall-clock time"
    assert busy == alone
    assert len(busy.sections) == 20 and not busy.problems


def _spin(stop: threading.Event) -> None:
    while not stop.is_set():
        sum(range(3_000_000))  # one C call that keeps the interpreter for tens of milliseconds: the parse must wait


def test_link_dataclass_records_label_and_kind():
    note = parse("[[Salesforce|the CRM]]\n", "n.md")
    assert note.links == (Link("links_to", "Salesforce", 1, "wiki", "", "the CRM"),)
