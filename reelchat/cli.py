"""The `reelchat` command line: make, render, sessions, storyboard, media, cancel."""

from __future__ import annotations

import functools
import json
import os
import re
import shutil
import signal
import sqlite3
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from enum import StrEnum
from pathlib import Path
from types import FrameType
from typing import TYPE_CHECKING, Annotated, Any, TypeVar

import sqlalchemy.exc
import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from reelchat import store
from reelchat.config import Settings
from reelchat.content_filter import ContentFilter
from reelchat.display import (
    RenderProgress,
    TurnPrinter,
    brand_table,
    media_table,
    shot_table,
    terminal_text,
)
from reelchat.errors import (
    InputFileError,
    MediaRefused,
    MediaToolError,
    NotFound,
    ReelchatError,
    first_line,
)
from reelchat.export import ExportFormat, current_video, export_session
from reelchat.generation.batch import (
    PersonResult,
    read_people,
    require_media_dir,
    require_variables,
    run_batch,
)
from reelchat.generation.batch_media import load_template
from reelchat.generation.executors import get_executor
from reelchat.generation.media import run_ffmpeg
from reelchat.generation.runner import RenderEvent, render_session
from reelchat.generation.shot_check import CheckLimits
from reelchat.generation.stitch import StitchOptions
from reelchat.generation.subtitles import copy_subtitles
from reelchat.generation.video_record import latest_shot_record
from reelchat.media_library import (
    MediaEntry,
    add_media,
    attach_media,
    find_media,
    forget_session_media,
    list_media,
    remove_media,
)
from reelchat.store.tables import WORKSPACE_SCOPE, ChatSession, MediaKind
from reelchat.storyboard.models import Corner, Logo, Storyboard, storyboard_schema_text
from reelchat.storyboard.validation import parse_storyboard, read_storyboard_file
from reelchat.workspace import Workspace

if TYPE_CHECKING:  # the agent (LangChain, LangGraph) loads only for the commands that chat
    from reelchat.agent.conversation import Conversation

for _library in ("DIFFUSERS_VERBOSITY", "TRANSFORMERS_VERBOSITY"):
    os.environ.setdefault(_library, "error")  # the CLI shows its own progress and errors

app = typer.Typer(
    help="Turn a chat into a finished video.", no_args_is_help=True, pretty_exceptions_enable=False
)
sessions_app = typer.Typer(help="List, show and delete chat sessions.", no_args_is_help=True)
storyboard_app = typer.Typer(help="Show and export storyboards.", no_args_is_help=True)
media_app = typer.Typer(
    help="Add, list and remove your own pictures, clips and fonts.", no_args_is_help=True
)
app.add_typer(sessions_app, name="sessions")
app.add_typer(storyboard_app, name="storyboard")
app.add_typer(media_app, name="media")
brand_app = typer.Typer(
    help="Show and change the brand kit: a logo in a corner, colours, a font.",
    no_args_is_help=True,
)
app.add_typer(brand_app, name="brand")

out = Console()
err = Console(stderr=True)


def _aside(label: str, text: str) -> None:
    """One labelled line on stderr ('note: ...', 'shot check: ...'), the text shown as written."""
    err.print(f"[yellow]{label}:[/] {terminal_text(text)}", highlight=False, soft_wrap=True)


F = TypeVar("F", bound=Callable[..., Any])

WorkspaceOption = Annotated[
    Path | None, typer.Option("--workspace", "-w", help="Workspace folder (default ~/.reelchat).")
]
OutputOption = Annotated[Path | None, typer.Option("--output", "-o", help="Where to copy the MP4.")]
MusicOption = Annotated[
    Path | None, typer.Option(help="Background music file, ducked under narration.")
]
CaptionsOption = Annotated[bool, typer.Option(help="Burn captions (or narration as subtitles) in.")]
NarrationOption = Annotated[
    bool, typer.Option(help="Speak narration (Piper for English, espeak-ng for other languages).")
]


class ExecutorChoice(StrEnum):
    local = "local"
    ray = "ray"


ExecutorOption = Annotated[
    ExecutorChoice | None,
    typer.Option(
        "--executor",
        help="Where shots render: local (this process; the default) or ray (a Ray cluster; "
        "pip install 'reelchat\\[cluster]'). Default: REELCHAT_EXECUTOR.",
    ),
]
RayAddressOption = Annotated[
    str | None,
    typer.Option(
        "--ray-address",
        help="The Ray cluster: auto (the one `ray start` runs on this machine) or "
        "ray://host:10001; implies --executor ray. Default: REELCHAT_RAY_ADDRESS, else a new "
        "local Ray instance.",
    ),
]


def friendly_errors(command: F) -> F:
    """Show a ReelchatError as one line on stderr and exit 1; never a traceback."""

    @functools.wraps(command)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return command(*args, **kwargs)
        except ReelchatError as error:
            err.print(
                f"[bold red]error:[/] {terminal_text(str(error))}", highlight=False, soft_wrap=True
            )
            raise typer.Exit(1) from None
        except (sqlalchemy.exc.OperationalError, sqlite3.OperationalError) as error:
            # disk full, read-only, I/O error (the app database or the checkpoints)
            orig = getattr(error, "orig", None)
            reason = first_line(orig if orig is not None else error)
            err.print(
                f"[bold red]error:[/] the database could not be written ({terminal_text(reason)}); "
                "check the disk's free space and the workspace's permissions, then run the "
                "command again (finished work is kept)",
                highlight=False,
                soft_wrap=True,
            )
            raise typer.Exit(1) from None
        except (sqlalchemy.exc.DatabaseError, sqlite3.DatabaseError) as error:
            orig = getattr(error, "orig", None)
            reason = first_line(orig if orig is not None else error)
            err.print(
                f"[bold red]error:[/] a workspace database cannot be read "
                f"({terminal_text(reason)}); nothing was changed. Restore it from a backup, or "
                "move it aside to start afresh",
                highlight=False,
                soft_wrap=True,
            )
            raise typer.Exit(1) from None
        except OSError as error:  # e.g. -o names a folder or a place we may not write
            where = f": {error.filename}" if error.filename else ""
            reason = error.strerror or str(error)
            err.print(
                f"[bold red]error:[/] {terminal_text(reason + where)}",
                highlight=False,
                soft_wrap=True,
            )
            raise typer.Exit(1) from None

    return wrapper  # type: ignore[return-value]


STDOUT = "-"
"""An output path of "-" means standard output, for every command: `storyboard export -o -`
prints the JSON; a command that writes a video, a timeline with its media folder or a folder
of videos refuses it (those are files, never a stream) instead of writing a file named "-"."""


def _not_stdout(output: Path, what: str, writes: str, example: str) -> None:
    """InputFileError when a file-only output option was given "-" (standard output)."""
    if str(output) == STDOUT:
        raise InputFileError(
            f"{what} - means standard output, but this command writes {writes}, which cannot "
            f"go to standard output; give a name such as {example}"
        )


def _check_output(
    output: Path | None,
    ws: Workspace,
    writes: str = "a video and its subtitle files",
    example: str = "video.mp4",
) -> None:
    """Refuse an unusable --output ("-", a folder, or one of the workspace's own files) before
    anything renders or is stored."""
    if output is None:
        return
    _not_stdout(output, "--output", writes, example)
    if output.is_dir():
        raise InputFileError(f"--output {output} is a folder; give a file name such as video.mp4")
    ws.check_output(output)


def _stitch_options(captions: bool, narration: bool, music: Path | None) -> StitchOptions:
    """Checked before anything is stored or rendered, so a wrong music file changes nothing.

    The music is probed (ffmpeg must decode an audio stream from it) and passed on as an
    absolute path, so a name such as `remix:v2.mp3` is never read by ffmpeg as a protocol."""
    if music is None:
        return StitchOptions(captions, narration, None)
    if not music.is_file():
        raise InputFileError(f"music file not found: {music}")
    music = music.resolve()
    try:
        run_ffmpeg(
            ["-i", f"file:{music}", "-map", "0:a:0", "-t", "0.5", "-f", "null", "-"],
            what="read it",
        )
    except MediaToolError as error:
        raise InputFileError(
            f"--music {music.name} is not audio that ffmpeg can read ({error}); give an MP3, "
            "WAV, OGG or M4A file (nothing was rendered)"
        ) from None
    return StitchOptions(captions, narration, music)


def _workspace(path: Path | None) -> Workspace:
    settings = Settings() if path is None else Settings(workspace=path)
    return Workspace.from_settings(settings)


def _settings(
    ws: Workspace, executor: ExecutorChoice | None = None, ray_address: str | None = None
) -> Settings:
    """Settings from the environment, with the workspace and any executor flags on top."""
    flags: dict[str, Any] = {"workspace": ws.root}
    if ray_address:
        flags.update(executor="ray", ray_address=ray_address)
    if executor is not None:
        flags["executor"] = executor.value
    settings = Settings(**flags)
    if settings.notice:
        _aside("note", settings.notice)
    return settings


def _render(
    ws: Workspace,
    settings: Settings,
    session_id: str,
    options: StitchOptions,
    output: Path | None,
) -> None:
    executor = get_executor(settings)
    with RenderProgress(err) as progress:
        outcome = render_session(
            ws, executor, session_id=session_id, options=options, on_event=progress.show,
            limits=CheckLimits.from_settings(settings),
        )  # fmt: skip
    assert outcome.video is not None and outcome.video_path is not None
    out.print(
        f"[green]video:[/] {terminal_text(_deliver(outcome.video_path, output))}  "
        f"({outcome.video.duration:.1f} s, {outcome.video.width}x{outcome.video.height}; "
        f"{outcome.rendered} shots rendered, {outcome.cached} from cache)",
        highlight=False,
        soft_wrap=True,
    )
    for line in outcome.checks:
        _aside("shot check", line)
    for note in outcome.stitch.notes if outcome.stitch else []:
        _aside("note", note)
    out.print(f"session: {session_id}", highlight=False)


def _deliver(video: Path, output: Path | None) -> Path:
    """Copy the session's video to where the person asked for it, if they did."""
    if output is None:
        return video
    output.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(video, output)
    copy_subtitles(video, output)  # the subtitle files go beside the copy
    return output


def _quit_now(_signum: int, _frame: FrameType | None) -> None:
    """End the process at once, even while a worker thread waits on the model: every write
    is a SQLite transaction, so the session reopens and finishes the turn (see `resume`)."""
    err.print("[yellow]quitting[/]")
    out.file.flush()
    err.file.flush()
    os._exit(130)


@contextmanager
def _ctrl_c_cancels_renders(ws: Workspace, session_id: str) -> Iterator[None]:
    """During a turn, Ctrl-C asks the session's running render to stop (finished shots are
    kept and the agent reports the cancel); a second Ctrl-C ends the process at once, even
    in the middle of a model call."""

    def cancel(_signum: int, _frame: FrameType | None) -> None:
        signal.signal(signal.SIGINT, _quit_now)
        err.print(
            "[yellow]cancelling the render, if one runs (finished shots are kept); "
            "Ctrl-C again to quit at once[/]"
        )
        store.cancel_running_jobs(ws.engine, session_id=session_id)

    previous = signal.signal(signal.SIGINT, cancel)
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)


def _run_turn(conversation: Conversation, text: str | None) -> TurnPrinter:
    """Send `text` (or resume the interrupted turn when None) and print it as it streams."""
    printer = TurnPrinter(out, err)
    events = conversation.resume() if text is None else conversation.send(text)
    try:
        with _ctrl_c_cancels_renders(conversation.workspace, conversation.session_id):
            for event in events:
                printer.handle(event)
    finally:
        printer.close()
    return printer


def _latest_video(ws: Workspace, session_id: str) -> Path | None:
    """The newest video of the session, if it shows the current storyboard version."""
    current = store.get_session(ws.engine, session_id=session_id).current_version
    videos = store.list_videos(ws.engine, session_id=session_id)
    if not videos or videos[-1].version_number != current:
        return None
    return ws.resolve(session_id, videos[-1].path)


@app.command()
@friendly_errors
def make(
    request: Annotated[
        str,
        typer.Argument(
            help='What to make, e.g. "a 30-second explainer on how vaccines work, for teenagers"'
            ' (length, number of shots, "vertical", a style and a tone are read from it).'
        ),
    ],
    output: OutputOption = None,
    music: MusicOption = None,
    captions: CaptionsOption = True,
    narration: NarrationOption = True,
    image: Annotated[
        list[Path] | None,
        typer.Option(
            "--image",
            help="A picture (or clip) of your own for the video, e.g. a screenshot; repeat it "
            "for several, in the order the shots should show them.",
        ),
    ] = None,
    logo: Annotated[
        Path | None,
        typer.Option(
            help="Your logo (PNG with transparency works best): it becomes the brand "
            "kit's logo, laid over every shot of every video in this workspace."
        ),
    ] = None,
    workspace: WorkspaceOption = None,
    executor: ExecutorOption = None,
    ray_address: RayAddressOption = None,
) -> None:
    """Plan a storyboard from a request, render every shot and stitch the video."""
    if not request.strip():
        raise InputFileError(
            'say what the video should be about, e.g. reelchat make "how tides work"'
        )
    from reelchat.agent.conversation import Conversation

    options = _stitch_options(captions, narration, music)
    ws = _workspace(workspace)
    _check_output(output, ws)
    settings = _settings(ws, executor, ray_address)
    for named in [*(image or []), *([logo] if logo else [])]:
        if not named.is_file():
            raise InputFileError(f"{named} is not a file (check the name and folder)")
    conversation = Conversation(ws, settings=settings, stitch=options)
    _add_make_media(ws, settings, conversation.session_id, image or [], logo)
    _run_turn(conversation, request)
    session_id = conversation.session_id
    video = _latest_video(ws, session_id)
    if video is None:
        raise ReelchatError(f"no video was made; see `reelchat sessions show {session_id}`")
    out.print(shot_table(store.get_version(ws.engine, session_id=session_id).storyboard))
    delivered = terminal_text(_deliver(video, output))
    out.print(f"[green]video:[/] {delivered}", highlight=False, soft_wrap=True)
    out.print(f"session: {session_id}", highlight=False)


def _add_make_media(
    ws: Workspace, settings: Settings, session_id: str, images: list[Path], logo: Path | None
) -> None:
    """Add `make`'s --image files to the new session's media, in order, and --logo to the
    workspace's media as the brand kit's logo. When one is refused, everything this did is
    undone (the new session included) before the refusal is shown."""
    from reelchat.agent.conversation import delete_session

    added: list[MediaEntry] = []
    brand = store.get_brand(ws.engine)
    shared_before = {entry.id for entry in list_media(ws, WORKSPACE_SCOPE)}
    try:
        if logo is not None:
            logo_entry = add_media(ws, logo, scope=WORKSPACE_SCOPE, settings=settings)
            added.append(logo_entry)
            if logo_entry.kind is not MediaKind.image:
                raise MediaRefused(
                    f"--logo {logo_entry.label} is a {logo_entry.kind}, not a picture"
                )
        for path in images:
            added.append(add_media(ws, path, scope=session_id, settings=settings))
    except ReelchatError:
        delete_session(ws, session_id)
        forget_session_media(ws, session_id)
        if logo is not None and added and added[0].id not in shared_before:
            remove_media(ws, WORKSPACE_SCOPE, added[0].id)
        raise
    if logo is not None:
        kept = brand.logo.model_dump(exclude={"media"}) if brand.logo else {}
        store.set_brand(ws.engine, brand=brand.model_copy(
            update={"logo": Logo(media=added[0].id, **kept)}))  # fmt: skip
    for entry in added:
        where = "brand logo" if entry.scope == WORKSPACE_SCOPE else "added"
        err.print(f"[dim]{where}: {terminal_text(entry.label)} ({entry.id})[/]", highlight=False)
        if where == "added":  # a logo is drawn small: its size is no worry
            _print_media_notes(entry)


@app.command()
@friendly_errors
def chat(
    session: Annotated[str | None, typer.Option(help="Continue this session.")] = None,
    music: MusicOption = None,
    captions: CaptionsOption = True,
    narration: NarrationOption = True,
    workspace: WorkspaceOption = None,
    executor: ExecutorOption = None,
    ray_address: RayAddressOption = None,
) -> None:
    """Chat in the terminal: ask for a video, then keep changing it. `/attach FILE` adds a
    picture, clip or font to the session's media. Ctrl-D or 'quit' ends."""
    options = _stitch_options(captions, narration, music)
    ws = _workspace(workspace)
    from reelchat.agent.conversation import Conversation

    settings = _settings(ws, executor, ray_address)
    conversation = Conversation(ws, session_id=session, settings=settings, stitch=options)
    out.print(
        f"session {conversation.session_id} · type what you want; /attach FILE adds a picture; "
        "Ctrl-D or 'quit' to end"
    )
    if conversation.interrupted:
        out.print("[yellow]The last turn was interrupted; finishing it first.[/]")
        try:
            _run_turn(conversation, None)
        except ReelchatError as error:  # e.g. another process is finishing it
            err.print(f"[bold red]error:[/] {terminal_text(error)}", soft_wrap=True)
    while True:
        try:
            text = out.input("[bold]you:[/] ")
        except (EOFError, KeyboardInterrupt):
            out.print()
            break
        if text.strip().lower() in {"quit", "exit", ":q"}:
            break
        if not text.strip():
            continue
        if ATTACH.match(text):
            _attach(ws, settings, conversation.session_id, ATTACH.sub("", text))
            continue
        try:
            printer = _run_turn(conversation, text)
        except ReelchatError as error:
            err.print(f"[bold red]error:[/] {terminal_text(str(error))}", soft_wrap=True)
            continue
        if printer.storyboard_changed:
            board = store.get_version(ws.engine, session_id=conversation.session_id).storyboard
            out.print(shot_table(board))
        video = _latest_video(ws, conversation.session_id)
        if printer.storyboard_changed and video is not None:
            out.print(f"[green]video:[/] {terminal_text(video)}", highlight=False, soft_wrap=True)
    out.print(f"session: {conversation.session_id} (continue with --session)", highlight=False)


ATTACH = re.compile(r"^\s*/attach\b\s*", re.IGNORECASE)
"""`/attach FILE` in `reelchat chat`: add a file to the session's media."""


def _attach(ws: Workspace, settings: Settings, session_id: str, said: str) -> None:
    """Add the file named after /attach to the session's media and say what it became (id,
    kind, size), or why it was refused; the chat goes on either way."""
    from reelchat.media_library import add_media

    name = said.strip().strip("\"'")
    if not name:
        err.print("usage: /attach FILE (a PNG, JPEG or WebP picture, a short clip or a font)")
        return
    try:
        entry = add_media(ws, Path(name).expanduser(), scope=session_id, settings=settings)
    except ReelchatError as error:
        err.print(f"[bold red]error:[/] {terminal_text(str(error))}", soft_wrap=True)
        return
    size = f"{entry.width}x{entry.height}" if entry.width else ""
    size += f", {entry.duration:.1f} s" if entry.duration else ""
    out.print(
        f"attached {terminal_text(entry.label)}: id {entry.id}, {entry.kind}"
        f'{", " + size if size else ""}, {entry.bytes:,} bytes. Say e.g. "use '
        f'{terminal_text(entry.label)} in shot 2".',
        highlight=False,
        soft_wrap=True,
    )
    _print_media_notes(entry)


def _load_storyboard_file(path: Path) -> Storyboard:
    return parse_storyboard(read_storyboard_file(path))


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
    executor: ExecutorOption = None,
    ray_address: RayAddressOption = None,
) -> None:
    """Render a storyboard file, or a session's current storyboard; finished shots are reused."""
    if storyboard_file is None and session is None:
        raise InputFileError("give a storyboard JSON file or --session ID")
    storyboard = _load_storyboard_file(storyboard_file) if storyboard_file else None
    options = _stitch_options(captions, narration, music)
    ws = _workspace(workspace)
    _check_output(output, ws)
    content = ContentFilter.from_settings(Settings(workspace=ws.root))
    if storyboard is not None:
        content.check_storyboard(storyboard)
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
    else:
        content.check_storyboard(store.get_version(ws.engine, session_id=session).storyboard)
    _render(ws, _settings(ws, executor, ray_address), session, options, output)


@app.command()
@friendly_errors
def export(
    session_id: str,
    fmt: Annotated[
        ExportFormat,
        typer.Option("--format", "-f", help="otio (OpenTimelineIO), fcpxml (Final Cut) or edl."),
    ] = ExportFormat.otio,
    output: Annotated[
        Path | None,
        typer.Option(
            "--output",
            "-o",
            help="Timeline file to write (default: <session>/exports/cut-v<N>.<format>); the "
            "media is copied to <name>_media/ beside it and referenced relatively.",
        ),
    ] = None,  # fmt: skip
    music: Annotated[
        Path | None, typer.Option(help="Music to lay on the music track (as given to render).")
    ] = None,
    narration: NarrationOption = True,
    workspace: WorkspaceOption = None,
    executor: ExecutorOption = None,
    ray_address: RayAddressOption = None,
) -> None:
    """Write a session's current cut for a video editor: every shot a clip of its rendered
    file, crossfades as dissolves, a marker per shot (title and prompt), narration and music on
    audio tracks. A storyboard that has not been rendered yet is rendered first."""
    ws = _workspace(workspace)
    _check_output(output, ws, "a timeline and the media folder beside it", "cut.otio")
    options = _stitch_options(True, narration, music)
    if current_video(ws, session_id) is None:
        err.print("the current storyboard has no video yet: rendering it first", highlight=False)
        _render(ws, _settings(ws, executor, ray_address), session_id, options, None)
    result = export_session(
        ws, session_id, fmt, output=output, music=options.music, narration=narration
    )
    out.print(
        f"[green]{fmt.value}:[/] {terminal_text(result.path)}  (media in "
        f"{terminal_text(result.media.name)}/)",
        highlight=False,
        soft_wrap=True,
    )
    for note in result.notes:
        _aside("note", note)


@app.command()
@friendly_errors
def batch(
    storyboard_file: Annotated[Path, typer.Argument(help="A storyboard JSON with {variables}.")],
    people: Annotated[Path, typer.Argument(help="CSV: a header naming the variables, a row each.")],
    out_dir: Annotated[Path, typer.Option("--out-dir", "-o", help="Folder for the videos.")] = Path(
        "batch-videos"
    ),
    captions: CaptionsOption = True,
    narration: NarrationOption = True,
    media_dir: Annotated[
        Path | None,
        typer.Option(
            help='Folder of the people\'s pictures: a template shot with "media": "{photo}" '
            "shows the file the row's photo column names in it (see docs/media.md).",
        ),
    ] = None,
    workspace: WorkspaceOption = None,
    executor: ExecutorOption = None,
    ray_address: RayAddressOption = None,
) -> None:
    """One personalised video per person; shots without variables render once for everyone.
    With --executor ray the personalised shots of many people render at once on a cluster."""
    template = load_template(storyboard_file)
    require_variables(template.storyboard, template.slots)
    require_media_dir(template.slots, media_dir)
    rows = read_people(people)
    ws = _workspace(workspace)
    _not_stdout(out_dir, "--out-dir", "a folder of videos", "welcome-videos")
    ws.check_output(out_dir, what="--out-dir")
    settings = _settings(ws, executor, ray_address)
    renderer = get_executor(settings)
    columns = (TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
               TimeElapsedColumn())  # fmt: skip
    with Progress(*columns, console=err) as progress:
        task = progress.add_task("people", total=len(rows))

        def person_done(result: PersonResult) -> None:
            label = {"done": "made", "skipped": "already made", "failed": "failed"}[result.status]
            progress.update(task, advance=1, description=f"person {result.index}: {label}")
            if result.error:
                progress.console.print(
                    f"[yellow]row {result.index} skipped:[/] {terminal_text(result.error)}",
                    soft_wrap=True,
                )

        def person_progress(index: int, event: RenderEvent) -> None:
            if event.kind == "shot" and event.status in {"rendered", "cached"}:
                where = f"person {index}: shot {event.position}/{event.total} {event.status}"
                progress.update(task, description=where)

        results = run_batch(
            ws, renderer, template.storyboard, rows, out_dir=out_dir,
            options=StitchOptions(captions, narration), on_person=person_done,
            on_event=person_progress, slots=template.slots, media_dir=media_dir,
            settings=settings,
        )  # fmt: skip
    made = sum(r.status == "done" for r in results)
    skipped = sum(r.status == "skipped" for r in results)
    failed = sum(r.status == "failed" for r in results)
    shots = sum(r.rendered for r in results)
    out.print(
        f"[green]{made} made[/], {skipped} already made, {failed} failed; {shots} shots rendered; "
        f"videos and results.csv in {terminal_text(out_dir)}",
        highlight=False,
    )
    if failed:
        raise typer.Exit(1)


@app.command()
def ui(
    port: Annotated[int, typer.Option(help="Port to serve on.")] = 8501,
    host: Annotated[str, typer.Option(help="Address to listen on.")] = "127.0.0.1",
    workspace: WorkspaceOption = None,
) -> None:
    """Open the chat studio in the browser (Streamlit)."""
    import sys

    page = Path(__file__).parent / "ui" / "app.py"
    env = dict(os.environ)
    if workspace is not None:
        env["REELCHAT_WORKSPACE"] = str(workspace)
    command = [
        sys.executable, "-m", "streamlit", "run", str(page), "--server.address", host,
        "--server.port", str(port), "--server.headless", "true",
        "--browser.gatherUsageStats", "false",
    ]  # fmt: skip
    out.print(f"reelchat studio on http://{host}:{port}", highlight=False)
    raise typer.Exit(_serve(command, env))


def _serve(command: list[str], env: dict[str, str]) -> int:
    """Run the Streamlit server as a child and stop it when this process is told to stop
    (SIGTERM, SIGHUP, Ctrl-C), so no server is left holding the port. Returns its exit code."""
    import subprocess

    child = subprocess.Popen(command, env=env)

    def stop(_signum: int, _frame: FrameType | None) -> None:
        child.terminate()

    for number in (signal.SIGTERM, signal.SIGHUP):
        signal.signal(number, stop)
    try:
        while True:
            try:
                return child.wait()
            except KeyboardInterrupt:  # the child got the terminal's SIGINT too
                child.terminate()
    finally:
        if child.poll() is None:
            try:
                child.wait(timeout=10)
            except subprocess.TimeoutExpired:
                child.kill()


@app.command()
@friendly_errors
def cancel(job_id: str, workspace: WorkspaceOption = None) -> None:
    """Ask a running render job to stop; rendering the session again resumes it."""
    ws = _workspace(workspace)
    store.get_job(ws.engine, job_id=job_id)
    store.request_cancel(ws.engine, job_id=job_id)
    out.print(f"cancel requested for job {terminal_text(job_id)}", highlight=False)


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
            terminal_text(row.title),
            str(row.current_version or "-"),
            row.updated_at.strftime("%Y-%m-%d %H:%M"),
        )
    out.print(table)


@sessions_app.command("show")
@friendly_errors
def sessions_show(
    session_id: str,
    shot: Annotated[
        int | None, typer.Option(help="Show where this shot's clip came from (1-based).")
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON instead of tables.")] = False,
    workspace: WorkspaceOption = None,
) -> None:
    """A session's messages, storyboard versions, render jobs and videos; with --shot N, the
    provenance of that shot's clip (every render of it and what the shot check found)."""
    ws = _workspace(workspace)
    row = store.get_session(ws.engine, session_id=session_id)
    if shot is not None:
        _show_shot(ws, session_id, shot, as_json)
        return
    if as_json:
        typer.echo(json.dumps(_session_record(ws, row), indent=2, ensure_ascii=False))
        return
    out.print(f"[bold]{terminal_text(row.title)}[/]  ({row.id})", highlight=False)
    for message in store.list_messages(ws.engine, session_id=session_id):
        content = terminal_text(message.content)
        out.print(f"[cyan]{terminal_text(message.role)}:[/] {content}", highlight=False)
    versions = Table("version", "shots", "note", title="storyboard versions")
    for version in store.list_versions(ws.engine, session_id=session_id):
        mark = " (current)" if version.number == row.current_version else ""
        versions.add_row(
            f"{version.number}{mark}",
            str(len(version.storyboard.shots)),
            terminal_text(version.note),
        )
    out.print(versions)
    jobs = Table("job", "version", "status", "shots", "error", title="render jobs")
    for job in store.list_jobs(ws.engine, session_id=session_id):
        shots = store.job_shots(ws.engine, job_id=job.id)
        summary = ", ".join(f"{s.position}:{s.status}" for s in shots)
        jobs.add_row(job.id, str(job.version_number), job.status, summary, terminal_text(job.error))
    out.print(jobs)
    for video in store.list_videos(ws.engine, session_id=session_id):
        out.print(
            f"video (version {video.version_number}): "
            f"{terminal_text(ws.resolve(session_id, video.path))}",
            highlight=False,
        )


def _session_record(ws: Workspace, row: ChatSession) -> dict[str, Any]:
    """What `sessions show` lists, as JSON-ready values (the same fields as its tables)."""
    engine, session_id = ws.engine, row.id
    return {
        "id": row.id,
        "title": row.title,
        "current_version": row.current_version,
        "messages": [
            {"role": m.role, "content": m.content}
            for m in store.list_messages(engine, session_id=session_id)
        ],
        "versions": [
            {"number": v.number, "shots": len(v.storyboard.shots), "note": v.note}
            for v in store.list_versions(engine, session_id=session_id)
        ],
        "jobs": [
            {
                "id": job.id,
                "version": job.version_number,
                "status": str(job.status),
                "shots": [
                    {"position": s.position, "status": str(s.status)}
                    for s in store.job_shots(engine, job_id=job.id)
                ],
                "error": job.error,
            }
            for job in store.list_jobs(engine, session_id=session_id)
        ],
        "videos": [
            {"version": v.version_number, "path": str(ws.resolve(session_id, v.path))}
            for v in store.list_videos(engine, session_id=session_id)
        ],
    }


def _show_shot(ws: Workspace, session_id: str, position: int, as_json: bool) -> None:
    """Shot `position`'s provenance; NotFound names the storyboard's shot count when there is
    no such shot, and says to render first when the shot has no clip yet."""
    if store.get_session(ws.engine, session_id=session_id).current_version is not None:
        count = len(store.get_version(ws.engine, session_id=session_id).storyboard.shots)
        if not 1 <= position <= count:
            raise NotFound(f"there is no shot {position} (the storyboard has {count})")
    record = latest_shot_record(ws.engine, session_id=session_id, position=position)
    if as_json:
        typer.echo(json.dumps(record, indent=2, ensure_ascii=False))
        return
    out.print(f"[bold]shot {position}[/] of job {record['job']} ({record['status']})")
    for attempt in record["attempts"]:
        verdict = "passed" if attempt["passed_check"] else f"failed: {attempt['problems']}"
        out.print(f"[cyan]render {attempt['attempt']}[/] (shot check {terminal_text(verdict)})")
        table = Table("field", "value", show_header=False)
        for key, value in attempt.items():
            if key not in ("attempt", "passed_check", "problems"):
                table.add_row(key, terminal_text(json.dumps(value, ensure_ascii=False)))
        out.print(table)


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
    if not yes:
        out.print(f"session {row.id}: {terminal_text(row.title)}", highlight=False)
        if not typer.confirm("Delete this session and its files?"):
            raise typer.Exit(1)
    from reelchat.agent.conversation import delete_session

    delete_session(ws, session_id)
    out.print(f"deleted session {terminal_text(session_id)}", highlight=False)


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
        shot_table(store.get_version(ws.engine, session_id=session_id, number=version).storyboard)
    )


@storyboard_app.command("export")
@friendly_errors
def storyboard_export(
    session_id: str,
    output: Annotated[
        Path | None,
        typer.Option("--output", "-o", help="File to write (default or -: standard output)."),
    ] = None,
    version: Annotated[int | None, typer.Option(help="Version number (default: current).")] = None,
    workspace: WorkspaceOption = None,
) -> None:
    """A session's storyboard as JSON, ready to edit and `reelchat render` again."""
    ws = _workspace(workspace)
    text = store.get_version(ws.engine, session_id=session_id, number=version).storyboard.to_json()
    if output is not None and str(output) == STDOUT:
        output = None
    if output is not None:
        ws.check_output(output)
    if output is None:
        print(text)
    else:
        output.write_text(text + "\n", encoding="utf-8")
        out.print(f"wrote {terminal_text(output)}", highlight=False)


@storyboard_app.command("schema")
def storyboard_schema() -> None:
    """The storyboard JSON Schema (for editors and LLM structured output)."""
    print(storyboard_schema_text())


def _media_scope(session: str | None, shared: bool, ws: Workspace) -> str:
    if session and shared:
        raise InputFileError("give --session ID or --shared, not both")
    if session:
        store.get_session(ws.engine, session_id=session)
        return session
    return WORKSPACE_SCOPE


SessionMediaOption = Annotated[
    str | None, typer.Option("--session", "-s", help="The session whose media this is.")
]


@media_app.command("add")
@friendly_errors
def media_add(
    files: Annotated[list[Path], typer.Argument(help="Pictures, clips or fonts to add.")],
    session: SessionMediaOption = None,
    shared: Annotated[
        bool,
        typer.Option(
            "--shared",
            help="Add to the workspace's media, which every session lists (a logo, a brand font).",
        ),
    ] = False,
    workspace: WorkspaceOption = None,
) -> None:
    """Add files to a session's media (--session ID) or the workspace's (--shared). Pictures
    are stored upright as PNG without metadata, clips as MP4 without sound (see docs/media.md).
    Each file is added or refused on its own; the exit status is 1 when one was refused."""
    ws = _workspace(workspace)
    if not session and not shared:
        raise InputFileError("say whose media this is: --session ID, or --shared for every session")
    scope = _media_scope(session, shared, ws)
    settings = _settings(ws)
    refused = 0
    for path in files:
        try:
            entry = add_media(ws, path, scope=scope, settings=settings)
        except (MediaRefused, InputFileError) as error:
            refused += 1
            err.print(f"[bold red]refused:[/] {terminal_text(error)}", highlight=False,
                      soft_wrap=True)  # fmt: skip
            continue
        out.print(f"[green]added[/] {entry.id}  {entry.kind}  {terminal_text(entry.label)}",
                  highlight=False, soft_wrap=True)  # fmt: skip
        _print_media_notes(entry)
    if refused:
        raise typer.Exit(1)


def _print_media_notes(entry: MediaEntry) -> None:
    """The notes on an added media item (a picture too small to stay sharp), on stderr."""
    for note in entry.notes:
        _aside("note", note)


@media_app.command("list")
@friendly_errors
def media_list(session: SessionMediaOption = None, workspace: WorkspaceOption = None) -> None:
    """A session's media (then the workspace's), or the workspace's without --session."""
    ws = _workspace(workspace)
    scope = _media_scope(session, False, ws)
    out.print(media_table(list_media(ws, scope)))


@media_app.command("remove")
@friendly_errors
def media_remove(
    media_id: str,
    session: SessionMediaOption = None,
    force: Annotated[
        bool,
        typer.Option(
            "--force",
            help="Remove it although older storyboard versions show it (rendering one of them "
            "again then fails the shots that show it).",
        ),
    ] = False,
    workspace: WorkspaceOption = None,
) -> None:
    """Take an item off a session's list (or the workspace's without --session); the file is
    deleted once nothing lists it. Refused while a current storyboard or the brand kit uses it;
    when only older versions do, refused unless --force."""
    ws = _workspace(workspace)
    scope = _media_scope(session, False, ws)
    entry = find_media(ws, scope, media_id)
    remove_media(ws, scope, entry.id, force=force)
    out.print(f"removed {entry.id} ({terminal_text(entry.label)})", highlight=False)


@brand_app.command("show")
@friendly_errors
def brand_show(workspace: WorkspaceOption = None) -> None:
    """The workspace's brand kit, used by every new storyboard."""
    ws = _workspace(workspace)
    out.print(brand_table(store.get_brand(ws.engine)))


CLEAR = "clear"


def _cleared(value: str | None, part: str, clear: list[str]) -> str | None:
    """An option's value, or None with `part` added to `clear` when it says 'clear'."""
    if value is not None and value.strip().lower() == CLEAR:
        clear.append(part)
        return None
    return value.strip().lower() if value is not None else None


@brand_app.command("set")
@friendly_errors
def brand_set(
    logo: Annotated[
        str | None,
        typer.Option(
            help="The logo: an image's media id (or its first 6+ characters), or 'clear'."
        ),
    ] = None,
    corner: Annotated[Corner | None, typer.Option(help="The logo's corner.")] = None,
    size: Annotated[
        float | None, typer.Option(help="Logo width as a fraction of the frame's (0.03-0.4).")
    ] = None,
    opacity: Annotated[float | None, typer.Option(help="Logo opacity, 0.1-1.")] = None,
    colours: Annotated[
        str | None,
        typer.Option(
            help="Up to 5 colours as hex codes or CSS names, '#ff6600, teal', or 'clear'.",
            show_default=False,
        ),
    ] = None,
    font: Annotated[
        str | None,
        typer.Option(help="The font: a font's media id (or its first 6+ characters), or 'clear'."),
    ] = None,
    session: Annotated[
        str | None,
        typer.Option(help="Also give this session's current storyboard the kit (a new version)."),
    ] = None,
    workspace: WorkspaceOption = None,
) -> None:
    """Change the workspace's brand kit; new storyboards take it, and with --session that
    session's storyboard takes it now as a new version. --logo and --font name an item as
    `media remove` does: the workspace's media (`media list`), or with --session that
    session's (`media list --session`); an item of the session's becomes the workspace's
    too, so that the kit keeps it when the session is deleted."""
    from reelchat.agent.parse.media import colour_list
    from reelchat.tools.brand import brand_with, save_brand

    ws = _workspace(workspace)
    scope = _media_scope(session, False, ws)
    clear: list[str] = []
    logo_id = _cleared(logo, "logo", clear)
    font_id = _cleared(font, "font", clear)
    logo_id = find_media(ws, scope, logo_id).id if logo_id else None
    font_id = find_media(ws, scope, font_id).id if font_id else None
    codes = _cleared(colours, "colours", clear)
    brand = brand_with(
        store.get_brand(ws.engine),
        logo=logo_id,
        corner=corner,
        size=size,
        opacity=opacity,
        colours=colour_list(codes) if codes else None,
        font=font_id,
        clear=clear,
    )
    version = save_brand(ws, brand, session_id=session)
    attach_media(ws, [i for i in (logo_id, font_id) if i], scope=WORKSPACE_SCOPE)
    out.print(brand_table(brand))
    if version is not None:
        out.print(f"session {session}: saved as version {version}", highlight=False)


@storyboard_app.command("restore")
@friendly_errors
def storyboard_restore(session_id: str, version: int, workspace: WorkspaceOption = None) -> None:
    """Make an earlier storyboard version current again (as a new version)."""
    ws = _workspace(workspace)
    row = store.restore_version(ws.engine, session_id=session_id, number=version)
    out.print(f"version {version} restored as version {row.number}")


if __name__ == "__main__":
    app()
