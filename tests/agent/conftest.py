"""A conversation with the scripted OpenAI-protocol server (the `server` fixture)."""

import pytest

from reelchat.agent.conversation import Conversation
from reelchat.config import Settings
from reelchat.generation.stitch import StitchOptions


@pytest.fixture
def chat(workspace, server):
    """A Conversation whose chat model is the scripted server, renders quiet and quick."""
    settings = Settings(
        workspace=workspace.root,
        llm_base_url=server.base_url,
        llm_api_key="test-key",
        llm_model="scripted-model",
        llm_timeout=1.5,
        llm_max_retries=1,
    )
    return Conversation(
        workspace, settings=settings, stitch=StitchOptions(captions=False, narration=False)
    )


def send_turn(chat, text):
    """Every event of one turn; the last is the reply."""
    events = list(chat.send(text))
    assert events[-1].kind == "reply"
    return events
