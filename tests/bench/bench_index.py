"""Indexing benchmark: prints figures, asserts nothing. Not collected by the test run.

    python tests/bench/bench_index.py 1000 10000

For each N it builds a deterministic synthetic vault of N notes (~2 KB each) that uses every
syntax form of the note format, then prints full-index notes/s beside markdown-it-py's bare
parse of the same files on one core, no-op rescan ms, reindex ms after one edit, search
p50/p95 ms and peak RSS.
"""

from __future__ import annotations

import contextlib
import os
import random
import resource
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from markdown_it import MarkdownIt  # noqa: E402

from store.brain import Brain  # noqa: E402

WORDS = (
    "lead routing scoring pipeline attribution campaign audience segment funnel revenue churn retention "
    "onboarding webinar nurture cadence territory account expansion renewal launch pricing forecast quota "
    "dashboard warehouse sync mapping consent suppression journey trigger lifecycle cohort activation"
).split()
SYLLABLES = "ba ca de fi go hu ja ke li mo nu pa qui ro sa te vo wu xa ze".split()
# Prose draws from a Zipf-shaped vocabulary, as real writing does: the domain words are the
# most frequent, then some 4,000 rarer words.
VOCABULARY = WORDS + sorted({a + b + c for a in SYLLABLES for b in SYLLABLES for c in SYLLABLES[:10]})
CUMULATIVE = list(__import__("itertools").accumulate(1 / rank ** 1.05 for rank in range(1, len(VOCABULARY) + 1)))
TYPES = ["system", "seam", "metric", "audience", "program", "process", "person", "goal", "decision", "source"]
FOLDERS = ["systems", "seams", "metrics", "audiences", "programs", "processes", "people", "goals", "decisions", "sources"]


def sentence(rng: random.Random, n: int = 14) -> str:
    return " ".join(rng.choices(VOCABULARY, cum_weights=CUMULATIVE, k=n)).capitalize() + "."


def markdown_target(rng: random.Random, n: int) -> str:
    """A relative markdown link to another note's file; like wiki links, about 5% to notes nobody wrote."""
    j = rng.randrange(n + n // 20)
    return f"{FOLDERS[j % len(FOLDERS)]}/Note%20{j}.md"


def note_text(i: int, n: int, rng: random.Random) -> str:
    other = lambda: f"Note {rng.randrange(n + n // 20)}"  # noqa: E731 - about 5% point at notes nobody wrote
    kind = i % len(TYPES)
    parts = [
        "---",
        f"title: Note {i}",
        f"type: {TYPES[kind]}",
        f"aliases: [N{i}, Alias {i}]",
        f'owner: "[[{other()}]]"',
        f'feeds: ["[[{other()}]]", "[[{other()}|shown]]"]',
        f"reviewed: 2025-0{1 + i % 9}-1{i % 10}",
        f"lives_in: [{rng.choice(['note', 'doc', 'dashboard', 'slack', 'head'])}]",
        f"motion: {rng.choice(['b2b', 'b2c', 'shared'])}",
        f"tags: [bench, {rng.choice(WORDS)}]",
        "cadence: daily",
        "---",
        f"# Note {i}",
        sentence(rng) + f" See [[{other()}]] and [[{other()}#Heading]] and [[{other()}#^block]].",
        f"owner:: [[{other()}]]",
        f"- depends_on:: [[{other()}]]",
        f"- implements [[{other()}]] (context for the relation)",
        f"It runs [uses:: [[{other()}]]] with (cadence:: hourly) checks. #{rng.choice(WORDS)} #nested/{rng.choice(WORDS)}",
        f"![[{other()}]]",
        f"Read [the runbook](../{markdown_target(rng, n)}#setup) or [the web](https://example.com/x.md).",
        "",
        "## Details",
        sentence(rng, 30),
        sentence(rng, 30),
        "```",
        "[[Not A Link]] #not-a-tag",
        "```",
        "Inline `[[code]]` and <!-- [[comment]] --> are ignored.",
        "",
        "## More",
        " ".join(sentence(rng, 20) for _ in range(6)),
        f"| system | owner |\n|---|---|\n| [[{other()}\\|x]] | [[{other()}]] |",
    ]
    return "\n".join(parts) + "\n"


@contextlib.contextmanager
def scratch_vault(n: int):
    """A temporary folder holding a built N-note vault at `tmp / "vault"`, with Substrate's data folder in it too."""
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        os.environ["SUBSTRATE_DATA_DIR"] = str(tmp / "data")
        build_vault(tmp / "vault", n)
        yield tmp, tmp / "vault"


def build_vault(root: Path, n: int) -> list[Path]:
    rng = random.Random(n)
    paths = []
    an_hour_ago = time.time_ns() - 3600 * 1_000_000_000
    for i in range(n):
        path = root / FOLDERS[i % len(FOLDERS)] / f"Note {i}.md"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(note_text(i, n, rng), encoding="utf-8")
        os.utime(path, ns=(an_hour_ago, an_hour_ago))  # a vault at rest, as a user comes back to it
        paths.append(path)
    return paths


def bare_parse_rate(paths: list[Path]) -> float:
    texts = [p.read_text(encoding="utf-8") for p in paths]
    md = MarkdownIt("commonmark")
    started = time.perf_counter()
    for text in texts:
        md.parse(text)
    return len(texts) / (time.perf_counter() - started)


def ms(seconds: float) -> str:
    return f"{seconds * 1000:.1f} ms"


def bench(n: int) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp) / "vault"
        paths = build_vault(root, n)
        size_kb = sum(p.stat().st_size for p in paths) / n / 1024
        bare = bare_parse_rate(paths)
        with Brain(root, Path(tmp) / "index.sqlite") as brain:
            started = time.perf_counter()
            brain.refresh()
            full = time.perf_counter() - started
            summary = brain.read.summary()

            noop = []
            for _ in range(5):
                started = time.perf_counter()
                brain.refresh()
                noop.append(time.perf_counter() - started)

            target = paths[n // 2]
            rescan_edit, path_edit = [], []
            for round_ in range(5):
                with open(target, "a", encoding="utf-8") as handle:
                    handle.write(f"\nEdited [[Note {round_}]]\n")
                started = time.perf_counter()
                brain.refresh()
                rescan_edit.append(time.perf_counter() - started)
                with open(target, "a", encoding="utf-8") as handle:
                    handle.write(f"\nEdited again [[Note {round_ + 1}]]\n")
                started = time.perf_counter()
                brain.refresh_paths([target.relative_to(root).as_posix()])
                path_edit.append(time.perf_counter() - started)

            rng = random.Random(7)
            timings = []
            for _ in range(300):  # what people type: one or two words, the last maybe unfinished
                words = rng.choices(VOCABULARY, cum_weights=CUMULATIVE, k=rng.choice([1, 2]))
                query = " ".join(words)
                if len(words[-1]) > 4:
                    query = query[: len(query) - rng.choice([0, 0, 2])]
                started = time.perf_counter()
                brain.read.search(query)
                timings.append(time.perf_counter() - started)
            timings.sort()
            worst = []
            for _ in range(20):  # every note says "note": every note must be ranked
                started = time.perf_counter()
                brain.read.search("note")
                worst.append(time.perf_counter() - started)
        own_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        workers_mb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024

    print(f"\n== {n} notes ({size_kb:.1f} KB each; {summary.links} links, {summary.unresolved} unresolved, {summary.problems} problems)")
    print(f"full index           {n / full:8.0f} notes/s   ({full:.2f} s)")
    print(f"markdown-it bare     {bare:8.0f} notes/s   (one core, same files)")
    print(f"no-op rescan         {ms(statistics.median(noop)):>10}   (median of 5)")
    print(f"one edit, rescan     {ms(statistics.median(rescan_edit)):>10}   (median of 5: scan the vault, read the one file)")
    print(f"one edit, by path    {ms(statistics.median(path_edit)):>10}   (median of 5: as the watcher does)")
    print(f"search               p50 {ms(timings[len(timings) // 2])}, p95 {ms(timings[int(len(timings) * 0.95)])}   (300 queries from the vault's words)")
    print(f"search, every note   {ms(statistics.median(worst))}   (median of 20: a word every note holds)")
    print(f"peak RSS             {own_mb:.0f} MB main process, {workers_mb:.0f} MB largest worker")


if __name__ == "__main__":
    for count in [int(arg) for arg in sys.argv[1:]] or [1000, 10000]:
        bench(count)


def wait_until(app, condition, since: float, timeout: float = 120) -> float:
    """Spin the Qt event loop until `condition()`; milliseconds since `since` (a perf_counter)."""
    while not condition():
        app.processEvents()
        time.sleep(0.001)
        if time.perf_counter() - since > timeout:
            raise TimeoutError
    return (time.perf_counter() - since) * 1000


def map_window(vault: Path, tmp: Path):
    """Index `vault`, then a 1920x1080 main window (offscreen) on the map page, not yet opened: (app, window)."""
    from PySide6.QtCore import QSettings
    from PySide6.QtWidgets import QApplication

    from desktop.app import settle_memory
    from desktop.main_window import MainWindow
    from store.brain import Brain

    with Brain(vault, tmp / "index.sqlite") as brain:
        brain.refresh()
    app = QApplication.instance() or QApplication([])
    window = MainWindow(QSettings(str(tmp / "bench.ini"), QSettings.Format.IniFormat), db_path=tmp / "index.sqlite")
    window.resize(1920, 1080)
    window.show()
    settle_memory()
    window.pages.setCurrentWidget(window.map_and_run)
    return app, window
