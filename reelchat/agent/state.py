"""The agent graph's state: the conversation, plus a step count that bounds one turn."""

from __future__ import annotations

from langgraph.graph import MessagesState


class AgentState(MessagesState):
    steps: int
    """Model calls so far in this turn; the graph stops the turn when it reaches MAX_STEPS."""
