"""Reading a model's text: thinking removed, tool calls written as text found, sizes capped."""

import json
import time

import pytest

from reelchat.agent.replies import (
    MAX_REPLY_CHARS,
    capped,
    tool_calls_in_text,
    visible,
    without_thinking,
)

NAMES = {"plan_storyboard", "render"}
CALL = json.dumps({"name": "render", "arguments": {"shots": [2]}})


@pytest.mark.parametrize(
    ("text", "kept"),
    [
        ("<think>plan it</think>\n\nHere you go.", "Here you go."),
        ("Hi. <think>a</think>Then <think>b</think>done.", "Hi. Then done."),
        ("Answer first. <think>never closed", "Answer first."),
        ("reasoning whose opening tag was in the prompt</think>The reply.", "The reply."),
        ("No thinking at all.", "No thinking at all."),
    ],
)
def test_thinking_is_removed_in_every_form(text, kept):
    assert without_thinking(text) == kept


def test_what_streams_stops_at_a_tool_call_written_as_text():
    assert visible("<think>x</think>Let me render. <tool_call>{") == "Let me render."


@pytest.mark.parametrize(
    "text",
    [
        f"<tool_call>{CALL}</tool_call>",
        f"<tool_call>\n{CALL}",  # never closed (cut off after the call)
        f"Sure.\n```json\n{CALL}\n```",
        f"```\n{CALL}\n```",
        CALL,
        json.dumps({"function": {"name": "render", "arguments": json.dumps({"shots": [2]})}}),
        json.dumps({"name": "render", "parameters": {"shots": [2]}}),
    ],
)
def test_a_tool_call_written_as_text_is_read(text):
    calls, _ = tool_calls_in_text(text, NAMES)
    assert [(c["name"], c["args"]) for c in calls] == [("render", {"shots": [2]})]
    assert calls[0]["id"].startswith("call_")


def test_several_calls_in_tags_are_all_read_and_the_words_around_them_kept():
    text = f"First <tool_call>{CALL}</tool_call> then <tool_call>{CALL}</tool_call> ok"
    calls, rest = tool_calls_in_text(text, NAMES)
    assert len(calls) == 2 and rest == "First  then  ok"


@pytest.mark.parametrize(
    "text",
    [
        json.dumps({"name": "delete_everything", "arguments": {}}),  # not a tool
        json.dumps({"name": "render", "arguments": "not json"}),
        '{"title": "A plan", "shots": []}',  # JSON, but no call
        "```python\nprint('hi')\n```",
        "I think {braces} are fine in prose.",
    ],
)
def test_text_that_is_not_a_call_stays_text(text):
    assert tool_calls_in_text(text, NAMES) == ([], text)


def test_pathological_text_is_read_in_linear_time():
    for text in ("```{" * 27_000, "<tool_call>{" * 9_000, "{" * 100_000, '{"a": "' * 15_000):
        started = time.monotonic()
        assert tool_calls_in_text(text, NAMES)[0] == []
        assert time.monotonic() - started < 2.0, text[:20]  # quadratic took minutes


def test_a_long_reply_is_cut_and_says_so():
    assert capped("short") == "short"
    long = "word " * 5_000
    cut = capped(long)
    assert cut.startswith(long[:100]) and len(cut) < MAX_REPLY_CHARS + 200
    assert "the model wrote 25,000 characters; reelchat keeps the first 8,000" in cut
