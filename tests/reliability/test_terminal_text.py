"""Text that reaches a terminal: markup and escape bytes in a person's or a model's words are
shown as typed, never interpreted (issue 17, "Text that reaches a terminal")."""

from __future__ import annotations

import io

import pytest
from rich.console import Console
from typer.testing import CliRunner

from reelchat import store
from reelchat.agent.conversation import AgentEvent
from reelchat.cli import app
from reelchat.display import TurnPrinter, terminal_text
from tests.conftest import make_storyboard

runner = CliRunner()
HOSTILE = "Q3 [/] report [/x] [bold]x\x1b[2J\x1b[31my\x1b]0;owned\x07\x9b\u202e"


@pytest.fixture
def cli(workspace, monkeypatch):
    monkeypatch.setenv("REELCHAT_WORKSPACE", str(workspace.root))
    return lambda *args, input=None: runner.invoke(app, [str(a) for a in args], input=input)


@pytest.fixture
def hostile_session(workspace):
    board = make_storyboard(1)
    board = board.model_copy(
        update={
            "script": board.script.model_copy(update={"title": HOSTILE}),
            "shots": [board.shots[0].model_copy(update={"title": HOSTILE, "prompt": HOSTILE})],
        }
    )
    row = store.create_session(workspace.engine, title=HOSTILE)
    store.add_version(workspace.engine, session_id=row.id, storyboard=board, note=HOSTILE)
    store.add_message(workspace.engine, session_id=row.id, role="user", content=HOSTILE)
    return row.id


def _shown_as_typed(output: str) -> None:
    assert "\x1b" not in output and "\x9b" not in output and "\u202e" not in output
    assert "[/]" in output and "[/x]" in output and "[bold]x" in output


def test_markup_and_escape_bytes_in_titles_and_messages_print_as_typed(cli, hostile_session):
    for command in (
        ("sessions", "list"),
        ("sessions", "show", hostile_session),
        ("storyboard", "show", hostile_session),
    ):
        result = cli(*command)
        assert result.exit_code == 0, (command, result.output)
        _shown_as_typed(result.stdout)


def test_model_reply_tool_name_and_error_print_as_typed():
    buffer = io.StringIO()
    console = Console(file=buffer, width=200, force_terminal=False)
    printer = TurnPrinter(console, console)
    printer.handle(AgentEvent("tool_call", HOSTILE))
    printer.handle(AgentEvent("tool_result", HOSTILE, {"name": "render", "error": True}))
    printer.handle(AgentEvent("reply", HOSTILE))
    _shown_as_typed(buffer.getvalue())


def test_printed_path_with_brackets_keeps_them(cli, tmp_path):
    board = tmp_path / "board.json"
    board.write_text(make_storyboard(1).to_json())
    target = tmp_path / "[draft]" / "video.mp4"
    result = cli("render", board, "--no-narration", "-o", target)
    assert result.exit_code == 0, result.output
    assert str(target) in "".join(result.stdout.split("\n"))
    assert target.is_file()


def test_terminal_text_is_the_one_helper():
    assert terminal_text("a\x1b[2Jb\tc\nd\x07") == "ab\tc\nd"
    assert terminal_text("[red]x[/red]") == "\\[red]x\\[/red]"
