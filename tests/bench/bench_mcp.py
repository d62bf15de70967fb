"""MCP server benchmark: prints figures, asserts nothing. Not collected by the test run.

    python tests/bench/bench_mcp.py [N]      (default 10000)

Server start (spawn to an initialised session, index already built) and the round trip of
`get_note` and `search` as an agent sees it, through the SDK's own stdio client.
"""

from __future__ import annotations

import asyncio
import os
import random
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
sys.path.insert(0, str(Path(__file__).resolve().parent))


def main(n: int) -> None:
    from bench_index import scratch_vault
    from mcp import ClientSession, StdioServerParameters
    from mcp.client.stdio import stdio_client

    from store.brain import Brain

    with scratch_vault(n) as (tmp, vault):
        with Brain(vault) as brain:
            brain.refresh()
            titles = [t for (t,) in brain.index.db.execute("SELECT title FROM notes")]
        rng = random.Random(3)
        words = ["routing", "pipeline", "owner", "sync", "note", "lead", "churn", "metric", "segment", "review"]
        params = StdioServerParameters(command=str(Path(sys.executable).with_name("substrate")), args=["mcp", str(vault)], env=dict(os.environ))

        async def run():
            started = time.perf_counter()
            async with stdio_client(params) as (read, write):
                async with ClientSession(read, write) as session:
                    await session.initialize()
                    ready = time.perf_counter() - started
                    await session.call_tool("coverage", {})  # the first report is worked out once, not timed below
                    timings = {"get_note": [], "search": []}
                    for _ in range(100):
                        for tool, args in (("get_note", {"note": rng.choice(titles)}), ("search", {"text": rng.choice(words), "limit": 10})):
                            begun = time.perf_counter()
                            await session.call_tool(tool, args)
                            timings[tool].append((time.perf_counter() - begun) * 1000)
                    return ready, timings

        ready, timings = asyncio.run(run())
    print(f"\n== the MCP server on {n} notes")
    print(f"server start          {ready * 1000:.0f} ms (spawn to an initialised session, the index already built)")
    for tool, took in timings.items():
        ordered = sorted(took)
        print(f"{tool:20}  p50 {statistics.median(took):.1f} ms, p95 {ordered[int(len(ordered) * 0.95)]:.1f} ms (round trip through stdio)")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 10000)
