"""Another LangGraph agent that makes videos by calling reelchat's tools.

    OPENAI_BASE_URL=... OPENAI_API_KEY=... python examples/langgraph_agent.py "a demo of ..."

The agent is a plain LangGraph tool loop (model -> ToolNode -> model) with its own LLM; reelchat
is just three tools to it (make_video, edit_video, get_status) and renders in this process.
"""

from __future__ import annotations

import os
import sys

from langchain_core.language_models import BaseChatModel
from langchain_core.messages import SystemMessage
from langgraph.graph import START, MessagesState, StateGraph
from langgraph.graph.state import CompiledStateGraph
from langgraph.prebuilt import ToolNode, tools_condition

from reelchat import Studio, VideoTools

PROMPT = (
    "You are a sales assistant. When a customer wants to see a feature, call make_video with a "
    "short description, then give them the video_path from the result."
)


def build_agent(model: BaseChatModel, studio: Studio) -> CompiledStateGraph:
    tools = VideoTools(studio).langchain_tools()
    bound = model.bind_tools(tools)

    def assistant(state: MessagesState) -> dict:
        return {"messages": [bound.invoke([SystemMessage(PROMPT), *state["messages"]])]}

    graph = StateGraph(MessagesState)
    graph.add_node("assistant", assistant)
    graph.add_node("tools", ToolNode(tools))
    graph.add_edge(START, "assistant")
    graph.add_conditional_edges("assistant", tools_condition)
    graph.add_edge("tools", "assistant")
    return graph.compile()


def main() -> None:
    from langchain_openai import ChatOpenAI

    model = ChatOpenAI(model=os.environ.get("REELCHAT_LLM_MODEL", "gpt-4o-mini"))
    agent = build_agent(model, Studio())
    request = " ".join(sys.argv[1:]) or "Show me how the export button works"
    result = agent.invoke({"messages": [("user", request)]})
    print(result["messages"][-1].content)


if __name__ == "__main__":
    main()
