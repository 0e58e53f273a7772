"""What to tell the person when the chat model fails: which fault it was and what to do.

A timeout, a rate limit, a server error, a refused key, an unreachable endpoint, a reply that
cannot be read and a bug in the offline planner each need a different next step, so each gets
its own message instead of one catch-all.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from langchain_core.language_models import BaseChatModel

from reelchat.errors import first_line

if TYPE_CHECKING:
    import openai

KEPT = (
    "Your storyboard and videos are as they were after the last completed step; nothing was "
    "half-applied."
)


def _first_line(error: BaseException) -> str:
    return first_line(error) or type(error).__name__


def _status_reason(error: BaseException) -> str:
    """The endpoint's own words for an HTTP error, without the SDK's long prefix."""
    body = getattr(error, "body", None)
    if isinstance(body, dict):
        inner = body.get("error", body)
        if isinstance(inner, dict) and inner.get("message"):
            return str(inner["message"])[:300]
    return _first_line(error)


def _bounded_cause(error: BaseException, kinds: tuple[type[BaseException], ...]) -> BaseException:
    """The transport's own error when LangChain wrapped it (langchain-openai re-raises a
    timeout as its own class), else `error`."""
    seen: BaseException | None = error
    for _ in range(5):
        if seen is None:
            break
        if isinstance(seen, kinds):
            return seen
        seen = seen.__cause__ or seen.__context__
    return error


def _not_found(error: openai.NotFoundError, base: str) -> str:
    """A 404 is a wrong model name only when the endpoint says so; otherwise the URL is wrong
    (Ollama's root and most local servers serve the API under /v1)."""
    reason = _status_reason(error)
    if "model" in reason.lower():
        return (
            f"The language model's endpoint does not know the model (HTTP 404: {reason}). "
            + base
            + "Check REELCHAT_LLM_MODEL."
        )
    url = str(error.response.request.url)
    root = url.removesuffix("/chat/completions")
    hint = (
        f"The base URL usually ends in /v1: set REELCHAT_LLM_BASE_URL={root}/v1"
        if not root.rstrip("/").endswith("/v1")
        else "Check REELCHAT_LLM_BASE_URL"
    )
    return (
        f"The endpoint answered HTTP 404 (not found) for {url}. " + base + hint + " (and check "
        "REELCHAT_LLM_MODEL if the server names the model in its URLs)."
    )


def describe_model_failure(error: BaseException, model: BaseChatModel) -> str:
    """A reply for the person: what failed, that nothing was lost, and how to retry."""
    from reelchat.agent.planner import OfflinePlanner

    if isinstance(model, OfflinePlanner):
        return (
            f"The offline planner failed with an internal error ({type(error).__name__}: "
            f"{_first_line(error)}). {KEPT} Please report this with the message you sent; "
            "rephrasing the request may work around it."
        )
    import openai

    from reelchat.agent.transport import ModelTimeout, ReplyTooLarge, UnreadableAnswer

    base = f"{KEPT} "
    error = _bounded_cause(error, (ModelTimeout, ReplyTooLarge, UnreadableAnswer))
    if isinstance(error, ModelTimeout) and error.received == 0:
        return (
            f"The language model sent no answer at all within {error.seconds:g} s (the server "
            "is busy, stuck, or loading the model). "
            + base
            + "Check the server, or raise REELCHAT_LLM_TIMEOUT for a slow model."
        )
    if isinstance(error, ModelTimeout):
        return (
            f"The language model started answering but did not finish within {error.seconds:g} s "
            f"({error.received:,} bytes arrived). "
            + base
            + "A small model may ramble: lower REELCHAT_LLM_MAX_TOKENS, or raise "
            "REELCHAT_LLM_TIMEOUT."
        )
    if isinstance(error, ReplyTooLarge):
        return (
            f"The language model's answer passed {error.limit // 1_000_000} MB, so reelchat "
            "stopped reading it. " + base + "Lower REELCHAT_LLM_MAX_TOKENS or use another model."
        )
    if isinstance(error, UnreadableAnswer):
        return (
            f"The language model's endpoint sent {error}. "
            + base
            + "Check that REELCHAT_LLM_BASE_URL points to an OpenAI-compatible API (…/v1)."
        )
    if isinstance(error, openai.APITimeoutError):
        return (
            "The language model did not answer in time (timeout, after retries). "
            + base
            + "Send your message again in a moment, or raise REELCHAT_LLM_TIMEOUT for a slow model."
        )
    if isinstance(error, openai.APIConnectionError):
        return (
            f"The language model's endpoint could not be reached ({_first_line(error)}). "
            + base
            + "Check that the server runs and that OPENAI_BASE_URL / REELCHAT_LLM_BASE_URL "
            "points to it, then send your message again."
        )
    if isinstance(error, openai.RateLimitError):
        return (
            f"The language model's endpoint is rate limiting (HTTP 429: {_status_reason(error)}). "
            + base
            + "Wait a minute and send your message again."
        )
    if isinstance(error, openai.InternalServerError):
        return (
            f"The language model's server failed (HTTP {error.status_code}: "
            f"{_status_reason(error)}). " + base + "Send your message again in a moment."
        )
    if isinstance(error, openai.AuthenticationError | openai.PermissionDeniedError):
        return (
            f"The language model's endpoint refused the API key (HTTP {error.status_code}: "
            f"{_status_reason(error)}). " + base + "Check OPENAI_API_KEY / REELCHAT_LLM_API_KEY."
        )
    if isinstance(error, openai.NotFoundError):
        return _not_found(error, base)
    if isinstance(error, openai.APIStatusError):
        return (
            f"The language model's endpoint rejected the request (HTTP {error.status_code}: "
            f"{_status_reason(error)}). " + base + "Try a shorter message or another model."
        )
    if isinstance(error, openai.APIResponseValidationError | ValueError | TypeError | LookupError):
        return (
            "The language model sent a response reelchat could not read "
            f"({type(error).__name__}: {_first_line(error)}). "
            + base
            + "Send your message again; if it keeps happening, the endpoint is not fully "
            "OpenAI-compatible."
        )
    return (
        f"The language model call failed unexpectedly ({type(error).__name__}: "
        f"{_first_line(error)}). " + base + "Send your message again in a moment."
    )
