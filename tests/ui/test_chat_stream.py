"""The Streamlit chat with an LLM endpoint: the model's words appear while the turn runs, and
sessions with the same title are told apart in the sidebar."""

import time

import pytest
from streamlit.testing.v1 import AppTest

from reelchat import store
from reelchat.ui.services import workers
from tests.openai_server import ScriptedOpenAI, streamed
from tests.ui.conftest import APP

PIECES = ["Hello", "! A video ", "about what", " would you like?"]



@pytest.fixture
def server(monkeypatch):
    scripted = ScriptedOpenAI()
    monkeypatch.setenv("REELCHAT_LLM_BASE_URL", scripted.base_url)
    monkeypatch.setenv("REELCHAT_LLM_MODEL", "scripted")
    yield scripted
    scripted.close()


def _texts(at) -> list[str]:
    return [m.markdown[0].value for m in at.chat_message if m.markdown]


def test_the_models_words_show_while_the_turn_runs(ws, server):
    server.script(streamed(*PIECES, every=0.6))
    at = AppTest.from_file(APP, default_timeout=60)
    at.run()
    next(b for b in at.button if b.label == "➕ New video").click().run()
    session_id = at.query_params["session"]
    at.chat_input[0].set_value("hi").run()
    partial = None
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline and not workers().current(session_id).finished:
        at.run()
        shown = [t for t in _texts(at) if t.startswith("Hello")]
        if shown and not workers().current(session_id).finished:
            partial = shown[0]
            break
        time.sleep(0.2)
    assert partial is not None and partial.endswith("▌")  # part of the reply, still coming
    workers().wait(session_id, timeout=30)
    at.run()
    assert _texts(at)[-1] == "".join(PIECES)


def test_sessions_with_the_same_title_are_told_apart(ws):
    first = store.create_session(ws.engine, title="Tides")
    second = store.create_session(ws.engine, title="Tides")
    store.create_session(ws.engine, title="Owls")
    at = AppTest.from_file(APP, default_timeout=60)
    at.run()
    labels = [b.label for b in at.button if "Tides" in b.label or "Owls" in b.label]
    assert "Owls" in labels and len(set(labels)) == 3
    for row in (first, second):
        assert any(label.startswith("Tides · ") and row.id[:6] in label for label in labels)
