"""The sample brain a new user sees first: credible in scope, every syntax form, honest gaps."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from store.brain import Brain
from tests.conftest import rows

SAMPLE = Path(__file__).resolve().parents[2] / "resources" / "sample-brain"


@pytest.fixture(scope="module")
def sample(tmp_path_factory):
    copy = tmp_path_factory.mktemp("sample") / "sample-brain"
    shutil.copytree(SAMPLE, copy)
    with Brain(copy, copy.parent / "index.sqlite") as brain:
        brain.refresh()
        yield brain


def values(brain, sql):
    return {row[0] for row in rows(brain, sql)}


def test_size_and_scope(sample):
    assert 60 <= sample.read.summary().notes <= 120
    types = values(sample, "SELECT type FROM notes")
    assert {"goal", "system", "seam", "metric", "audience", "process", "person", "source", "decision", "program", "agent"} <= types
    assert rows(sample, "SELECT COUNT(*) FROM notes WHERE type = 'program'")[0][0] >= 2
    assert {"b2b", "b2c", "shared"} <= values(sample, "SELECT motion FROM notes")
    categories = values(sample, "SELECT value FROM fields WHERE key = 'category'")
    assert {"CRM", "Marketing automation", "Customer data platform", "Data warehouse", "BI", "Paid media", "Sales engagement", "Customer messaging"} <= categories


def test_metrics_have_definitions_and_seams_join_two_systems(sample):
    metrics = values(sample, "SELECT path FROM notes WHERE type = 'metric'")
    defined = values(sample, "SELECT path FROM fields WHERE key = 'definition'")
    assert metrics <= defined
    for seam in values(sample, "SELECT path FROM notes WHERE type = 'seam'"):
        ends = rows(sample, "SELECT rel, n.type FROM links JOIN notes n ON n.path = target_path WHERE source = ? AND rel IN ('from', 'to')", [seam])
        assert sorted(ends) == [("from", "system"), ("to", "system")], seam


def test_uses_every_syntax_form(sample):
    links = rows(sample, "SELECT rel, kind, fragment, label, context, target FROM links")
    assert any(label for _r, _k, _f, label, _c, _t in links), "wiki link with shown text"
    assert any(f and not f.startswith("^") for _r, _k, f, _l, _c, _t in links), "link to a heading"
    assert any(f.startswith("^") for _r, _k, f, _l, _c, _t in links), "link to a block"
    assert any("/" in t and kind == "wiki" for _r, kind, _f, _l, _c, t in links), "link with a folder"
    assert any(rel == "embeds" for rel, *_ in links)
    markdown = rows(sample, "SELECT target, target_path FROM links WHERE kind = 'markdown'")
    assert any("%20" not in t and " " in t and p for t, p in markdown), "URL-encoded markdown link, resolved"
    assert any(t.startswith("../") and p for t, p in markdown), "relative markdown link, resolved"
    assert any(context for _r, _k, _f, _l, context, _t in links), "explicit relation with context"
    front = rows(sample, "SELECT COUNT(*) FROM links l JOIN notes n ON n.path = l.source WHERE l.rel = 'feeds' AND l.line < 10")[0][0]
    assert front > 0, "typed links from front matter"
    bodies = " ".join(body for (body,) in rows(sample, "SELECT body FROM notes"))
    for form in ("\n- depends_on [[", "feeds:: [[", "[audience_source:: [[", "(cadence:: weekly)", "```", "<!--", "`b2c_"):
        assert form in bodies, form
    assert any("/" in tag for tag in values(sample, "SELECT tag FROM tags")), "nested tag"
    assert rows(sample, "SELECT type, owner FROM notes WHERE path = 'goals/Improve Trial-to-Paid.md'") == [("goal", "Tom Becker")]
    assert rows(sample, "SELECT type FROM notes WHERE path = 'decisions/Adopt Segment as CDP.md'") == [("decision",)]


def test_has_deliberate_realistic_gaps(sample):
    lives_in = " ".join(v for (v,) in rows(sample, "SELECT lives_in FROM notes"))
    assert '"head"' in lives_in and '"slack"' in lives_in and '"dashboard"' in lives_in
    assert rows(sample, "SELECT COUNT(*) FROM notes WHERE reviewed < '2025-06-01'")[0][0] >= 3, "stale reviews"
    unowned = rows(sample, "SELECT path FROM notes WHERE type = 'seam' AND path NOT IN (SELECT source FROM links WHERE rel = 'owner')")
    assert unowned == [("seams/Stripe to Snowflake Billing Sync.md",)]
    known_unknowns = values(sample, "SELECT target FROM links WHERE target_path IS NULL")
    assert {"Hightouch", "Churn Model", "Territory Rules"} <= known_unknowns
    assert [p.path for p in sample.read.problems()] == ["metrics/Customer Lifetime Value.md"]
