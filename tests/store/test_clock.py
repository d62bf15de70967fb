"""The engine's one clock: the day is honoured everywhere it is pinned, the sample brain's tour
holds on any date while a person's own vault ages with the real day, and coverage history
counts days in the local time zone (east and west of UTC) while storing UTC."""

from __future__ import annotations

import datetime as dt
import json
import os
import shutil
import threading
import time

import pytest

from store import clock
from store.brain import Brain
from tests.conftest import TEST_DAY, write
from tests.store.test_cli import run
from tests.store.test_sample_brain import SAMPLE

UTC = dt.timezone.utc
LATER = dt.datetime(2027, 6, 1, 12, 0, tzinfo=UTC)  # six months on: the sample brain's reviews have aged


@pytest.fixture
def sample_copy(tmp_path):
    copy = tmp_path / "Substrate Sample Brain"
    shutil.copytree(SAMPLE, copy)
    return copy


@pytest.fixture
def zone():
    """Put this process in another time zone (TZ + tzset), and back afterwards."""
    before = os.environ.get("TZ")

    def use(name: str) -> None:
        os.environ["TZ"] = name
        time.tzset()

    yield use
    if before is None:
        os.environ.pop("TZ", None)
    else:
        os.environ["TZ"] = before
    time.tzset()


def cli_coverage(vault, tmp_path, monkeypatch, day: str) -> dict:
    monkeypatch.setenv(clock.TODAY_VARIABLE, day)  # the subprocess inherits it
    out = run("coverage", vault, "--json", env_dir=tmp_path / "data")
    assert out.returncode == 0, out.stderr
    return json.loads(out.stdout)


def test_the_pinned_day_reaches_the_command_line(sample_copy, tmp_path, monkeypatch):
    """The tests' figures hold because the day is pinned, not because of the machine's date:
    the same command, pinned six months later, sees the reviews aged."""
    tour = cli_coverage(sample_copy, tmp_path, monkeypatch, TEST_DAY.isoformat())
    assert tour["overall"] == pytest.approx(0.761) and tour["today"] == "2026-12-01"
    later = cli_coverage(sample_copy, tmp_path, monkeypatch, "2027-06-01")
    assert later["today"] == "2027-06-01" and later["overall"] < 0.75
    assert len(later["stale"]) > len(tour["stale"])


def test_the_sample_brain_shows_the_tours_figures_on_any_date(sample_copy, tmp_path, monkeypatch):
    monkeypatch.delenv(clock.TODAY_VARIABLE)
    with clock.fixed_now(LATER), Brain(sample_copy, tmp_path / "sample.sqlite") as brain:
        brain.refresh()
        report = brain.read.coverage()
        assert report.today == TEST_DAY.isoformat(), "the sample brain stands at the day of the README's tour"
        assert report.overall == pytest.approx(0.761) and f"{report.overall:.0%}" == "76%"


def test_a_persons_own_vault_ages_with_the_real_day(sample_copy, tmp_path, monkeypatch):
    monkeypatch.delenv(clock.TODAY_VARIABLE)
    (sample_copy / clock.AS_OF_PATH).unlink()  # the same notes, as someone's own vault
    with clock.fixed_now(LATER), Brain(sample_copy, tmp_path / "own.sqlite") as brain:
        brain.refresh()
        report = brain.read.coverage()
        assert report.today == "2027-06-01" and report.overall < 0.75


def test_the_variable_beats_the_vaults_day(sample_copy, tmp_path, monkeypatch):
    monkeypatch.setenv(clock.TODAY_VARIABLE, "2027-06-01")
    with Brain(sample_copy, tmp_path / "sample.sqlite") as brain:
        brain.refresh()
        assert brain.read.coverage().today == "2027-06-01"


@pytest.mark.parametrize("content", ["", "soon\n", "2026-13-45\n", "\x00\xff" * 5000, "2026-12-01"[:7]])
def test_a_damaged_as_of_file_means_the_real_day(vault, tmp_path, monkeypatch, content):
    monkeypatch.delenv(clock.TODAY_VARIABLE)
    write(vault, clock.AS_OF_PATH, content)
    write(vault, "a.md", "---\ntype: system\n---\n")
    with clock.fixed_now(LATER), Brain(vault, tmp_path / "index.sqlite") as brain:
        brain.refresh()
        assert brain.read.coverage().today == "2027-06-01"


def test_an_as_of_pipe_does_not_hang_the_opening(vault, tmp_path, monkeypatch):
    monkeypatch.delenv(clock.TODAY_VARIABLE)
    (vault / ".substrate").mkdir()
    os.mkfifo(vault / clock.AS_OF_PATH)  # nobody ever writes into it: a blocking read would wait forever
    opened = []
    worker = threading.Thread(target=lambda: opened.append(clock.follow_vault(vault)), daemon=True)
    worker.start()
    worker.join(10)
    assert opened == [None], "opening a vault whose as-of is a pipe must not wait for a writer"


ZONES = [  # (TZ, a moment between the two midnights, the local calendar day at that moment)
    ("JST-9", dt.datetime(2026, 12, 1, 20, 30, tzinfo=UTC), dt.date(2026, 12, 2)),  # Tokyo: already tomorrow
    ("LINT-14", dt.datetime(2026, 12, 1, 10, 15, tzinfo=UTC), dt.date(2026, 12, 2)),  # Kiritimati, the earliest zone
    ("PST8", dt.datetime(2026, 12, 2, 3, 0, tzinfo=UTC), dt.date(2026, 12, 1)),  # Los Angeles: still yesterday
]


@pytest.mark.parametrize("name, moment, local", ZONES, ids=["Tokyo", "Kiritimati", "Los Angeles"])
def test_coverage_history_counts_days_on_the_local_calendar(vault, tmp_path, monkeypatch, zone, name, moment, local):
    monkeypatch.delenv(clock.TODAY_VARIABLE)
    zone(name)
    write(vault, "a.md", "---\ntype: system\n---\n")
    with clock.fixed_now(moment), Brain(vault, tmp_path / "index.sqlite") as brain:
        brain.refresh()  # takes a snapshot now
        assert clock.today() == local
        [point] = brain.read.history()
        assert point.taken_at == moment.strftime("%Y-%m-%dT%H:%MZ"), "stored in UTC"
        assert clock.local_day(point.taken_at) == local
        assert brain.read.history(since=clock.today()) == [point], "today's snapshot is in today's history"
        assert brain.read.history(since=clock.today() + dt.timedelta(days=1)) == [], "and not in tomorrow's"


@pytest.mark.parametrize("name, moment, local", ZONES, ids=["Tokyo", "Kiritimati", "Los Angeles"])
def test_a_local_day_starts_at_local_midnight(zone, name, moment, local):
    zone(name)
    start = clock.day_start_utc(local)
    assert start <= moment < start + dt.timedelta(days=1)
    assert clock.local_day(start) == local and clock.local_day(start - dt.timedelta(seconds=1)) == local - dt.timedelta(days=1)


def test_a_mistyped_day_variable_is_one_line_that_says_how_to_fix_it(vault, tmp_path, monkeypatch):
    write(vault, "a.md", "---\ntype: system\n---\n")
    monkeypatch.setenv(clock.TODAY_VARIABLE, "1/12/2026")
    out = run("coverage", vault, env_dir=tmp_path / "data")
    assert out.returncode == 2 and "Traceback" not in out.stderr
    assert out.stderr.strip() == ("Error: SUBSTRATE_TODAY=1/12/2026 is not a day: set it as YYYY-MM-DD (e.g. 2026-12-01), "
                                  "or unset it to use the real date.")
