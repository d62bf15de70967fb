"""store/render.py: a note's body as the HTML the note view and the bundle report show. Links go where the
index resolved them, unwritten ones are marked, and nothing a note holds can run or reach the network."""

from __future__ import annotations

from store import query
from store.render import href_path, make_resolver, note_href, plain_text, render_body
from tests.conftest import write


def render(text: str, links=(), note_path: str = "notes/Here.md", title: str | None = None) -> str:
    return render_body(text, make_resolver(note_path, list(links)), title=title)


def test_a_written_link_becomes_a_note_anchor_to_its_path():
    html = render("See [[Lead Routing]] and [[Lead Routing|the routing]].", [("Lead Routing", "processes/Lead Routing.md")])
    assert '<a class="note" href="note:processes/Lead%20Routing.md">Lead Routing</a>' in html
    assert '<a class="note" href="note:processes/Lead%20Routing.md">the routing</a>' in html


def test_an_unwritten_link_is_marked_and_names_what_to_write():
    html = render("Needs [[Territory Rules]].", [("Territory Rules", None)])
    assert '<a class="unwritten" href="unwritten:Territory%20Rules">Territory Rules</a>' in html
    assert 'class="note"' not in html


def test_a_link_resolves_in_any_case_and_a_markdown_link_to_a_note_too():
    html = render("[[lead routing]] and [the file](../processes/Lead%20Routing.md) and [gone](Missing.md)",
                  [("Lead Routing", "processes/Lead Routing.md")])
    assert html.count('href="note:processes/Lead%20Routing.md"') == 2
    assert '<a href="unwritten:Missing.md" class="unwritten">gone</a>' in html


def test_links_follow_the_index_on_a_real_vault(vault, brain):
    write(vault, "Playbook.md", "# Playbook\nSee [[Lead Routing]] then [[Nowhere Yet]].\n")
    write(vault, "processes/Lead Routing.md", "# Lead Routing\n")
    brain.refresh()
    db = brain.index.db
    detail = query.note_detail(db, "Playbook.md")
    html = render_body(query.note_body(db, "Playbook.md"), make_resolver(detail.path, [(l.target, l.target_path) for l in detail.links_out]))
    assert 'href="note:processes/Lead%20Routing.md"' in html
    assert 'class="unwritten" href="unwritten:Nowhere%20Yet"' in html


def test_html_in_a_note_is_shown_as_text_never_run():
    html = render('<script>alert("x")</script>\n\nHi <img src=x onerror="alert(1)"> <b>bold</b>\n\n[[<b>odd</b>]]')
    assert "<script" not in html and "<img" not in html and "<b>" not in html
    assert "&lt;script&gt;" in html and "&lt;b&gt;bold&lt;/b&gt;" in html


def test_only_web_and_mail_links_leave_the_app():
    html = render("[web](https://example.com) [mail](mailto:a@b.c) [js](javascript:alert(1)) [file](file:///etc/passwd) "
                  "[data](data:text/html,<b>x</b>)")
    assert '<a href="https://example.com" class="outside">web</a>' in html
    assert '<a href="mailto:a@b.c" class="outside">mail</a>' in html
    for other in ("js", "file", "data"):  # shown as the text they are, not as links
        assert f">{other}</a>" not in html, other
    assert 'href="javascript' not in html and 'href="file:' not in html and 'href="data:' not in html


def test_remote_images_are_never_loaded_and_local_ones_stay_in_the_vault():
    html = render("![tracker](https://evil.example/pixel.png) ![chart](img/chart.png) ![out](../../../etc/x.png) ![[diagram.png]]")
    assert '<span class="blocked">[image not loaded: tracker]</span>' in html
    assert "evil.example" not in html
    assert '<img src="vault:notes/img/chart.png" alt="chart">' in html
    assert '<span class="blocked">[image outside the vault: out]</span>' in html
    assert '<img src="vault:notes/diagram.png" alt="diagram.png">' in html


def test_a_first_heading_that_repeats_the_title_is_left_out():
    assert "<h1>" not in render("# Lead Routing\nText.\n", title="Lead Routing")
    assert "<h1>Another</h1>" in render("# Another\nText.\n", title="Lead Routing")


def test_a_same_note_heading_link_is_a_plain_anchor_and_an_embed_is_a_link():
    html = render("[[#Steps]] and ![[Checklist]]", [("Checklist", "Checklist.md")])
    assert '<span class="anchor">Steps</span>' in html
    assert '<a class="note" href="note:Checklist.md">\u21b3 Checklist</a>' in html


def test_a_body_too_costly_to_render_is_shown_as_plain_text():
    body = "[" * 50_000 + "<script>"
    html = render_body(body, make_resolver("a.md", []), budget_seconds=0.0)
    assert html.startswith("<pre>") and "&lt;script&gt;" in html and "<script>" not in html


def test_note_hrefs_round_trip_any_name():
    for path in ("a.md", "folder/Lead Routing.md", "q?&#%.md", "caf\u00e9/\u00fcber.md"):
        assert href_path(note_href(path)) == path


def test_plain_text_reads_a_whole_note_or_a_cut_fragment_as_its_words():
    note = ("---\ntype: seam\nowner: \"[[Chris Park]]\"\n---\n# Lead *sync*\n\n## Owns\n- owner_of [[Segment|the event stream]]\n"
            "* **Bold** and __strong__ and `code` and ~~gone~~\n> quoted [docs](https://example.com) ![chart](c.png)\nneeds:: [[Routing#Rules]]\n")
    assert plain_text(note) == ("Lead sync Owns Owner of the event stream Bold and strong and code and gone quoted docs chart "
                                "Needs: Routing")
    assert plain_text("…the [[Lead Routing]] flow and [[Mark") == "…the Lead Routing flow and Mark"  # a link a snippet cut
    assert plain_text("2 * 3 - 4 snake_case_name Lead_Score__c C# #1") == "2 * 3 - 4 snake_case_name Lead_Score__c C# #1"  # prose keeps its marks


def test_a_snippet_reads_tags_tables_and_relations_as_words_not_markdown():
    labels = {"owner_of": "Owns"}.get
    snippet = ("…across channels. #b2c #«messaging»/lifecycle\n| Field | API name |\n|---|:--:|\n| «Lead» Score | `Lead_Score__c` |\n"
               "## Owns\n- owner_of [[Braze]]\n- «owner»_of [[B2C Win-Back]]\n- owner_of…")
    assert plain_text(snippet, lambda rel: labels(rel) or rel, "«»") == (
        "…across channels. b2c «messaging»/lifecycle Field · API name «Lead» Score · Lead_Score__c "
        "Owns Owns Braze «Owns» B2C Win-Back Owns…")


def test_relations_and_fields_in_the_text_read_as_their_labels_as_the_link_tables_do():
    links = [("Braze", "systems/Braze.md"), ("Lead Routing", "processes/Lead Routing.md")]
    text = ("## Owns\n- owner_of [[Braze]]\n- see the [[Braze]] docs\n\nneeds:: [[Lead Routing]]\nstatus:: draft\n"
            "Prose that mentions owner_of:: in passing.\n")
    html = render_body(text, make_resolver("people/Tom.md", links), labels={"owner_of": "Owns"})
    assert '<li>Owns <a class="note" href="note:systems/Braze.md">Braze</a></li>' in html
    assert "<li>see the " in html  # more than one word before the link: prose, not a relation
    assert 'Needs: <a class="note"' in html and "Status: draft" in html
    assert "owner_of:: in passing" in html  # a field is only at a line's start
    assert "owner_of" not in html.split("Prose")[0]
