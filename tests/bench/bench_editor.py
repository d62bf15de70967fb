"""Editor benchmark: prints figures, asserts nothing. Not collected by the test run.

    python tests/bench/bench_editor.py [KB]      (default 200)

Time to open a note in the editor (read, hash, highlight, first paint) and the latency of one
keystroke (key event, highlighting, repaint) in the middle and at the end of a note of KB kilobytes.
"""

from __future__ import annotations

import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
sys.path.insert(0, str(Path(__file__).resolve().parents[2]))


def big_note(kb: int) -> str:
    lines = ["---", "type: seam", 'owner: "[[Priya Shah]]"', "reviewed: 2026-09-30", "lives_in: [note, dashboard]", "---", "# A very long runbook", ""]
    n = 0
    while sum(len(line) + 1 for line in lines) < kb * 1024:
        n += 1
        lines += [f"## Incident {n}", f"- checked_by:: [[Data Quality Review]] on day {n} #incident",
                  f"The sync from [[Marketo]] to [[Salesforce]] dropped {n * 7} leads; `Lead_Score__c` was empty.",
                  f"cadence:: every {n % 60 + 1} minutes", ""]
    return "\n".join(lines) + "\n"


def main(kb: int) -> None:
    from PySide6.QtTest import QTest
    from PySide6.QtWidgets import QApplication

    from desktop.views.editor import NoteEditor

    app = QApplication.instance() or QApplication([])
    with tempfile.TemporaryDirectory() as tmp:
        vault = Path(tmp)
        (vault / "Runbook.md").write_text(big_note(kb), encoding="utf-8")
        size = (vault / "Runbook.md").stat().st_size
        opens = []
        for _ in range(5):
            started = time.perf_counter()
            editor = NoteEditor(vault, "Runbook.md")
            editor.show()
            app.processEvents()
            opens.append((time.perf_counter() - started) * 1000)
            editor.text.document().setModified(False)
            editor.close()
            app.processEvents()
        editor = NoteEditor(vault, "Runbook.md")
        editor.show()
        app.processEvents()
        timings = {}
        for where in ("middle", "end"):
            cursor = editor.text.textCursor()
            cursor.setPosition(len(editor.text.toPlainText()) // 2 if where == "middle" else len(editor.text.toPlainText()))
            editor.text.setTextCursor(cursor)
            took = []
            for index in range(300):
                key = "[" if index % 50 == 0 else "a"
                started = time.perf_counter()
                QTest.keyClicks(editor.text, key)
                editor.text.viewport().repaint()
                app.processEvents()
                took.append((time.perf_counter() - started) * 1000)
            editor.text.completer.popup().hide()
            timings[where] = took
        editor.text.document().setModified(False)
        editor.close()
    print(f"\n== the editor on a {size / 1024:.0f} KB note")
    print(f"open to first paint    median {statistics.median(opens):.1f} ms, worst {max(opens):.1f} ms (5 opens)")
    for where, took in timings.items():
        ordered = sorted(took)
        print(f"keystroke ({where:6})     p50 {statistics.median(took):.2f} ms, p95 {ordered[int(len(ordered) * 0.95)]:.2f} ms, "
              f"worst {max(took):.2f} ms (key, highlight, repaint; every 50th key a '[' opening completion)")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 200)
