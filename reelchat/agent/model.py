"""The chat model seam: ChatOpenAI for any OpenAI-compatible endpoint, else the offline planner."""

from __future__ import annotations

from langchain_core.language_models import BaseChatModel

from reelchat.agent.planner import OfflinePlanner
from reelchat.config import Settings


def chat_model(settings: Settings) -> BaseChatModel:
    """The model the agent talks to. No endpoint and no key means the offline planner; else
    the endpoint's model as `reelchat.agent.endpoint.endpoint_model` builds it (streamed,
    capped, bounded). langchain-openai is imported only then, so the offline path stays light.
    """
    if not (settings.llm_base_url or settings.llm_api_key):
        return OfflinePlanner()
    from reelchat.agent.endpoint import endpoint_model

    return endpoint_model(settings)
