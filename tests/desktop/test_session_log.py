"""The session log lists every note written while the vault is open: by the app, by an agent over MCP."""

from __future__ import annotations

import asyncio
import os
import sys
from pathlib import Path

from mcp import ClientSession, StdioServerParameters
from mcp.client.stdio import stdio_client

from tests.desktop.conftest import open_and_wait, wait_for_note

SCRIPT = Path(sys.executable).with_name("substrate")


def agent_captures(vault: Path, data: Path) -> dict:
    params = StdioServerParameters(command=str(SCRIPT), args=["mcp", str(vault), "--allow-capture"],
                                   env={**os.environ, "SUBSTRATE_DATA_DIR": str(data)})

    async def run():
        async with stdio_client(params) as (read, write):
            async with ClientSession(read, write) as session:
                await session.initialize()
                made = await session.call_tool("capture", {"title": "Territory Rules", "type": "process", "owner": "Marcus Lee",
                                                          "lives_in": "head", "text": "Round robin inside each territory."})
                return made.structuredContent

    return asyncio.run(asyncio.wait_for(run(), timeout=60))


def test_an_agents_capture_shows_in_the_apps_session_log_and_its_lists(qtbot, window, sample_vault, tmp_path):
    open_and_wait(qtbot, window, sample_vault, notes=87)
    window.session_log_dock.show()
    assert window.session_log.model.rowCount() == 0 and "nothing written yet" in window.session_log.summary.text()
    # The app keeps the index live, so the server reads it (read-only) and the app's watcher picks the note up.
    made = agent_captures(sample_vault, tmp_path / "data")
    assert made["path"] == "processes/Territory Rules.md"
    qtbot.waitUntil(lambda: window.session_log.model.rowCount() == 1, timeout=10000)
    row = [window.session_log.model.index(0, column).data() for column in range(4)]
    assert row[1:] == ["An agent", "created", "processes/Territory Rules.md"]
    assert "1 note written" in window.session_log.summary.text()
    qtbot.waitUntil(lambda: window.notes.rowCount() == 88, timeout=10000)
    window.session_log.table.activated.emit(window.session_log.model.index(0, 3))
    wait_for_note(qtbot, window, "processes/Territory Rules.md")
    assert "Round robin inside each territory." in window.note_view.toPlainText()


def test_a_note_written_from_the_map_is_logged_as_yours(qtbot, window, sample_vault):
    open_and_wait(qtbot, window, sample_vault, notes=87)
    window.writing.write_note("Churn Model", "Needed by: Score win-back candidates.").capture_button.click()
    qtbot.waitUntil(lambda: window.session_log.model.rowCount() == 1, timeout=10000)
    assert [window.session_log.model.index(0, c).data() for c in (1, 2)] == ["You", "created"]
