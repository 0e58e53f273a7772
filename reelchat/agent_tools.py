"""reelchat as tools for another agent: make_video, edit_video and get_status.

`VideoTools(studio).openai_schemas()` gives OpenAI function-calling definitions and
`.call(name, arguments)` runs one; `.langchain_tools()` gives the same three as LangChain tools
for a LangGraph agent. The other agent needs to know nothing of storyboards or renders: it asks
in words and gets the video's path back.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Annotated, Any

from langchain_core.tools import BaseTool, StructuredTool
from langchain_core.utils.function_calling import convert_to_openai_tool
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from reelchat import store
from reelchat.errors import ReelchatError
from reelchat.media_library import attach_media
from reelchat.storyboard.models import MAX_SHOTS, MediaId
from reelchat.storyboard.validation import describe
from reelchat.studio import Studio
from reelchat.tools.actions import describe as describe_storyboard

MAX_MEDIA_IDS = MAX_SHOTS
"""Most media ids one call passes: one per shot of the longest storyboard."""


class _Args(BaseModel):
    model_config = ConfigDict(extra="forbid")


MediaIds = Annotated[
    list[MediaId],
    Field(
        default_factory=list, max_length=MAX_MEDIA_IDS,
        description="Pictures or clips to show, by the ids the host got when it added them "
        "(Studio.add_workspace_media or a session's add_media; 16 hex digits each), in the "
        "order the shots should show them. Ids only: files cannot be passed here.",
    ),
]  # fmt: skip


class MakeVideoArgs(_Args):
    """Make a short video from a description; returns a session id and the video's file path."""

    request: str = Field(
        min_length=1, max_length=2000,
        description="What the video should be, e.g. 'a 20 second demo of our export button'.",
    )  # fmt: skip
    media_ids: MediaIds


class EditVideoArgs(_Args):
    """Change a video made earlier ('make shot 2 longer', 'warmer colours'); only the changed
    shots are rendered again. Returns the new video's file path."""

    session_id: str = Field(pattern=r"^[0-9a-f]{6,32}$", description="From make_video.")
    request: str = Field(min_length=1, max_length=2000, description="The change, in words.")
    media_ids: MediaIds


class GetStatusArgs(_Args):
    """The storyboard, the latest video and any render in progress for a video session."""

    session_id: str = Field(pattern=r"^[0-9a-f]{6,32}$", description="From make_video.")


class VideoTools:
    """make_video / edit_video / get_status over a Studio."""

    def __init__(self, studio: Studio) -> None:
        self.studio = studio
        self._tools: dict[str, tuple[type[BaseModel], Callable[[Any], dict[str, Any]]]] = {
            "make_video": (MakeVideoArgs, self.make_video),
            "edit_video": (EditVideoArgs, self.edit_video),
            "get_status": (GetStatusArgs, self.get_status),
        }

    def make_video(self, args: MakeVideoArgs) -> dict[str, Any]:
        engine = self.studio.workspace.engine
        for media_id in args.media_ids:  # all known before a session is made
            store.get_media_item(engine, media_id=media_id)
        session = self.studio.new_session()
        attach_media(self.studio.workspace, args.media_ids, scope=session.id)
        return self._result(session.id, session.ask(args.request))

    def edit_video(self, args: EditVideoArgs) -> dict[str, Any]:
        session = self.studio.session(args.session_id)
        attach_media(self.studio.workspace, args.media_ids, scope=session.id)
        return self._result(session.id, session.ask(args.request))

    def get_status(self, args: GetStatusArgs) -> dict[str, Any]:
        session = self.studio.session(args.session_id)
        engine = self.studio.workspace.engine
        live = store.live_job(engine, session_id=session.id)  # a dead runner renders nothing
        board = session.storyboard
        return {
            "session_id": session.id,
            "storyboard": describe_storyboard(board) if board else None,
            "video_path": str(session.video_path) if session.video_path else None,
            "rendering": live is not None,
            "progress": live.progress if live is not None else None,
        }

    def _result(self, session_id: str, reply: str) -> dict[str, Any]:
        status = self.get_status(GetStatusArgs(session_id=session_id))
        return {"reply": reply, **status}

    def openai_schemas(self) -> list[dict[str, Any]]:
        """Definitions for the `tools` parameter of an OpenAI chat-completions request."""
        schemas = []
        for name, (schema, _) in self._tools.items():
            definition = convert_to_openai_tool(schema)
            definition["function"]["name"] = name
            schemas.append(definition)
        return schemas

    def call(self, name: str, arguments: str | dict[str, Any]) -> dict[str, Any]:
        """Run a tool call as a model sent it; errors come back as {'error': ...}, never raised."""
        if not isinstance(name, str) or name not in self._tools:
            shown = repr(name)[:80]
            return {"error": f"unknown tool {shown}; tools: {', '.join(self._tools)}"}
        schema, run = self._tools[name]
        try:
            raw = json.loads(arguments) if isinstance(arguments, str) else arguments
            return run(schema.model_validate(raw))
        except json.JSONDecodeError as error:
            return {"error": f"arguments are not valid JSON: {error}"}
        except RecursionError:
            return {"error": "arguments are nested too deeply; send one flat JSON object"}
        except ValidationError as error:
            return {"error": describe(error)}
        except ReelchatError as error:
            return {"error": str(error)}

    def langchain_tools(self) -> list[BaseTool]:
        """The same tools for LangChain / LangGraph agents."""
        tools = []
        for name, (schema, _) in self._tools.items():

            def run(_name: str = name, **kwargs: Any) -> str:
                return json.dumps(self.call(_name, kwargs))

            tools.append(
                StructuredTool(
                    name=name,
                    description=(schema.__doc__ or name).strip(),
                    args_schema=schema,
                    func=run,
                )  # fmt: skip
            )
        return tools
