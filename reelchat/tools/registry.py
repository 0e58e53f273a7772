"""The agent's tools as LangChain tools: one per action, each with its pydantic argument schema.

A tool finds its session through LangGraph's run context (`get_runtime(ToolContext)`) and sends
render progress to the graph's custom stream, which the CLI and UI read.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from typing import Any

from langchain_core.tools import BaseTool, StructuredTool
from langgraph.config import get_stream_writer
from langgraph.runtime import get_runtime
from pydantic import BaseModel

from reelchat.generation.runner import RenderEvent
from reelchat.tools import actions
from reelchat.tools.arguments import (
    DescribeStoryboardArgs,
    EditStoryboardArgs,
    MakeTemplateArgs,
    PlanStoryboardArgs,
    RedoArgs,
    RenderArgs,
    RestoreVersionArgs,
    UndoArgs,
    WriteScriptArgs,
)
from reelchat.tools.context import ToolContext
from reelchat.tools.names import RENDER_TOOL


def _context() -> ToolContext:
    context = get_runtime(ToolContext).context
    writer = get_stream_writer()

    def relay(event: RenderEvent) -> None:
        context.on_event(event)
        writer({"render": dataclasses.asdict(event)})

    return dataclasses.replace(context, on_event=relay)


ACTIONS: dict[str, tuple[type[BaseModel], Callable[[ToolContext, Any], str]]] = {
    "plan_storyboard": (PlanStoryboardArgs, actions.plan_storyboard),
    "write_script": (WriteScriptArgs, actions.write_script),
    "edit_storyboard": (EditStoryboardArgs, actions.edit_storyboard),
    RENDER_TOOL: (RenderArgs, actions.render),
    "restore_version": (RestoreVersionArgs, actions.restore_version),
    "undo": (UndoArgs, actions.undo),
    "redo": (RedoArgs, actions.redo),
    "make_template": (MakeTemplateArgs, actions.make_template),
    "describe_storyboard": (
        DescribeStoryboardArgs,
        lambda context, _args: actions.describe_storyboard(context),
    ),
}
"""Every action a model (or the UI) may take, with its argument schema."""


def run_action(context: ToolContext, name: str, arguments: dict[str, Any]) -> str:
    """Validate `arguments` against the action's schema and run it (pydantic errors raise)."""
    schema, action = ACTIONS[name]
    return action(context, schema.model_validate(arguments))


def _tool(name: str) -> BaseTool:
    schema = ACTIONS[name][0]

    def run(**kwargs: Any) -> str:
        return run_action(_context(), name, kwargs)

    return StructuredTool(
        name=name, description=(schema.__doc__ or name).strip(), args_schema=schema, func=run
    )


def agent_tools() -> list[BaseTool]:
    """Every tool the agent may call: the only door from model output into reelchat."""
    return [_tool(name) for name in ACTIONS]
