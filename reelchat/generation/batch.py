"""Personalised batches: one video per person from a template storyboard with variables.

Shots without variables have the same cache key for everyone, so they render once and every
other person reuses the clip; only personalised shots render per person. A person whose row is
missing a value or has a bad one is reported and skipped; the rest go on. Re-running a batch
skips the people whose video is already made; a folder holding videos another batch made (or
any person-*.mp4 this batch did not make) is refused before anything renders. On a Ray
cluster the personalised shots of many people render at once across the workers.
"""

from __future__ import annotations

import csv
import hashlib
import io
import os
import shutil
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from reelchat import store
from reelchat.config import Settings
from reelchat.errors import InputFileError, MediaRefused, ReelchatError
from reelchat.generation.backend import VideoBackend
from reelchat.generation.batch_media import MediaSlot, content_id, find_photo, with_pictures
from reelchat.generation.executors import Executor, as_executor
from reelchat.generation.media import atomic_output
from reelchat.generation.runner import RenderEvent, RenderOutcome, run_jobs, start_job
from reelchat.generation.stitch import StitchOptions
from reelchat.generation.subtitles import copy_subtitles
from reelchat.media_library import add_media, forget_session_media
from reelchat.storyboard.models import Brand, Storyboard
from reelchat.storyboard.variables import personalise, variables_in
from reelchat.workspace import Workspace

MAX_PEOPLE = 10_000


@dataclass
class PersonResult:
    index: int
    """1-based row number in the CSV."""
    status: str
    """'done', 'skipped' (already made) or 'failed'."""
    output: Path | None = None
    error: str = ""
    rendered: int = 0
    cached: int = 0
    values: dict[str, str] = field(default_factory=dict)


SAVE_AS = "save it from your spreadsheet as 'CSV UTF-8 (comma delimited)' and try again"
SPREADSHEET_DEFAULT = "cp1252"
"""Western Windows spreadsheets save 'CSV' in this code page; preferred when it reads the file
as cleanly as the detector's first guess (the detector cannot tell it from cp1250 on a few
accented letters)."""
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
"""A cell starting with one of these is run as a formula by spreadsheets (OWASP, "CSV
Injection"); results.csv prefixes such a cell with an apostrophe so it shows as text."""


def _decode(data: bytes, path: Path) -> str:
    """The text of a people file: UTF-8 (with or without a BOM), UTF-16/32 with a BOM, else
    the encoding charset-normalizer detects; one sentence saying how to save it otherwise."""
    import charset_normalizer

    for bom, encoding in (
        (b"\xef\xbb\xbf", "utf-8-sig"), (b"\xff\xfe\x00\x00", "utf-32"),
        (b"\x00\x00\xfe\xff", "utf-32"), (b"\xff\xfe", "utf-16"), (b"\xfe\xff", "utf-16"),
    ):  # fmt: skip
        if data.startswith(bom):
            try:
                return data.decode(encoding)
            except UnicodeDecodeError:
                break
    else:
        try:
            return data.decode("utf-8")
        except UnicodeDecodeError:
            pass
    best = charset_normalizer.from_bytes(data).best()
    if best is None or "\x00" in str(best):
        raise InputFileError(f"{path} is not a text file reelchat can read; {SAVE_AS}")
    western = charset_normalizer.from_bytes(data, cp_isolation=[SPREADSHEET_DEFAULT]).best()
    if western is not None and western.chaos <= best.chaos:
        return str(western)
    return str(best)


def _dialect(text: str) -> type[csv.Dialect] | csv.Dialect:
    """The CSV dialect (comma, semicolon, tab or bar separated) from the csv module's sniffer;
    a one-column file (nothing to sniff) is read as plain CSV."""
    sample = "\n".join(text.splitlines()[:20])
    try:
        return csv.Sniffer().sniff(sample, delimiters=",;\t|")
    except csv.Error:
        return csv.excel


def read_people(path: Path) -> list[dict[str, str]]:
    """Rows of a CSV whose header names the variables (name,team,...).

    The encoding (UTF-8/16/32, or a legacy code page such as Windows-1252) and the dialect
    (',' ';' tab '|') are detected; rows with no value at all at the end (the ',,,' lines
    spreadsheets leave) are left out; a blank row between people is kept (and reported).
    InputFileError, in one sentence saying how to save the file, when it cannot be read.
    """
    if not path.is_file():
        raise InputFileError(f"people file not found: {path}")
    try:
        text = _decode(path.read_bytes(), path)
        rows = [
            {key.strip(): (value or "").strip() for key, value in row.items() if key}
            for row in csv.DictReader(io.StringIO(text, newline=""), dialect=_dialect(text))
        ]
    except (OSError, csv.Error) as error:
        raise InputFileError(f"cannot read {path} as CSV ({error}); {SAVE_AS}") from None
    while rows and not any(rows[-1].values()):  # spreadsheets' trailing ",,," lines
        rows.pop()
    if not rows:
        raise InputFileError(f"{path} has no people in it (a header row, then one row each)")
    if len(rows) > MAX_PEOPLE:
        raise InputFileError(f"{path} has {len(rows)} rows; a batch takes at most {MAX_PEOPLE}")
    return rows


def require_variables(template: Storyboard, slots: tuple[MediaSlot, ...] = ()) -> None:
    """ReelchatError unless something differs per person: a {variable} in the text, or a
    shot whose picture is a `{column}` placeholder (see batch_media)."""
    if not variables_in(template) and not slots:
        raise ReelchatError(
            "the storyboard has no {variables}; a batch would make the same video for everyone"
        )


def require_media_dir(slots: tuple[MediaSlot, ...], media_dir: Path | None) -> None:
    """InputFileError when the template's pictures need a media folder that is not given (or
    is not a folder), or one is given that no shot uses."""
    if slots and media_dir is None:
        raise InputFileError(
            f"shot {slots[0].shot + 1} shows each person's {{{slots[0].column}}}: give the folder "
            "of those files with --media-dir"
        )
    if media_dir is not None and not slots:
        raise InputFileError(
            '--media-dir is given but no shot of the template has "media": "{column}"; see '
            "docs/media.md"
        )
    if media_dir is not None and not media_dir.is_dir():
        raise InputFileError(f"--media-dir {media_dir} is not a folder")


def require_own_folder(workspace: Workspace, batch_key: str, out_dir: Path) -> None:
    """InputFileError, before anything renders, when `out_dir` holds person-*.mp4 videos that
    this batch (the same template, `batch_key`) did not make: they are another batch's people,
    and their videos and results.csv would be overwritten. This batch's own videos are fine
    (a re-run skips the people already done)."""
    if not out_dir.is_dir():
        return
    ours = {
        os.path.realpath(output) for output in store.batch_outputs(workspace.engine,
                                                                   batch_key=batch_key)
    }  # fmt: skip
    theirs = sorted(
        path.name
        for path in out_dir.glob("person-*.mp4")
        if path.is_symlink() or os.path.realpath(path) not in ours
    )
    if theirs:
        listed = ", ".join(theirs[:3]) + (f" and {len(theirs) - 3} more" if len(theirs) > 3 else "")
        raise InputFileError(
            f"{out_dir} already holds videos another batch made ({listed}); give an empty "
            "or new folder with --out-dir, or move those videos out first"
        )


def _key(storyboard: Storyboard) -> str:
    return hashlib.sha256(storyboard.model_dump_json().encode()).hexdigest()[:24]


WAVE_PER_SLOT = 4
"""With an executor that renders several calls at once, this many people per slot render
together, so personalised shots keep every worker busy while videos still appear as it goes."""

PersonEvent = Callable[[int, RenderEvent], None]
"""Render progress of the person on that (1-based) row."""


@dataclass
class _Pending:
    result: PersonResult
    item: store.BatchItem
    output: Path


def run_batch(
    workspace: Workspace,
    renderer: VideoBackend | Executor,
    template: Storyboard,
    people: list[dict[str, str]],
    *,
    out_dir: Path,
    options: StitchOptions | None = None,
    on_person: Callable[[PersonResult], None] = lambda _result: None,
    on_event: PersonEvent = lambda _index, _event: None,
    slots: tuple[MediaSlot, ...] = (),
    media_dir: Path | None = None,
    settings: Settings | None = None,
) -> list[PersonResult]:
    """Render one video per person into `out_dir` as person-0001.mp4, ... (named by row).

    People render in waves: one at a time on the local executor; on a cluster, several slots'
    worth at once, so their personalised shots fan out over the workers while a shot they share
    renders once. A shot in `slots` shows the file the person's row names inside `media_dir`,
    added to the person's session (media limits from `settings`); a row whose file is refused
    fails alone. A template without a brand kit takes the workspace's, as every new storyboard
    does (its logo in the corner of every person's video)."""
    require_variables(template, slots)
    require_media_dir(slots, media_dir)
    executor = as_executor(renderer)
    engine = workspace.engine
    if template.brand == Brand():
        template = template.model_copy(update={"brand": store.get_brand(engine)})
    batch_key = _key(template)
    require_own_folder(workspace, batch_key, out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    wave = 1 if executor.slots == 1 else executor.slots * WAVE_PER_SLOT
    results: list[PersonResult] = []
    pending: list[_Pending] = []
    for index, values in enumerate(people, start=1):
        output = out_dir / f"person-{index:04d}.mp4"
        result = PersonResult(index=index, status="failed", values=values)
        results.append(result)
        try:
            board = personalise(template, values)
            photos = [find_photo(media_dir, slot.column, values.get(slot.column, ""))
                      for slot in slots if media_dir is not None]  # fmt: skip
            board = with_pictures(board, slots, [content_id(photo) for photo in photos])
        except (ReelchatError, OSError) as error:
            result.error = str(error)
            on_person(result)
            continue
        row_key = _key(board)
        item = store.get_batch_item(engine, batch_key=batch_key, row_key=row_key)
        made_here = (
            item is not None
            and item.output == str(output)
            and output.is_file()
            and not output.is_symlink()
        )
        if made_here and item.status == "done":
            result.status, result.output = "skipped", output
            on_person(result)
            continue
        session_id = item.session_id if item is not None else None
        if session_id is None:
            session_id = store.create_session(engine, title=board.title).id
        try:
            _add_photos(workspace, session_id, photos, board, slots, settings)
        except ReelchatError as error:
            if item is None:
                store.delete_session(engine, session_id=session_id)
                forget_session_media(workspace, session_id)
            result.error = str(error)
            on_person(result)
            continue
        if item is None:
            store.add_version(engine, session_id=session_id, storyboard=board, note="batch")
            item = store.BatchItem(
                batch_key=batch_key, row_key=row_key, row_index=index, session_id=session_id
            )
            store.save_batch_item(engine, item=item)
        pending.append(_Pending(result, item, output))
        if len(pending) >= wave:
            _render_wave(workspace, executor, pending, options, on_person, on_event)
    _render_wave(workspace, executor, pending, options, on_person, on_event)
    _write_report(out_dir / "results.csv", results)
    return results


def _add_photos(
    workspace: Workspace,
    session_id: str,
    photos: list[Path],
    board: Storyboard,
    slots: tuple[MediaSlot, ...],
    settings: Settings | None,
) -> None:
    """Add a person's pictures to their session (again, harmlessly, on a re-run); MediaRefused
    when one cannot be used or changed since it was read."""
    for photo, slot in zip(photos, slots, strict=True):
        entry = add_media(workspace, photo, scope=session_id, settings=settings)
        media = board.shots[slot.shot].media
        if media is None or entry.id != media.id:
            raise MediaRefused(f"{photo.name} changed while the batch read it; run it again")


def _render_wave(
    workspace: Workspace,
    executor: Executor,
    pending: list[_Pending],
    options: StitchOptions | None,
    on_person: Callable[[PersonResult], None],
    on_event: PersonEvent,
) -> None:
    """Render the waiting people together, then record and report each one."""
    if not pending:
        return
    engine = workspace.engine
    outcomes: list[RenderOutcome | ReelchatError]
    try:
        jobs = [
            start_job(workspace, executor.backend, session_id=waiting.item.session_id)
            for waiting in pending
        ]
        person = {job.id: waiting.result.index for job, waiting in zip(jobs, pending, strict=True)}
        outcomes = run_jobs(
            workspace, executor, jobs, options=options,
            on_event=lambda event: on_event(person.get(event.job_id, 0), event),
        )  # fmt: skip
    except ReelchatError as error:  # a cancel stops the whole wave
        outcomes = [error] * len(pending)
    for waiting, outcome in zip(pending, outcomes, strict=True):
        result, item = waiting.result, waiting.item
        if isinstance(outcome, ReelchatError):
            result.error = str(outcome)
            item.status = "failed"
        else:
            assert outcome.video_path is not None
            with atomic_output(waiting.output) as temp:
                shutil.copyfile(outcome.video_path, temp)
            copy_subtitles(outcome.video_path, waiting.output)
            result.status, result.output = "done", waiting.output
            result.rendered, result.cached = outcome.rendered, outcome.cached
            item.status, item.output = "done", str(waiting.output)
        store.save_batch_item(engine, item=item)
        on_person(result)
    pending.clear()


def spreadsheet_cell(value: object) -> str:
    """`value` as a results.csv cell that a spreadsheet shows as text, never runs: a leading
    =, +, -, @, tab or carriage return gets an apostrophe before it."""
    text = str(value)
    return "'" + text if text.startswith(FORMULA_PREFIXES) else text


def _write_report(path: Path, results: list[PersonResult]) -> None:
    names = sorted({name for result in results for name in result.values})
    with atomic_output(path) as temp, temp.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(spreadsheet_cell(c) for c in ["row", "status", "video", "error", *names])
        for result in results:
            video = result.output.name if result.output else ""
            writer.writerow(
                spreadsheet_cell(cell)
                for cell in [result.index, result.status, video, result.error,
                             *(result.values.get(name, "") for name in names)]
            )  # fmt: skip
