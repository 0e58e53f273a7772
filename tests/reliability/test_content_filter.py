"""The optional content filter: a blocklist offline, an OpenAI-compatible moderation endpoint
when set. A refused message or storyboard changes nothing and says why."""

from __future__ import annotations

import pytest
from typer.testing import CliRunner

from reelchat import store
from reelchat.agent.conversation import Conversation
from reelchat.cli import app
from reelchat.config import Settings
from reelchat.content_filter import ContentFilter
from reelchat.errors import ContentBlocked, ReelchatError
from reelchat.generation.stitch import StitchOptions
from reelchat.storyboard import edits
from tests.conftest import make_storyboard, store_counts

QUIET = StitchOptions(captions=False, narration=False)


def _planned(workspace, settings) -> Conversation:
    """A conversation whose session has a small storyboard (planned without the chat)."""
    chat = Conversation(workspace, settings=settings, stitch=QUIET)
    store.add_version(workspace.engine, session_id=chat.session_id, storyboard=make_storyboard(2))
    return chat


def test_off_by_default_checks_nothing(workspace):
    ContentFilter.from_settings(Settings(workspace=workspace.root)).check("gore", what="x")


def test_blocklist_words_match_whole_words_case_insensitively(workspace):
    workspace.root.mkdir(parents=True)
    (workspace.root / "blocklist.txt").write_text("# one a line\nGore\nbrand x\n")
    content = ContentFilter.from_settings(
        Settings(workspace=workspace.root, content_filter="blocklist", blocklist=["spoiler"])
    )
    for text in ("so much GORE here", "a demo of Brand X", "no spoiler!"):
        with pytest.raises(ContentBlocked, match="blocklist does not allow"):
            content.check(text, what="your message")
    for text in ("gorgeous mountains", "brand xylophone", "spoilers"):  # not whole words
        content.check(text, what="your message")


def test_a_blocked_message_is_refused_before_anything_is_stored(workspace):
    settings = Settings(workspace=workspace.root, content_filter="blocklist", blocklist=["gore"])
    chat = _planned(workspace, settings)
    before = store_counts(workspace)
    with pytest.raises(ContentBlocked, match="your message contains 'gore'"):
        list(chat.send("add a shot of gore"))
    assert store_counts(workspace) == before


def test_a_storyboard_with_a_blocked_prompt_is_not_rendered(workspace):
    settings = Settings(workspace=workspace.root, content_filter="blocklist", blocklist=["gore"])
    chat = _planned(workspace, settings)
    board = store.get_version(workspace.engine, session_id=chat.session_id).storyboard
    edited = edits.update_shot(board, 2, prompt="waves full of gore").storyboard
    store.add_version(workspace.engine, session_id=chat.session_id, storyboard=edited)
    before = store_counts(workspace)
    files = sorted(workspace.session_dir(chat.session_id).rglob("*"))
    with pytest.raises(ContentBlocked, match="shot 2 contains 'gore'"):
        chat.render()
    assert store_counts(workspace) == before  # no job, clip or video row
    assert sorted(workspace.session_dir(chat.session_id).rglob("*")) == files


def test_cli_render_refuses_a_blocked_storyboard_file(workspace, tmp_path, monkeypatch):
    monkeypatch.setenv("REELCHAT_WORKSPACE", str(workspace.root))
    monkeypatch.setenv("REELCHAT_CONTENT_FILTER", "blocklist")
    monkeypatch.setenv("REELCHAT_BLOCKLIST", '["lighthouse"]')
    board_file = tmp_path / "board.json"
    board_file.write_text(make_storyboard(1).to_json())
    result = CliRunner().invoke(app, ["render", str(board_file)])
    assert result.exit_code == 1 and "blocklist does not allow" in result.stderr
    assert store.list_sessions(workspace.engine) == []


def test_moderation_endpoint_flags_messages_and_prompts(workspace, server):
    server.flagged_words = {"violent"}
    settings = Settings(
        workspace=workspace.root, content_filter="moderation",
        moderation_base_url=server.base_url,
    )  # fmt: skip
    chat = _planned(workspace, settings)
    list(chat.send("what can you do?"))  # allowed: the offline planner answers in words
    assert len(server.moderations) == 1 and server.requests == []
    before = store_counts(workspace)
    with pytest.raises(ContentBlocked, match=r"flagged by the moderation endpoint \(violence\)"):
        list(chat.send("make it violent"))
    assert store_counts(workspace) == before
    board = store.get_version(workspace.engine, session_id=chat.session_id).storyboard
    edited = edits.update_shot(board, 1, narration="a violent storm").storyboard
    store.add_version(workspace.engine, session_id=chat.session_id, storyboard=edited)
    with pytest.raises(ContentBlocked, match="shot 1 was flagged"):
        chat.render()
    assert server.moderations[-1]["model"] == "omni-moderation-latest"


def test_an_unreachable_moderation_endpoint_refuses_rather_than_lets_through(workspace, server):
    url = server.base_url
    server.close()
    content = ContentFilter.from_settings(
        Settings(workspace=workspace.root, content_filter="moderation", moderation_base_url=url)
    )
    with pytest.raises(ContentBlocked, match="moderation endpoint did not answer"):
        content.check("hello", what="your message")


def test_moderation_without_an_endpoint_is_a_clear_settings_error(workspace):
    with pytest.raises(ReelchatError, match="REELCHAT_MODERATION_BASE_URL"):
        ContentFilter.from_settings(Settings(workspace=workspace.root, content_filter="moderation"))


# --- issue 17: look-alike spellings, and a moderation endpoint that fails closed ---------

LOOKALIKES = ["g\u200bore", "go\u00adre", "ｇｏｒｅ", "g\u043ere", "G\u041eRE", "g\u200dor\u00ade",
              "\u0261ore", "gor\u0435"]  # fmt: skip


def test_blocklist_sees_through_zero_width_soft_hyphen_fullwidth_and_confusable_letters(
    workspace,
):
    content = ContentFilter.from_settings(
        Settings(workspace=workspace.root, content_filter="blocklist", blocklist=["gore"])
    )
    for spelling in LOOKALIKES:
        with pytest.raises(ContentBlocked, match="blocklist does not allow"):
            content.check(f"lots of {spelling} here", what="your message")
        board = make_storyboard(1)
        shot = board.shots[0].model_copy(update={"caption": f"lots of {spelling} here"})
        with pytest.raises(ContentBlocked):
            content.check_storyboard(board.model_copy(update={"shots": [shot]}))
    for fine in ("gorgeous", "Привет мир", "café crème"):
        content.check(fine, what="your message")


def _hostile_moderation(body: bytes):
    import threading
    from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):  # noqa: N802
            self.rfile.read(int(self.headers.get("content-length", 0)))
            self.send_response(200)
            kind = "text/html" if body.startswith(b"<") else "application/json"
            self.send_header("content-type", kind)
            self.send_header("content-length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *_args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


@pytest.mark.parametrize(
    "body",
    [b'{"id":"x","model":"m","results":[]}', b"{}", b"<html>hello</html>", b"null",
     b'{"id":"x","model":"m","results":[{"flagged":null,"categories":{},"category_scores":{}}]}'],
)  # fmt: skip
def test_moderation_fails_closed_on_answers_without_a_verdict(workspace, body):
    server = _hostile_moderation(body)
    try:
        content = ContentFilter.from_settings(
            Settings(
                workspace=workspace.root, content_filter="moderation", llm_max_retries=0,
                moderation_base_url=f"http://127.0.0.1:{server.server_address[1]}/v1",
            )
        )  # fmt: skip
        chat = Conversation(workspace, settings=Settings(workspace=workspace.root), stitch=QUIET)
        chat.context = chat.context.__class__(**{**chat.context.__dict__, "content": content})
        with pytest.raises(ContentBlocked, match="fails closed|did not answer"):
            list(chat.send("gore gore gore"))
        assert store.list_messages(workspace.engine, session_id=chat.session_id) == []
    finally:
        server.shutdown()
