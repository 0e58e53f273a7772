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
