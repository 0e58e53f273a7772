"""The `reelchat` command line: make, render, sessions, storyboard, cancel."""

from __future__ import annotations

import functools
import shutil
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated, Any, TypeVar

import typer
from rich.console import Console
from rich.markup import escape
from rich.progress import BarColumn, Progress, SpinnerColumn, TextColumn, TimeElapsedColumn
from rich.table import Table

from reelchat import store
from reelchat.config import Settings
from reelchat.errors import InputFileError, ReelchatError
from reelchat.generation.backend import get_backend
from reelchat.generation.runner import RenderEvent, RenderOutcome, render_session
from reelchat.generation.stitch import StitchOptions
from reelchat.storyboard.models import Aspect, Storyboard, storyboard_schema_text
from reelchat.storyboard.templates import explainer, topic_and_audience
from reelchat.storyboard.validation import parse_storyboard
from reelchat.workspace import Workspace

app = typer.Typer(
    help="Turn a chat into a finished video.", no_args_is_help=True, pretty_exceptions_enable=False
)
sessions_app = typer.Typer(help="List, show and delete chat sessions.", no_args_is_help=True)
storyboard_app = typer.Typer(help="Show and export storyboards.", no_args_is_help=True)
app.add_typer(sessions_app, name="sessions")
app.add_typer(storyboard_app, name="storyboard")

out = Console()
err = Console(stderr=True)
F = TypeVar("F", bound=Callable[..., Any])

WorkspaceOption = Annotated[
    Path | None, typer.Option("--workspace", "-w", help="Workspace folder (default ~/.reelchat).")
]
OutputOption = Annotated[Path | None, typer.Option("--output", "-o", help="Where to copy the MP4.")]
MusicOption = Annotated[
    Path | None, typer.Option(help="Background music file, ducked under narration.")
]
CaptionsOption = Annotated[bool, typer.Option(help="Burn captions (or narration as subtitles) in.")]
NarrationOption = Annotated[bool, typer.Option(help="Speak narration with espeak-ng if installed.")]


def friendly_errors(command: F) -> F:
    """Show a ReelchatError as one line on stderr and exit 1; never a traceback."""

    @functools.wraps(command)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return command(*args, **kwargs)
        except ReelchatError as error:
            err.print(f"[bold red]error:[/] {error}", highlight=False, soft_wrap=True)
            raise typer.Exit(1) from None

    return wrapper  # type: ignore[return-value]


def _workspace(path: Path | None) -> Workspace:
    settings = Settings() if path is None else Settings(workspace=path)
    return Workspace.from_settings(settings)


def _shot_table(storyboard: Storyboard) -> Table:
    table = Table(
        title=f"{storyboard.title} · {len(storyboard.shots)} shots · {storyboard.runtime:.1f} s"
        f" · {storyboard.aspect} · {storyboard.fps} fps",
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
            f"[bold]{escape(shot.title)}[/]\n[dim]{escape(shot.prompt)}[/]",
            f"{shot.duration:g}",
            f"{shot.camera}\n→ {shot.transition}",
            escape(shot.narration),
        )
    return table


@contextmanager
def _progress_display(total: int) -> Iterator[Callable[[RenderEvent], None]]:
    columns = (
        SpinnerColumn(),
        TextColumn("{task.description}"),
        BarColumn(),
        TextColumn("{task.percentage:>3.0f}%"),
        TimeElapsedColumn(),
    )
    with Progress(*columns, console=err, transient=False) as progress:
        task = progress.add_task("rendering", total=total + 1)
        done = 0

        def show(event: RenderEvent) -> None:
            nonlocal done
            if event.kind == "shot":
                if event.fraction >= 1.0 or event.status == "failed":
                    done += 1
                label = f"shot {event.position}/{event.total} {event.status}"
                progress.update(
                    task,
                    completed=done + (event.fraction if event.fraction < 1 else 0),
                    description=label,
                )
            elif event.kind == "stitch":
                progress.update(task, completed=done, description=event.message)
            elif event.kind == "done":
                progress.update(task, completed=total + 1, description="done")

        yield show


def _render(
    ws: Workspace,
    session_id: str,
    storyboard: Storyboard,
    options: StitchOptions,
    output: Path | None,
) -> RenderOutcome:
    settings = Settings()
    backend = get_backend(settings.backend, settings.model)
    with _progress_display(len(storyboard.shots)) as show:
        outcome = render_session(ws, backend, session_id=session_id, options=options, on_event=show)
    final = outcome.video_path
    if output is not None:
        output.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(outcome.video_path, output)
        final = output
    out.print(
        f"[green]video:[/] {final}  ({outcome.video.duration:.1f} s, "
        f"{outcome.video.width}x{outcome.video.height}; {outcome.rendered} shots rendered, "
        f"{outcome.cached} from cache; joined by {outcome.stitch.method})",
        highlight=False,
        soft_wrap=True,
    )
    out.print(f"session: {session_id}", highlight=False)
    return outcome


@app.command()
@friendly_errors
def make(
    request: Annotated[
        str, typer.Argument(help='What to make, e.g. "Explain how vaccines work, for teenagers".')
    ],
    output: OutputOption = None,
    seconds: Annotated[float, typer.Option(min=6, max=300, help="Target length.")] = 30.0,
    shots: Annotated[int, typer.Option(min=1, max=6, help="Number of shots.")] = 6,
    aspect: Annotated[Aspect, typer.Option(help="16:9, 9:16 or 1:1.")] = Aspect.landscape,
    music: MusicOption = None,
    captions: CaptionsOption = True,
    narration: NarrationOption = True,
    workspace: WorkspaceOption = None,
) -> None:
    """Plan a storyboard from a request, render every shot and stitch the video."""
    if not request.strip():
        raise InputFileError(
            'say what the video should be about, e.g. reelchat make "how tides work"'
        )
    if music is not None and not music.is_file():
        raise InputFileError(f"music file not found: {music}")
    topic, audience = topic_and_audience(request)
    storyboard = explainer(topic, audience=audience, seconds=seconds, shots=shots, aspect=aspect)
    ws = _workspace(workspace)
    session = store.create_session(ws.engine, title=storyboard.title)
    store.add_message(ws.engine, session_id=session.id, role="user", content=request)
    store.add_version(
        ws.engine, session_id=session.id, storyboard=storyboard, note="planned from request"
    )
    store.add_message(
        ws.engine,
        session_id=session.id,
        role="assistant",
        content=f"Planned {len(storyboard.shots)} shots: {storyboard.script.logline}",
    )
    out.print(_shot_table(storyboard))
    _render(ws, session.id, storyboard, StitchOptions(captions, narration, music), output)


def _load_storyboard_file(path: Path) -> Storyboard:
    if not path.is_file():
        raise InputFileError(f"storyboard file not found: {path}")
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise InputFileError(f"cannot read {path}: {error}") from None
    return parse_storyboard(text)


@app.command()
@friendly_errors
def render(
    storyboard_file: Annotated[Path | None, typer.Argument(help="A storyboard JSON file.")] = None,
    session: Annotated[
        str | None,
        typer.Option(
            help="Render (or resume) this session instead, or add the file to it as a new version."
        ),
    ] = None,
    output: OutputOption = None,
    music: MusicOption = None,
    captions: CaptionsOption = True,
    narration: NarrationOption = True,
    workspace: WorkspaceOption = None,
) -> None:
    """Render a storyboard file, or a session's current storyboard; finished shots are reused."""
    if storyboard_file is None and session is None:
        raise InputFileError("give a storyboard JSON file or --session ID")
    storyboard = _load_storyboard_file(storyboard_file) if storyboard_file else None
    if music is not None and not music.is_file():
        raise InputFileError(f"music file not found: {music}")
    ws = _workspace(workspace)
    if session is None:
        assert storyboard is not None
        session = store.create_session(ws.engine, title=storyboard.title).id
    else:
        store.get_session(ws.engine, session_id=session)
    if storyboard is not None:
        current = store.get_session(ws.engine, session_id=session).current_version
        if (
            current is None
            or store.get_version(ws.engine, session_id=session).storyboard != storyboard
        ):
            store.add_version(
                ws.engine,
                session_id=session,
                storyboard=storyboard,
                note=f"imported from {storyboard_file.name}",
            )  # type: ignore[union-attr]
    board = store.get_version(ws.engine, session_id=session).storyboard
    _render(ws, session, board, StitchOptions(captions, narration, music), output)


@app.command()
@friendly_errors
def cancel(job_id: str, workspace: WorkspaceOption = None) -> None:
    """Ask a running render job to stop; rendering the session again resumes it."""
    ws = _workspace(workspace)
    store.get_job(ws.engine, job_id=job_id)
    store.request_cancel(ws.engine, job_id=job_id)
    out.print(f"cancel requested for job {job_id}")


@sessions_app.command("list")
@friendly_errors
def sessions_list(
    search: Annotated[str, typer.Option(help="Only titles containing this.")] = "",
    workspace: WorkspaceOption = None,
) -> None:
    """Sessions, most recently used first."""
    ws = _workspace(workspace)
    table = Table("id", "title", "version", "updated")
    for row in store.list_sessions(ws.engine, search=search):
        table.add_row(
            row.id,
            row.title,
            str(row.current_version or "-"),
            row.updated_at.strftime("%Y-%m-%d %H:%M"),
        )
    out.print(table)


@sessions_app.command("show")
@friendly_errors
def sessions_show(session_id: str, workspace: WorkspaceOption = None) -> None:
    """A session's messages, storyboard versions, render jobs and videos."""
    ws = _workspace(workspace)
    row = store.get_session(ws.engine, session_id=session_id)
    out.print(f"[bold]{row.title}[/]  ({row.id})", highlight=False)
    for message in store.list_messages(ws.engine, session_id=session_id):
        out.print(f"[cyan]{message.role}:[/] {message.content}", highlight=False)
    versions = Table("version", "shots", "note", title="storyboard versions")
    for version in store.list_versions(ws.engine, session_id=session_id):
        mark = " (current)" if version.number == row.current_version else ""
        versions.add_row(
            f"{version.number}{mark}", str(len(version.storyboard.shots)), version.note
        )
    out.print(versions)
    jobs = Table("job", "version", "status", "shots", "error", title="render jobs")
    for job in store.list_jobs(ws.engine, session_id=session_id):
        shots = store.job_shots(ws.engine, job_id=job.id)
        summary = ", ".join(f"{s.position}:{s.status}" for s in shots)
        jobs.add_row(job.id, str(job.version_number), job.status, summary, job.error)
    out.print(jobs)
    for video in store.list_videos(ws.engine, session_id=session_id):
        out.print(
            f"video (version {video.version_number}): {ws.resolve(session_id, video.path)}",
            highlight=False,
        )


@sessions_app.command("delete")
@friendly_errors
def sessions_delete(
    session_id: str,
    yes: Annotated[bool, typer.Option("--yes", "-y", help="Do not ask for confirmation.")] = False,
    workspace: WorkspaceOption = None,
) -> None:
    """Delete a session with its storyboards, jobs, clips and videos."""
    ws = _workspace(workspace)
    row = store.get_session(ws.engine, session_id=session_id)
    if not yes and not typer.confirm(f"Delete session {row.id} ({row.title}) and its files?"):
        raise typer.Exit(1)
    store.delete_session(ws.engine, session_id=session_id)
    shutil.rmtree(ws.session_dir(session_id), ignore_errors=True)
    out.print(f"deleted session {session_id}")


@storyboard_app.command("show")
@friendly_errors
def storyboard_show(
    session_id: str,
    version: Annotated[int | None, typer.Option(help="Version number (default: current).")] = None,
    workspace: WorkspaceOption = None,
) -> None:
    """A session's storyboard as a table."""
    ws = _workspace(workspace)
    out.print(
        _shot_table(store.get_version(ws.engine, session_id=session_id, number=version).storyboard)
    )


@storyboard_app.command("export")
@friendly_errors
def storyboard_export(
    session_id: str,
    output: Annotated[
        Path | None, typer.Option("--output", "-o", help="File to write (default: stdout).")
    ] = None,
    version: Annotated[int | None, typer.Option(help="Version number (default: current).")] = None,
    workspace: WorkspaceOption = None,
) -> None:
    """A session's storyboard as JSON, ready to edit and `reelchat render` again."""
    ws = _workspace(workspace)
    text = store.get_version(ws.engine, session_id=session_id, number=version).storyboard.to_json()
    if output is None:
        print(text)
    else:
        output.write_text(text + "\n", encoding="utf-8")
        out.print(f"wrote {output}")


@storyboard_app.command("schema")
def storyboard_schema() -> None:
    """The storyboard JSON Schema (for editors and LLM structured output)."""
    print(storyboard_schema_text())


@storyboard_app.command("restore")
@friendly_errors
def storyboard_restore(session_id: str, version: int, workspace: WorkspaceOption = None) -> None:
    """Make an earlier storyboard version current again (as a new version)."""
    ws = _workspace(workspace)
    row = store.restore_version(ws.engine, session_id=session_id, number=version)
    out.print(f"version {version} restored as version {row.number}")


if __name__ == "__main__":
    app()
