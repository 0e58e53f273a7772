"""The Streamlit page, driven with Streamlit's AppTest: the real script, the real store."""

import re
import time

from streamlit.testing.v1 import AppTest

from reelchat import store
from reelchat.ui.services import workers
from tests.ui.conftest import APP, run_app

REQUEST = "a 4 second explainer on owls, 2 shots, 360p, 8 fps"




def _button(at, label):
    return next(b for b in at.button if b.label == label)


def _new_session(at, ws):
    _button(at, "➕ New video").click().run()
    (session,) = [s for s in store.list_sessions(ws.engine) if s.id == at.query_params["session"]]
    return session.id


def _finish(at, session_id):
    turn = workers().wait(session_id, timeout=120)
    assert turn is not None and turn.finished and not turn.error, turn and turn.error
    at.run()
    return turn


def _chat(at, session_id, text):
    at.chat_input[0].set_value(text).run()
    return _finish(at, session_id)


def test_a_new_session_is_selected_and_survives_a_reload(ws):
    at = run_app()
    assert "Make a video by chatting" in at.title[0].value
    session_id = _new_session(at, ws)
    reloaded = AppTest.from_file(APP, default_timeout=60)
    reloaded.query_params["session"] = session_id
    reloaded.run()
    assert reloaded.subheader[0].value == "Chat"
    assert any(b.label.startswith("▶ ") for b in reloaded.button)


def test_a_chat_turn_makes_a_storyboard_and_a_video(ws):
    at = run_app()
    session_id = _new_session(at, ws)
    _chat(at, session_id, REQUEST)
    messages = [m.markdown[0].value for m in at.chat_message]
    assert messages[0] == REQUEST and "Video ready" in messages[1]
    assert "Owls" in at.markdown[0].value or any("Owls" in m.value for m in at.markdown)
    assert [f.label for f in at.text_input if f.label == "Title"] == ["Title", "Title"]
    assert store.list_videos(ws.engine, session_id=session_id)


def test_an_edit_from_the_board_rerenders_only_that_shot_and_shows_in_the_chat(ws):
    at = run_app()
    session_id = _new_session(at, ws)
    _chat(at, session_id, REQUEST)
    seconds = [n for n in at.number_input if n.label == "Seconds"]
    seconds[0].set_value(4.0)
    at.button(
        key="FormSubmitter:shot-"
        + store.get_version(ws.engine, session_id=session_id).storyboard.shots[0].id
        + "-Save shot"
    ).click().run()
    _finish(at, session_id)
    board = store.get_version(ws.engine, session_id=session_id).storyboard
    assert board.shots[0].duration == 4.0
    job = store.list_jobs(ws.engine, session_id=session_id)[-1]
    assert [r.status for r in store.job_shots(ws.engine, job_id=job.id)] == ["rendered", "cached"]
    chat = [m.markdown[0].value for m in at.chat_message]
    assert any(text.startswith("Board: shot 1, duration → 4.0") for text in chat)


def test_switching_sessions(ws):
    at = run_app()
    first = _new_session(at, ws)
    store.rename_session(ws.engine, session_id=first, title="First video")
    second = _new_session(at, ws)
    assert at.query_params["session"] == second
    _button(at, "First video").click().run()
    assert at.query_params["session"] == first


def test_bad_input_is_an_inline_error_and_loses_nothing(ws):
    at = run_app()
    session_id = _new_session(at, ws)
    at.chat_input[0].set_value("   ").run()
    assert any("message is empty" in e.value for e in at.error)
    assert store.list_messages(ws.engine, session_id=session_id) == []

    _chat(at, session_id, REQUEST)
    before = store.list_versions(ws.engine, session_id=session_id)
    messages = store.list_messages(ws.engine, session_id=session_id)
    shot = store.get_version(ws.engine, session_id=session_id).storyboard.shots[1]
    [n for n in at.number_input if n.label == "Seconds"][1].set_value(25.0)
    at.button(key=f"FormSubmitter:shot-{shot.id}-Save shot").click().run()
    assert any("duration" in e.value and "20" in e.value for e in at.error), [
        e.value for e in at.error
    ]
    assert store.list_versions(ws.engine, session_id=session_id) == before
    assert store.list_messages(ws.engine, session_id=session_id) == messages
    assert not workers().busy(session_id)
    time.sleep(0.1)


def test_deleting_a_session_another_process_renders_is_refused_inline(ws):
    import subprocess
    import sys
    from datetime import UTC, datetime

    at = run_app()
    session_id = _new_session(at, ws)
    job = store.create_job(ws.engine, session_id=session_id, version_number=1, backend="b",
                           shots=[])  # fmt: skip
    runner = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    try:
        host = store.runner_id().split(":")[0]
        owner, now = f"{host}:{runner.pid}:x", datetime.now(UTC)
        store.update_job(
            ws.engine, job_id=job.id, status=store.JobStatus.running, owner=owner, heartbeat_at=now
        )
        _button(at, "Delete session").click().run()
        _button(at, "Yes, delete").click().run()
        assert any("is rendering" in e.value for e in at.error)
        assert store.get_session(ws.engine, session_id=session_id)
    finally:
        runner.kill()
        runner.wait()


def test_the_page_never_sends_a_secret_to_the_browser(ws, monkeypatch):
    secret = "sk-SERVER-SECRET-42"
    monkeypatch.setenv("OPENAI_API_KEY", secret)
    at = run_app()
    sent = [w.value for w in at.text_input] + [w.placeholder for w in at.text_input]
    sent += [str(element.value) for element in (*at.markdown, *at.caption)]
    assert not [text for text in sent if secret in str(text)]
    key_field = next(w for w in at.text_input if w.label == "API key")
    assert key_field.value == "" and "a key is set" in key_field.placeholder


def test_markdown_from_models_and_titles_cannot_link_load_or_inject(ws):
    from reelchat.storyboard.validation import parse_storyboard

    sid = store.create_session(ws.engine, title="t").id
    hostile = ("Done! ![](http://127.0.0.1:9/pixel.png?leak=1) [open](javascript:alert(1)) "
               "<img src=x onerror=alert(1)> <http://127.0.0.1:9/auto>")  # fmt: skip
    store.add_message(ws.engine, session_id=sid, role="user", content="hi [x](http://a.example)")
    store.add_message(ws.engine, session_id=sid, role="assistant", content=hostile)
    board = parse_storyboard({"script": {"title": "![x](http://127.0.0.1:9/t.png)"},
                              "shots": [{"title": "a", "prompt": "b"}]})  # fmt: skip
    store.add_version(ws.engine, session_id=sid, storyboard=board, note="[n](javascript:x)")
    at = AppTest.from_file(APP, default_timeout=60)
    at.query_params["session"] = sid
    at.run()
    bodies = [m.value for m in at.markdown]
    assert any("open (`javascript:alert(1`)" in b for b in bodies), bodies  # shown, not linked
    for body in bodies:
        assert not re.search(r"!\[[^\]]*\]\(", body.replace("\\[", "")), body  # no image
        assert not re.search(r"(?<!\\)\[[^\]]*\]\((?!`)", body), body  # no link
        assert not re.search(r"(?<!\\)<", body), body  # no raw HTML, no <autolink>
        assert all(not m.allow_html for m in at.markdown)
