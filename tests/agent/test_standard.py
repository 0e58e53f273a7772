"""LangChain's standard chat-model tests on the offline planner: the unit suite, and the
invoke, stream, batch and conversation parts of the integration suite."""

from __future__ import annotations

from langchain_tests.integration_tests import ChatModelIntegrationTests
from langchain_tests.unit_tests import ChatModelUnitTests

from reelchat.agent.planner import OfflinePlanner


class TestOfflinePlannerUnit(ChatModelUnitTests):
    @property
    def chat_model_class(self) -> type[OfflinePlanner]:
        return OfflinePlanner

    @property
    def chat_model_params(self) -> dict:
        return {}

    @property
    def has_structured_output(self) -> bool:
        return False


class TestOfflinePlannerIntegration(ChatModelIntegrationTests):
    """The suite's tool-calling and structured-output tests ask for tools and schemas of their
    own ("magic_function"); the planner calls reelchat's tools only, so those are off."""

    @property
    def chat_model_class(self) -> type[OfflinePlanner]:
        return OfflinePlanner

    @property
    def chat_model_params(self) -> dict:
        return {}

    @property
    def has_tool_calling(self) -> bool:
        return False

    @property
    def has_structured_output(self) -> bool:
        return False

    @property
    def returns_usage_metadata(self) -> bool:
        return False
