"""Bundle benchmark: prints figures, asserts nothing. Not collected by the test run.

    python tests/bench/bench_bundle.py [N]      (default 10000)

Export of the whole N-note vault (scan, zip, manifest, context.md, report.html), import of that
bundle into an empty vault (every check and hash, then the writes), and the size of the report
for a 1,000-note scope.
"""

from __future__ import annotations

import sys
import tempfile
import time
import zipfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
sys.path.insert(0, str(Path(__file__).resolve().parent))


def main(n: int) -> None:
    from bench_index import build_vault

    from store.brain import Brain
    from store.bundle import Scope
    from store.bundle_import import apply, read_plan

    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        vault = tmp / "vault"
        build_vault(vault, n)
        with Brain(vault, tmp / "index.sqlite") as brain:
            brain.refresh()
            brain.read.coverage()
            started = time.perf_counter()
            result = brain.read.export_bundle(Scope.parse("vault"), tmp / "all.zip", allow_secrets=True)
            export_s = time.perf_counter() - started
            some = brain.read.bundle_paths(Scope.parse("vault"))[:1000]
            small = brain.read.export_bundle(Scope.parse("vault"), tmp / "some.zip", allow_secrets=True, exclude=set(brain.read.bundle_paths(Scope.parse("vault"))) - set(some))
        target = tmp / "team"
        target.mkdir()
        started = time.perf_counter()
        plan = read_plan(result.path, target)
        checked_s = time.perf_counter() - started
        done = apply(plan, target)
        import_s = time.perf_counter() - started
        with zipfile.ZipFile(small.path) as bundle:
            report_mb = bundle.getinfo("report.html").file_size / 1024 / 1024
        findings = len(result.findings)
    print(f"\n== bundles of a {n}-note vault")
    print(f"export                 {export_s:.1f} s  ({result.notes} notes, {result.size / 1024 / 1024:.1f} MB zip; {findings} scan findings allowed)")
    print(f"import                 {import_s:.1f} s  (checks and hashes {checked_s:.1f} s, then {len(done.written)} notes written)")
    print(f"report, 1,000 notes    {report_mb:.1f} MB")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 10000)
