"""Terminal views for the CLI (rich): storyboard and media tables, render progress, a chat turn."""

from __future__ import annotations

import re
from types import TracebackType
from typing import TYPE_CHECKING

from rich.console import Console
from rich.markup import escape
from rich.progress import BarColumn, Progress, SpinnerColumn, TextColumn, TimeElapsedColumn
from rich.table import Column, Table

from reelchat.generation.runner import RenderEvent
from reelchat.store.tables import WORKSPACE_SCOPE
from reelchat.storyboard.models import Brand, Storyboard
from reelchat.tools.actions import describe_brand, describe_picture
from reelchat.tools.names import CHANGES_STORYBOARD

if TYPE_CHECKING:
    from reelchat.agent.conversation import AgentEvent
    from reelchat.media_library import MediaEntry

_ESCAPE_SEQUENCE = re.compile(r"\x1b(?:\[[0-?]*[ -/]*[@-~]|\][^\x07\x1b]*(?:\x07|\x1b\\)?|.)?")
"""ANSI CSI (colours, cursor moves, clears), OSC (titles, links) and two-byte escapes."""
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
"""C0/C1 control characters (tab and newline kept) and bidirectional overrides."""


def terminal_text(text: object) -> str:
    """`text` (a person's or a model's words, a title, a path) made safe to print with rich:
    escape sequences and control characters removed, rich markup such as `[/]` or `[draft]`
    escaped so it shows as typed. Every place the CLI prints such text goes through this."""
    cleaned = _CONTROL.sub("", _ESCAPE_SEQUENCE.sub("", str(text)))
    return escape(cleaned)


TOOL_LABELS = {
    "plan_storyboard": "planning the storyboard",
    "write_script": "revising the script",
    "edit_storyboard": "editing the storyboard",
    "render": "rendering",
    "restore_version": "restoring a version",
    "describe_storyboard": "reading the storyboard",
    "make_template": "making a template",
}


def media_table(entries: list[MediaEntry]) -> Table:
    """Media items as `reelchat media list` shows them: id, kind, size, label, and whether
    the session or the whole workspace lists it."""
    empty = "no media yet: `reelchat media add FILE`"
    # the id is what `media remove` and `brand set --logo` take: never cut or wrapped, however
    # narrow the terminal (the label folds instead)
    widest = max((len(entry.id) for entry in entries), default=2)
    table = Table(Column("id", no_wrap=True, min_width=widest), "kind", "size", "bytes",
                  Column("label", overflow="fold"), "listed by",
                  caption=None if entries else empty)  # fmt: skip
    for entry in entries:
        size = f"{entry.width}×{entry.height}" if entry.width else "-"
        if entry.kind == "clip":
            size += f", {entry.duration:.1f} s"
        elif entry.has_alpha:
            size += ", transparent"
        table.add_row(
            entry.id, str(entry.kind), size, _file_size(entry.bytes), terminal_text(entry.label),
            "workspace" if entry.scope == WORKSPACE_SCOPE else "session",
        )  # fmt: skip
    return table


def _file_size(count: int) -> str:
    if count < 1024:
        return f"{count} B"
    return f"{count / 1024:.1f} KiB" if count < 1024**2 else f"{count / 1024**2:.1f} MiB"


def brand_table(brand: Brand) -> Table:
    """The brand kit as `reelchat brand show` prints it: one row a part, '-' when unset."""
    table = Table("part", "value", title="brand kit")
    logo = brand.logo
    table.add_row(
        "logo",
        f"{logo.media} · {logo.corner.value.replace('_', ' ')} · {logo.size:.0%} of the width · "
        f"opacity {logo.opacity:.0%}"
        if logo
        else "-",
    )
    table.add_row("colours", " ".join(f"[{c}]■[/] {c}" for c in brand.colours) or "-")
    table.add_row("font", brand.font or "-")
    return table


def shot_table(storyboard: Storyboard) -> Table:
    script = storyboard.script
    brand = describe_brand(storyboard)
    caption = " · ".join(
        part
        for part in (
            script.logline,
            script.tone and f"tone: {script.tone}",
            brand and f"brand: {brand}",
        )
        if part
    )
    table = Table(
        title=f"{terminal_text(storyboard.title)} · {len(storyboard.shots)} shots · "
        f"{storyboard.runtime:.1f} s"
        f" · {storyboard.aspect} · {storyboard.fps} fps",
        caption=terminal_text(caption) or None,
        expand=True,
    )
    table.add_column("#", justify="right")
    table.add_column("shot", ratio=3)
    table.add_column("s", justify="right")
    table.add_column("camera → next", ratio=1)
    table.add_column("narration", ratio=2)
    for number, shot in enumerate(storyboard.shots, start=1):
        table.add_row(
            str(number),
            f"[bold]{terminal_text(shot.title)}[/]\n[dim]{terminal_text(shot.prompt)}[/]"
            + (f"\n[cyan]picture {describe_picture(shot.media)}[/]" if shot.media else ""),
            f"{shot.duration:g}",
            f"{shot.camera}\n→ {shot.transition}",
            terminal_text(shot.narration),
        )
    return table


class RenderProgress:
    """One progress bar for a render job: shots as they render, then the stitching steps."""

    def __init__(self, console: Console) -> None:
        self._progress = Progress(
            SpinnerColumn(),
            TextColumn("{task.description}"),
            BarColumn(),
            TextColumn("{task.percentage:>3.0f}%"),
            TimeElapsedColumn(),
            console=console,
        )
        self._task = self._progress.add_task("rendering", total=None)
        self._done = 0

    def __enter__(self) -> RenderProgress:
        self._progress.start()
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self._progress.stop()

    def show(self, event: RenderEvent) -> None:
        total = event.total + 1  # the stitch counts as one more step
        if event.kind == "shot":
            if event.fraction >= 1.0 or event.status == "failed":
                self._done += 1
            partial = event.fraction if event.fraction < 1 else 0
            self._progress.update(
                self._task,
                total=total,
                completed=self._done + partial,
                description=f"shot {event.position} {event.status}",
            )
        elif event.kind == "stitch":
            self._progress.update(self._task, description=event.message)
        elif event.kind == "done":
            self._progress.update(self._task, total=total, completed=total, description="done")


class TurnPrinter:
    """Prints a chat turn as it streams: the model's text as it arrives, steps, render
    progress, errors and the reply (only the part not already streamed)."""

    def __init__(self, out: Console, err: Console) -> None:
        self.out, self.err = out, err
        self._render: RenderProgress | None = None
        self._streaming = False
        self.storyboard_changed = False

    def handle(self, event: AgentEvent) -> None:
        if event.kind == "token":
            self._close_render()
            if not self._streaming:
                self.out.print("[bold cyan]reelchat:[/] ", end="")
                self._streaming = True
            self.out.print(terminal_text(event.text), end="", soft_wrap=True, highlight=False)
            return
        if event.kind == "reply":
            self._close_render()
            self._print_reply(event.text, str(event.data.get("streamed") or ""))
            return
        self._end_stream()
        if event.kind == "render":
            if self._render is None:
                self._render = RenderProgress(self.err).__enter__()
            self._render.show(RenderEvent(**event.data))
            return
        self._close_render()
        if event.kind == "tool_call":
            label = TOOL_LABELS.get(event.text) or terminal_text(event.text[:80])
            self.err.print(f"[dim]→ {label}…[/]", highlight=False)
        elif event.kind == "tool_result":
            if event.data.get("error"):
                self.err.print(f"[yellow]  {terminal_text(event.text)}[/]", soft_wrap=True)
            elif event.data.get("name") in CHANGES_STORYBOARD:
                self.storyboard_changed = True

    def _print_reply(self, text: str, streamed: str) -> None:
        if self._streaming and streamed and text.startswith(streamed):
            rest = text[len(streamed) :]
            self.out.print(terminal_text(rest), soft_wrap=True, highlight=False)
            self._streaming = False
            return
        self._end_stream()
        self.out.print(f"[bold cyan]reelchat:[/] {terminal_text(text)}", soft_wrap=True)

    def _end_stream(self) -> None:
        if self._streaming:
            self.out.print()
            self._streaming = False

    def close(self) -> None:
        self._end_stream()
        self._close_render()

    def _close_render(self) -> None:
        if self._render is not None:
            self._render.__exit__(None, None, None)
            self._render = None
