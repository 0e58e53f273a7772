"""reelchat's tools as another agent sees them: OpenAI schemas, LangChain tools, a LangGraph
agent of its own driven through a scripted OpenAI-protocol server."""

import importlib.util
import json
from pathlib import Path

import jsonschema
import pytest

from reelchat import Studio, VideoTools
from reelchat.generation.stitch import StitchOptions
from tests.openai_server import ScriptedOpenAI, reply, tool_call

REQUEST = "a 4 second explainer on owls, 2 shots, 360p, 8 fps"


@pytest.fixture
def tools(tmp_path):
    return VideoTools(Studio(tmp_path / "ws", stitch=StitchOptions(narration=False)))


def test_openai_schemas_are_valid_and_calls_through_them_make_videos(tools):
    schemas = {s["function"]["name"]: s for s in tools.openai_schemas()}
    assert set(schemas) == {"make_video", "edit_video", "get_status"}
    for schema in schemas.values():
        assert schema["type"] == "function" and schema["function"]["description"]
        jsonschema.Draft202012Validator.check_schema(schema["function"]["parameters"])
    arguments = {"request": REQUEST}
    jsonschema.validate(arguments, schemas["make_video"]["function"]["parameters"])

    made = tools.call("make_video", json.dumps(arguments))
    assert Path(made["video_path"]).is_file() and "Owls" in made["storyboard"]
    edited = tools.call("edit_video", {"session_id": made["session_id"],
                                       "request": "make shot 2 longer"})  # fmt: skip
    assert edited["video_path"] != made["video_path"]
    status = tools.call("get_status", {"session_id": made["session_id"]})
    assert status["rendering"] is False and status["video_path"] == edited["video_path"]


@pytest.mark.parametrize(
    ("name", "arguments", "error"),
    [
        ("make_video", "{not json", "not valid JSON"),
        ("make_video", {"request": ""}, "request"),
        ("edit_video", {"session_id": "../../etc", "request": "x"}, "session_id"),
        ("get_status", {"session_id": "abcdef123456"}, "no session"),
        ("delete_everything", {}, "unknown tool"),
    ],
)
def test_bad_calls_come_back_as_errors(tools, name, arguments, error):
    assert error in tools.call(name, arguments)["error"]


def test_a_langgraph_agent_of_its_own_calls_make_video(tmp_path):
    spec = importlib.util.spec_from_file_location(
        "langgraph_agent", Path(__file__).parents[1] / "examples" / "langgraph_agent.py"
    )
    example = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(example)
    from langchain_openai import ChatOpenAI

    server = ScriptedOpenAI()
    try:
        server.script(
            reply(calls=[tool_call("make_video", {"request": REQUEST})]),
            reply("Here is the video."),
        )
        model = ChatOpenAI(model="scripted", base_url=server.base_url, api_key="x", max_retries=0)
        studio = Studio(tmp_path / "ws", stitch=StitchOptions(narration=False))
        result = example.build_agent(model, studio).invoke({"messages": [("user", "show me")]})
        tool_result = json.loads(result["messages"][2].content)
        assert Path(tool_result["video_path"]).is_file()
        assert result["messages"][-1].content == "Here is the video."
    finally:
        server.close()


def test_make_and_edit_video_take_media_the_host_added_by_id(tools):
    import io

    from PIL import Image

    from reelchat.media_library import list_media

    def picture(colour):
        data = io.BytesIO()
        Image.new("RGB", (32, 18), colour).save(data, format="PNG")
        return data.getvalue()

    first = tools.studio.add_workspace_media(picture("red"), label="home.png")
    second = tools.studio.add_workspace_media(picture("blue"), label="editor.png")
    schema = {s["function"]["name"]: s for s in tools.openai_schemas()}["make_video"]
    arguments = {"request": REQUEST, "media_ids": [second.id, first.id]}
    jsonschema.validate(arguments, schema["function"]["parameters"])

    made = tools.call("make_video", arguments)
    session = tools.studio.session(made["session_id"])
    own = [(e.id, e.label) for e in session.media() if e.scope == session.id]
    assert own == [(second.id, "editor.png"), (first.id, "home.png")]
    shown = [shot.media.id for shot in session.storyboard.shots if shot.media]
    assert shown == [second.id, first.id]

    third = tools.studio.add_workspace_media(picture("green"), label="export.png")
    tools.call("edit_video", {"session_id": session.id, "request": "make shot 2 longer",
                              "media_ids": [third.id]})  # fmt: skip
    assert third.id in [e.id for e in list_media(tools.studio.workspace, session.id)
                        if e.scope == session.id]  # fmt: skip


@pytest.mark.parametrize(
    ("arguments", "error"),
    [
        ({"request": "a demo", "media_ids": ["0123456789abcdef"]}, "no media item with id"),
        ({"request": "a demo", "media_ids": ["../../etc/passwd"]}, "media_ids"),
        ({"request": "a demo", "media_ids": ["/home/me/shot.png"]}, "media_ids"),
    ],
)
def test_unknown_media_ids_or_paths_are_refused_before_a_session_is_made(tools, arguments, error):
    result = tools.call("make_video", arguments)
    assert error in result["error"]
    assert tools.studio.sessions() == []
