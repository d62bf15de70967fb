"""The secret scan before an export: the keys people paste into notes stop it, shown redacted; ordinary notes do not."""

from __future__ import annotations

import re
import tomllib

import pytest

from store import secret_rules
from store.bundle import scan
from store.locations import resources_dir
from tests.conftest import write
from tests.store.test_bundles import LAUNCH, export, sample  # noqa: F401 - the fixture: a copy of the sample brain
from tests.store.test_cli import run

# Random-looking characters to cut realistic fake keys from (no real key is in this file).
NOISE = "Qm7xR2vL9kTz4WcN8pYb3HsJ6dFg1AeU5oKi0MnBqVr7Xt2Ly9Cz4Dw8Es3Fh6Gj1Ik5Lm0No7Pp2Qs4Hk2Lm9Nq4Rs7Tv1Wx6Yz3Ab8Cd5Ef0Gh2Ij7"

# Realistic fakes, one per family people paste: (kind the scan names, the line in the note, the secret itself)
FAMILIES = {
    "OpenAI project key": ("OpenAI API key", "OPENAI key for the scoring agent: {}",
                           "sk-proj-" + NOISE[:74] + "T3BlbkFJ" + NOISE[20:94]),
    "OpenAI project key, 48 characters": ("OpenAI API key", "The scoring agent runs on {}", "sk-proj-" + NOISE[:48]),
    "OpenAI project key, short with T3BlbkFJ": ("OpenAI API key", "The scoring agent runs on {}", "sk-proj-" + NOISE[:20] + "T3BlbkFJ" + NOISE[40:60]),
    "OpenAI service account key": ("OpenAI API key", "The enrichment bot: {}", "sk-svcacct-" + NOISE[10:74].replace("m", "_")),
    "OpenAI admin key": ("OpenAI API key", "Billing exports use {}", "sk-admin-" + NOISE[3:61].replace("z", "-")),
    "OpenAI classic key": ("OpenAI API key", "Old integration key {}", "sk-" + NOISE[50:98]),
    "Anthropic key": ("anthropic api key", "Claude for the brief writer: {}",
                      "sk-ant-api03-" + NOISE[5:98].replace("x", "-").replace("y", "_") + "AA"),
    "GitLab token": ("gitlab pat", "Deploy the landing page with {}", "glpat-" + "x7Kq2mZp9RtV4wLs8NbC"),
    "HubSpot private app": ("HubSpot private app token", "HubSpot app token {} (marketing-ops app)", "pat-na1-" + "3f9a2c71-8b4e-4d06-a1f5-7c2e9b84d310"),
    "SendGrid key": ("sendgrid api token", "SENDGRID for the nurture emails: {}",
                     "SG." + NOISE[30:52] + "." + NOISE[60:103]),
    "Slack webhook": ("slack webhook url", "Alerts go to {}", "https://hooks.slack.com/services/" + "T04N8K2QZ/B06R3M7XL/" + "kP9vQ2xZ7mL4tR8wN3bY6cH1"),
    "JWT": ("jwt", "The partner portal session: {}",
            "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9" + ".eyJzdWIiOiJoYXJib3Itb3BzIiwicm9sZSI6ImFkbWluIiwiaWF0IjoxNzY0NTQ4MDAwfQ" + ".Xq3vT8mZ1pL6wR9nK2bY5cH7dJ0fG4sA8eU3iO6kM1q"),
    "Authorization header": ("authorization header", "Call it with `Authorization: Bearer {}`", "9c4f1e7a2b8d3065f1a9e4c7b2d8063f5a1e9c4b"),
    "Bearer token alone": ("authorization header", "The sync API wants `Bearer {}` on every call", "4be1c07d9a2f83e6b5d1c4a7f0e92b38"),
    "Authorization basic header": ("authorization header", "curl it with -H 'Authorization: Basic {}'", "aGFyYm9yLW9wczpIYXJiMHIhMjAyNg=="),
    "password in a table": ("password or secret", "| System | Login |\n|---|---|\n| username | ops-admin |\n| password | {} |", "Harb0r!2026"),
    "password column of a table": ("password or secret", "| System | Password |\n|---|---|\n| HubSpot | *** |\n| Marketo | {} |", "Hunter2Secret!"),
    "password setting": ("password or secret", "salesforce_password = {}", "Winter2026!"),
    "secret setting": ("password or secret", "db_secret: {}", "harborlights"),
    "bold password label": ("password or secret", "Marketo admin\n\n**Password:** {}", "Winter2026!"),
    "password after a dash": ("password or secret", "Password - {}", "Winter2026!"),
}


@pytest.mark.parametrize("family", FAMILIES, ids=FAMILIES)
def test_a_pasted_secret_of_each_family_stops_the_export_redacted(sample, tmp_path, family):  # noqa: F811
    kind, line, secret = FAMILIES[family]
    note = sample / "systems/Salesforce.md"
    write(sample, "systems/Salesforce.md", note.read_text(encoding="utf-8") + "\n" + line.format(secret) + "\n")
    result, _ = export(sample, tmp_path, LAUNCH)
    assert result.notes == 0 and not (tmp_path / "bundle.zip").exists(), "the export stops"
    found = [f for f in result.findings if f.path == "systems/Salesforce.md" and f.kind == kind]
    assert found, [str(f) for f in result.findings]
    for finding in result.findings:
        assert secret[4:] not in str(finding) and secret[-6:] not in str(finding), "shown redacted"


def test_a_classic_openai_key_is_named_openai_not_the_vendor_that_copied_its_shape():
    key = FAMILIES["OpenAI classic key"][2]
    assert [f.kind for f in scan("Integrations.md", f"key {key}\n")] == ["OpenAI API key"]
    assert scan("Integrations.md", "key sk-proj-" + "x" * 48 + "\n") == [], "a placeholder holds no digit"


def test_the_sample_brain_exports_whole_with_no_findings(sample, tmp_path):  # noqa: F811
    result, _ = export(sample, tmp_path, "vault")
    assert result.findings == [] and result.notes == len(list(sample.rglob("*.md")))


PROSE = """---
type: policy
owner: "[[Dana Ruiz]]"
---
# Password policy and API access

Our password policy: every login rotates every 90 days; the password manager holds the rest.
A token of thanks to the web team, who were the bearer of good news on launch day.
Bearer authentication is what the partner portal uses; ask IT for a token, never paste one here.
See Bearer authentication-tokens-explained in the partner handbook.
The API key rotation runbook lives with Security. Key: the pipeline review happens on Mondays.
Secret sauce of the nurture track: a short first email. Token-based pricing starts at the Growth tier.

| Setting | Value |
|---|---|
| Password policy | 90 days |
| password | none |
| API key | ask Security |
| Session timeout | 30 minutes |

Campaign links: https://harbor.example/launch?utm_source=linkedin&utm_medium=paid&utm_campaign=teams-2-0
and https://app.hubspot.com/contacts/4829173/objects/0-1/views/all/list (the contacts view).
The Salesforce campaign 7014x000001AbCdEFG, the request 3f9a2c71-8b4e-4d06-a1f5-7c2e9b84d310, brand colour #1A2B3C.
Commit 9c4f1e7a2b8d3065f1a9e4c7b2d8063f5a1e9c4b shipped the form; the SKU is HBR-TEAMS-2026-ENT.
Deploy tokens look like glpat-xxxxxxxxxxxxxxxxxxxx (see the runbook; never the real one).
"""


def test_ordinary_marketing_prose_has_no_findings():
    assert scan("policies/Password policy.md", PROSE) == []


# Words about passwords, tokens and secrets, and what people write where one would go.
ABOUT_SECRETS = [
    "Our password policy requires 12 characters.", "We moved to token-based auth last quarter.",
    "The secret to good routing is…", "Password: see 1Password vault", "The password reset flow sends a link.",
    "Password: check with IT before the webinar", "Our secret: consistency.", "Token: OAuth2", "max_tokens: 4096",
    "Tokens: 5000/month", "password_rotation: quarterly", "Password: 90-day rotation", "API key: pending",
    "**Password:** 1Password", "- **Password**: stored in LastPass", "Password - see the vault", "Secret sauce - the first email is short",
    "Password: ***", "Password: <redacted>", "Password: TBD", "password: n/a", "token_url: https://auth.harbor.example/oauth2/token",
    "| System | Password |\n|---|---|\n| Marketo | *** |\n| HubSpot | <redacted> |\n| Salesforce | TBD |\n| GA4 | n/a |\n| 6sense |  |\n"
    "| Outreach | SSO via Okta |\n| Gong | 1Password |",
    "| Program | Token budget |\n|---|---|\n| Scoring | 5000 |", "| Pin | Owner |\n|---|---|\n| Launch | Dana |",
    "Ask Security for the API key - HubSpot-managed - before the launch.",
]


@pytest.mark.parametrize("line", ABOUT_SECRETS)
def test_words_about_a_secret_or_a_placeholder_for_one_are_not_findings(line):
    assert scan("policies/Access.md", f"---\ntype: policy\n---\n{line}\n") == []


def test_exclude_takes_a_title_and_leaves_that_note_out(sample, tmp_path):  # noqa: F811
    key = FAMILIES["Anthropic key"][2]
    write(sample, "systems/Scoring Agent Setup.md", f"---\ntype: system\ntitle: Scoring Agent Setup\n---\nKey: {key}\n")
    data, db, bundle = tmp_path / "data", tmp_path / "i.sqlite", tmp_path / "out.zip"
    stopped = run("export", sample, "--db", db, "--out", bundle, env_dir=data)
    assert stopped.returncode == 2 and "anthropic api key" in stopped.stderr and key[8:] not in stopped.stderr
    assert not bundle.exists()
    done = run("export", sample, "--db", db, "--out", bundle, "--exclude", "Scoring Agent Setup", env_dir=data)
    assert done.returncode == 0, done.stderr
    assert f"{len(list(sample.rglob('*.md'))) - 1} notes" in done.stdout and bundle.is_file()
    unknown = run("export", sample, "--db", db, "--out", tmp_path / "other.zip", "--exclude", "Scoring Agent Setpu", env_dir=data)
    assert unknown.returncode == 2 and "Scoring Agent Setpu" in unknown.stderr, "a mistyped title is said, not ignored"


def test_the_vendored_rule_set_says_where_it_comes_from_and_every_rule_runs_in_python():
    path = resources_dir() / secret_rules.RULES_FILE
    header = path.read_text(encoding="utf-8").split("[[rules]]")[0]
    assert "Betterleaks" in header and "MIT License" in header and "kingfisher-secret-scanner 1.5.0" in header
    assert (resources_dir() / "secret-rules-LICENSE.txt").is_file()
    rules = secret_rules.rules()
    assert len(rules) > 300 and len(tomllib.loads(path.read_text(encoding="utf-8"))["rules"]) == len(rules)
    for rule in rules:
        assert rule.keywords and all(len(k) >= 3 and k == k.lower() for k in rule.keywords), rule.id
        assert isinstance(rule.regex, re.Pattern), rule.id


@pytest.mark.parametrize("go, text, matches", [
    (r"\b(SG\.(?i)[a-z0-9]{4})\b", "SG.AbCd", True),  # a flag mid-pattern: an error in Python 3.11 as written
    (r"\b(SG\.(?i)[a-z0-9]{4})\b", "sg.abcd", False),  # ...and it does not reach back before itself
    (r"ab(?i)c|d", "D", True),  # RE2 keeps the flag across `|` to the end of the group
    (r"ab(?i)c|d", "aBc", False),
    (r"[[:alnum:]]{3}\z", "x9Z", True),
    (r"(?<key>k)=1", "k=1", True),
])
def test_rule_regexes_written_for_re2_mean_the_same_in_python(go, text, matches):
    assert bool(re.fullmatch(secret_rules.python_regex(go), text)) is matches


def _rules_for(keyword: str) -> set[str]:
    return {rule.id for rule in secret_rules.rules() if keyword in rule.keywords}


def test_the_keyword_prefilter_finds_keywords_inside_or_overlapping_others():
    # the trie takes the longest keyword at a position and moves past it; none may hide another
    keywords = {k for rule in secret_rules.rules() for k in rule.keywords}
    pairs = [(a, b, a + b[cut:]) for a in keywords for b in keywords if a != b
             for cut in range(1, len(b)) if a.endswith(b[:cut])] + [(a, b, a) for a in keywords for b in keywords if a != b and b in a]
    assert len(pairs) > 20
    requires = " ".join(sorted({r for rule in secret_rules.rules() for r in rule.requires}))
    for a, b, text in pairs:
        found = {rule.id for rule in secret_rules.candidates(f"{text} {requires}")}
        assert _rules_for(a) | _rules_for(b) <= found, (a, b, text)


def test_a_long_note_is_searched_in_overlapping_windows_and_a_key_on_a_border_is_found_once():
    key = FAMILIES["GitLab token"][2]
    filler = "The nurture track sends three emails over two weeks, then hands the lead to sales.\n"
    lines = [filler] * 2000
    text = "".join(lines)
    border = text.rfind("\n", 0, secret_rules.WINDOW) + 1  # the first window ends at a line break near here
    text = text[:border - 10] + f" {key} " + text[border - 10:]
    found = [f for f in scan("Long.md", text) if f.kind == "gitlab pat"]
    assert len(found) == 1 and found[0].line == text.count("\n", 0, text.index(key)) + 1
    parts = list(secret_rules.windows(text))
    assert all(len(part) <= secret_rules.WINDOW for _, part in parts) and len(parts) > 5
    assert "".join(part for _, part in parts).replace("\n", "") != text.replace("\n", "")  # they overlap...
    for (start, part), (next_start, _) in zip(parts, parts[1:]):
        assert text[start:start + len(part)] == part and next_start <= start + len(part) - secret_rules.WINDOW_OVERLAP + len(filler)
    assert parts[-1][0] + len(parts[-1][1]) == len(text), "...and cover the note to its end"


def test_a_note_the_rules_cannot_finish_in_time_is_reported_not_exported():
    text = "Deploy with curl -H 'Accept: json' https://harbor.example/api\n" * 10
    [finding] = scan("Runbook.md", text, budget=0)
    assert finding.kind == "not scanned whole" and "leave it out" in finding.excerpt


def test_a_note_of_names_for_secrets_the_scan_cannot_finish_in_time_is_reported_not_exported():
    text = "Password - see the vault\nsalesforce_password: see the vault\n" * 500
    assert not secret_rules.candidates(text.lower()), "no rule of the rule set runs: the names' own search stops"
    [finding] = scan("Access.md", text, budget=0)
    assert finding.kind == "not scanned whole"


def test_a_note_of_thousands_of_keys_reports_a_bounded_number_redacted():
    key = FAMILIES["GitLab token"][2]
    findings = scan("Dump.md", "".join(f"token {i}: {key[:-4]}{i:04d}\n" for i in range(3000)))
    assert 0 < len(findings) <= 100
    assert all(key[6:-4] not in f.excerpt for f in findings)
