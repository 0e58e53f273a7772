"""reelchat: turn a chat into a finished video.

The library surface: `Studio` (a workspace of sessions), `StudioSession` (send a message,
read the storyboard and the video), `AgentEvent` (what a turn streams), and `video_tools`
(reelchat as tools for another agent: OpenAI function schemas or LangChain tools).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"
__all__ = ["AgentEvent", "Studio", "StudioSession", "VideoTools", "__version__"]

if TYPE_CHECKING:
    from reelchat.agent.conversation import AgentEvent
    from reelchat.agent_tools import VideoTools
    from reelchat.studio import Studio, StudioSession


def __getattr__(name: str) -> Any:
    """Import on first use, so `import reelchat` stays light (the CLI needs speed)."""
    if name in ("Studio", "StudioSession"):
        from reelchat import studio

        return getattr(studio, name)
    if name == "AgentEvent":
        from reelchat.agent.conversation import AgentEvent

        return AgentEvent
    if name == "VideoTools":
        from reelchat.agent_tools import VideoTools

        return VideoTools
    raise AttributeError(name)
