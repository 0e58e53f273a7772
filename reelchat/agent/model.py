"""The chat model seam: ChatOpenAI for any OpenAI-compatible endpoint, else the offline planner."""

from __future__ import annotations

from langchain_core.language_models import BaseChatModel

from reelchat.agent.planner import OfflinePlanner
from reelchat.config import Settings


def chat_model(settings: Settings) -> BaseChatModel:
    """The model the agent talks to. No endpoint and no key means the offline planner.

    langchain-openai is imported only when an endpoint is used, so the offline path stays light.
    """
    if not (settings.llm_base_url or settings.llm_api_key):
        return OfflinePlanner()
    from langchain_openai import ChatOpenAI

    return ChatOpenAI(
        model=settings.llm_model,
        base_url=settings.llm_base_url,
        api_key=settings.llm_api_key or "not-needed",  # local servers (vLLM, Ollama) want none
        timeout=settings.llm_timeout,
        max_retries=settings.llm_max_retries,
        temperature=0.3,
    )
