"""Bounded conversation history: what the model is sent and what the checkpoints keep.

Without bounds every turn sent the whole chat to the model, and LangGraph stored the whole
message list again in every checkpoint, so `checkpoints.db` grew quadratically (1,000 turns
made 1.4 GB). Three bounds keep a long session as fast as a new one:

- `for_model`: the messages sent to the model are cut with LangChain's `trim_messages` to the
  last MODEL_TOKENS (approximate tokens), starting on a person's message; the storyboard's
  state is not in the history but in the system prompt, so nothing the model needs is lost.
- `compact`: once a finished turn's state holds over 2 x KEEP_MESSAGES, messages older than
  the last KEEP_MESSAGES (cut where a person's message starts) are removed from the graph's
  state with `RemoveMessage`; the full chat stays in the app database, which the CLI and the
  UI show.
- `prune`: the thread's checkpoints before the latest are deleted, with the saver's own
  `prune(strategy="keep_latest")` where it has one, else by the same rule on SqliteSaver's
  tables (safe here: the state uses plain channels, no DeltaChannel).

An interrupted turn (pending tasks) is never compacted or pruned: resuming needs its writes.
"""

from __future__ import annotations

from typing import Any

from langchain_core.messages import BaseMessage, HumanMessage, RemoveMessage
from langchain_core.messages.utils import count_tokens_approximately, trim_messages
from langgraph.checkpoint.base import BaseCheckpointSaver
from langgraph.graph.state import CompiledStateGraph

MODEL_TOKENS = 12_000
"""History sent to the model per call, in approximate tokens (chars / 4): a few dozen turns,
well inside the 128k context of current hosted models and the 32k of small local ones."""
KEEP_MESSAGES = 40
"""Messages kept in the checkpointed state after compacting (about 10 to 20 turns); the state
holds at most twice as many."""


def for_model(messages: list[BaseMessage]) -> list[BaseMessage]:
    """The most recent messages within MODEL_TOKENS, starting on a person's message (so no
    tool result is sent without the call it answers)."""
    trimmed = trim_messages(
        messages, max_tokens=MODEL_TOKENS, token_counter=count_tokens_approximately,
        strategy="last", start_on="human", allow_partial=False,
    )  # fmt: skip
    return trimmed or messages[-1:]


def compact(graph: CompiledStateGraph, config: dict[str, Any], state: Any) -> int:
    """Once a finished turn's state holds more than twice KEEP_MESSAGES, remove all but the
    last KEEP_MESSAGES (cut where a person's message starts); returns how many were removed.
    Compacting in steps keeps the cost of `update_state` off most turns."""
    messages: list[BaseMessage] = state.values.get("messages", [])
    if len(messages) <= 2 * KEEP_MESSAGES:
        return 0
    cut = next(
        (i for i in range(len(messages) - KEEP_MESSAGES, len(messages))
         if isinstance(messages[i], HumanMessage)),
        len(messages) - 1,
    )  # fmt: skip
    old = [RemoveMessage(id=m.id) for m in messages[:cut] if m.id]
    if old:
        graph.update_state(config, {"messages": old}, as_node="agent")
    return len(old)


def prune(checkpointer: BaseCheckpointSaver, thread_id: str) -> None:
    """Keep only the latest checkpoint of a thread (call it for a finished turn only)."""
    try:
        checkpointer.prune([thread_id], strategy="keep_latest")
        return
    except NotImplementedError:
        pass
    connection = getattr(checkpointer, "conn", None)
    lock = getattr(checkpointer, "lock", None)
    if connection is None or lock is None:
        return
    with lock:
        latest = connection.execute(
            "SELECT checkpoint_ns, MAX(checkpoint_id) FROM checkpoints WHERE thread_id = ? "
            "GROUP BY checkpoint_ns",
            (thread_id,),
        ).fetchall()
        for namespace, checkpoint_id in latest:
            for table in ("checkpoints", "writes"):
                connection.execute(
                    f"DELETE FROM {table} WHERE thread_id = ? AND checkpoint_ns = ? "  # noqa: S608
                    "AND checkpoint_id != ?",
                    (thread_id, namespace, checkpoint_id),
                )
        connection.commit()


def bound(graph: CompiledStateGraph, checkpointer: BaseCheckpointSaver, thread_id: str) -> None:
    """After a turn: when it finished (no pending task), compact the state, then prune the
    thread's checkpoints."""
    config = {"configurable": {"thread_id": thread_id}}
    state = graph.get_state(config)
    if state.next:
        return
    compact(graph, config, state)
    prune(checkpointer, thread_id)
