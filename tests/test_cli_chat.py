"""`reelchat chat` shows the model's words as they stream, once; `reelchat ui` leaves no server."""

import os
import signal
import socket
import subprocess
import sys
import time

from typer.testing import CliRunner

from reelchat.cli import app
from tests.openai_server import ONE_SHOT_PLAN as PLAN
from tests.openai_server import reply, streamed, tool_call


def _chat(workspace, server, monkeypatch, lines):
    monkeypatch.setenv("REELCHAT_WORKSPACE", str(workspace.root))
    monkeypatch.setenv("REELCHAT_LLM_BASE_URL", server.base_url)
    monkeypatch.setenv("REELCHAT_LLM_API_KEY", "k")
    result = CliRunner().invoke(
        app, ["chat", "--no-narration", "--no-captions"], input="\n".join([*lines, "quit", ""])
    )
    assert result.exit_code == 0, result.output
    return result.output


def test_streamed_words_are_printed_once_without_thinking(workspace, server, monkeypatch):
    server.script(
        streamed("<think>", "they greet me", "</think>", "Hello", "! What should", " it be about?")
    )
    output = _chat(workspace, server, monkeypatch, ["hi"])
    assert output.count("reelchat: Hello! What should it be about?\n") == 1
    assert "Hello" not in output.replace("reelchat: Hello! What should it be about?", "")
    assert "greet" not in output


def test_text_before_a_tool_call_and_the_reply_after_it_are_both_shown(
    workspace, server, monkeypatch
):
    server.script(
        reply("Let me plan that.", calls=[tool_call("plan_storyboard", PLAN)]),
        streamed("Planned: ", "one shot."),
    )
    output = _chat(workspace, server, monkeypatch, ["a tides video"])
    assert "reelchat: Let me plan that.\n" in output
    assert output.count("Planned: one shot.") == 1


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _serving(port: int) -> bool:
    with socket.socket() as probe:
        return probe.connect_ex(("127.0.0.1", port)) == 0


def test_sigterm_to_reelchat_ui_stops_its_streamlit_server(tmp_path):
    port = _free_port()
    ui = subprocess.Popen(
        [sys.executable, "-c", "from reelchat.cli import app; app()", "ui", "--port", str(port),
         "--workspace", str(tmp_path / "ws")],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    try:
        deadline = time.monotonic() + 90
        while not _serving(port) and time.monotonic() < deadline:
            time.sleep(0.2)
        assert _serving(port), "streamlit did not start"
        os.kill(ui.pid, signal.SIGTERM)  # to reelchat only, as a service manager does
        ui.wait(timeout=20)
        deadline = time.monotonic() + 10
        while _serving(port) and time.monotonic() < deadline:
            time.sleep(0.2)
        assert not _serving(port), "the streamlit child still serves the port"
    finally:
        if ui.poll() is None:
            ui.kill()


def test_attach_adds_a_file_to_the_session_and_says_what_it_got(
    workspace, server, monkeypatch, tmp_path
):
    from PIL import Image

    from reelchat import store

    picture = tmp_path / "export.png"
    Image.new("RGB", (64, 40), "red").save(picture)
    server.script(reply("Got it."))
    output = _chat(
        workspace, server, monkeypatch, [f"/attach {picture}", f"/attach {tmp_path}/none.png", "hi"]
    )
    (session,) = store.list_sessions(workspace.engine)
    ((listing, item),) = store.media_listings(workspace.engine, scope=session.id)
    assert listing.label == "export.png" and item.kind == "image"
    assert f"attached export.png: id {item.id}, image, 64x40," in output
    assert "none.png" in output and "error" in output  # a missing file is said; the chat goes on
    assert "reelchat: Got it." in output
    system = server.requests[0]["messages"][0]["content"]
    assert f'{item.id} image 64x40 "export.png"' in system
