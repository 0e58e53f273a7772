"""The agent's actions on a session, each taking validated arguments and answering in text.

Every change is computed on the current version and saved as one new version, or not at all:
an invalid edit raises StoryboardInvalid and the session stays exactly as it was.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

from reelchat import store
from reelchat.errors import NotFound, StoryboardInvalid, VersionConflict
from reelchat.generation.cache import clips_changed
from reelchat.generation.estimate import estimate_job
from reelchat.generation.runner import render_session, start_job
from reelchat.storyboard import edits
from reelchat.storyboard.models import Region, ShotMedia, Storyboard
from reelchat.storyboard.validation import parse_storyboard
from reelchat.storyboard.variables import (
    personal_shots,
    template_words,
    templatise,
    variables_in,
)
from reelchat.tools import history
from reelchat.tools.apply import apply_all
from reelchat.tools.arguments import (
    EditOperation,
    EditStoryboardArgs,
    MakeTemplateArgs,
    PlanStoryboardArgs,
    RedoArgs,
    RenderArgs,
    RestoreVersionArgs,
    SetShotMedia,
    UndoArgs,
    WriteScriptArgs,
)
from reelchat.tools.context import ToolContext
from reelchat.tools.media import (
    SessionMedia,
    brand_ids,
    check_media,
    load_media,
    media_ids,
)


def summary_line(result: str) -> str:
    """The first line of a tool's answer: what it did, without the storyboard listing."""
    lines = result.strip().splitlines()
    return lines[0] if lines else ""


def describe(
    storyboard: Storyboard, version: int | None = None, media: SessionMedia | None = None
) -> str:
    """The storyboard as short numbered lines: what a model (or person) needs to edit it;
    pictures by their label too when the session's `media` is given."""
    head = f'Storyboard{f" version {version}" if version else ""}: "{storyboard.title}", '
    head += (
        f"{len(storyboard.shots)} shots, {storyboard.runtime:.1f} s, {storyboard.aspect}, "
        f"{storyboard.size[0]}x{storyboard.size[1]}, {storyboard.fps} fps, "
        f"style: {storyboard.style or 'none'}."
    )
    lines = [head]
    if brand := describe_brand(storyboard):
        lines.append(f"Brand: {brand}.")
    lines += [describe_shot(storyboard, n, media) for n in range(1, len(storyboard.shots) + 1)]
    return "\n".join(lines)


def describe_shot(storyboard: Storyboard, number: int, media: SessionMedia | None = None) -> str:
    """Shot `number` (1-based) of `storyboard` as one line of `describe`."""
    shot = storyboard.shots[number - 1]
    extra = f", style: {shot.style}" if shot.style else ""
    caption = f" Caption: {shot.caption}" if shot.caption else ""
    picture = f" Picture: {describe_picture(shot.media, media)}." if shot.media else ""
    return (
        f"{number}. {shot.title} ({shot.duration:g} s, {shot.camera}, then {shot.transition}, "
        f"seed {shot.seed}{extra}) Prompt: {shot.prompt} Narration: {shot.narration or '-'}"
        f"{caption}{picture}"
    )


def _region(region: Region) -> str:
    return f"x {region.x:.2g}, y {region.y:.2g}, {region.width:.2g} x {region.height:.2g}"


def describe_picture(media: ShotMedia, items: SessionMedia | None = None) -> str:
    """'0123456789abcdef, focus x 0.5, y 0, 0.5 x 0.5': a shot's picture in words; with the
    session's media `items`, its label first: '"screen-1.png" (0123456789abcdef), ...'."""
    item = items.get(media.id) if items is not None else None
    parts = [f'"{item.label}" ({media.id})' if item else media.id]
    parts += [f"focus {_region(media.focus)}"] if media.focus else []
    parts += [f"highlight {_region(media.highlight)}"] if media.highlight else []
    return ", ".join(parts)


def describe_brand(storyboard: Storyboard) -> str:
    """The brand kit a storyboard uses, in words ('' when it has none)."""
    brand = storyboard.brand
    parts = []
    if brand.logo:
        logo = brand.logo
        parts.append(
            f"logo {logo.media} {logo.corner.value.replace('_', ' ')}, {logo.size:.0%} wide, "
            f"opacity {logo.opacity:.0%}"
        )
    if brand.colours:
        parts.append("colours " + " ".join(brand.colours))
    if brand.font:
        parts.append(f"font {brand.font}")
    return "; ".join(parts)


EDIT_ATTEMPTS = 8


def _reapplied_on_conflict(action: Callable[[ToolContext, Any], str]) -> Callable[..., str]:
    """Run an edit again, from the version now current, when another process saved a version
    between its read and its save (store.add_version's compare-and-swap); after EDIT_ATTEMPTS
    lost races the person is told and nothing is saved."""

    @functools.wraps(action)
    def run(ctx: ToolContext, *args: Any) -> str:
        for _ in range(EDIT_ATTEMPTS - 1):
            try:
                return action(ctx, *args)
            except VersionConflict:
                continue
        try:
            return action(ctx, *args)
        except VersionConflict as error:
            raise VersionConflict(f"{error}; try the change again") from None

    return run


def _current(ctx: ToolContext) -> tuple[Storyboard, int]:
    try:
        version = store.get_version(ctx.workspace.engine, session_id=ctx.session_id)
    except NotFound:
        raise StoryboardInvalid("there is no storyboard yet: plan one first") from None
    return version.storyboard, version.number


def _numbers(storyboard: Storyboard, shot_ids: frozenset[str]) -> str:
    numbers = [str(i) for i, shot in enumerate(storyboard.shots, 1) if shot.id in shot_ids]
    return ", ".join(numbers) or "none"


def plan_storyboard(ctx: ToolContext, args: PlanStoryboardArgs) -> str:
    data = {
        "script": {
            "title": args.title,
            "audience": args.audience,
            "tone": args.tone,
            "logline": args.logline,
            "text": " ".join(shot.narration for shot in args.shots if shot.narration)[:6000],
        },
        "shots": [shot.model_dump() for shot in args.shots],
        "aspect": args.aspect,
        "fps": args.fps,
        "resolution": args.resolution,
        "style": args.style,
    }
    media = load_media(ctx.workspace, ctx.session_id)
    storyboard = parse_storyboard({**data, "brand": media.brand.model_dump()})
    check_media(storyboard, media, known=brand_ids(media.brand))
    with ctx.lock:
        try:
            previous: tuple[Storyboard, int] | None = _current(ctx)
        except StoryboardInvalid:
            previous = None
        row = store.add_version(
            ctx.workspace.engine, session_id=ctx.session_id, storyboard=storyboard, note="planned"
        )
    kept = ""
    if previous is not None:
        old, number = previous
        kept = (
            f' The previous storyboard "{old.title}" is kept as version {number}: say "undo" or '
            f'"restore version {number}" to bring it back.'
        )
    return f"Saved a new plan as version {row.number}.{kept}\n{describe(storyboard, row.number)}"


@_reapplied_on_conflict
def write_script(ctx: ToolContext, args: WriteScriptArgs) -> str:
    changes = args.model_dump(exclude_none=True)
    if not changes:
        raise StoryboardInvalid("write_script needs at least one field to change")
    with ctx.lock:
        storyboard, based_on = _current(ctx)
        script = {**storyboard.script.model_dump(), **changes}
        result = edits.update_storyboard(storyboard, script=script)
        row = store.add_version(
            ctx.workspace.engine,
            session_id=ctx.session_id,
            storyboard=result.storyboard,
            note="script revised",
            based_on=based_on,
        )
    return f"Script revised (version {row.number}); no shot needs rendering again."


@_reapplied_on_conflict
def edit_storyboard(ctx: ToolContext, args: EditStoryboardArgs) -> str:
    with ctx.lock:
        original, based_on = _current(ctx)
        storyboard, summaries = apply_all(original, list(args.operations))
        media = load_media(ctx.workspace, ctx.session_id)
        check_media(storyboard, media, known=media_ids(original))
        summaries = _one_per_shot(list(args.operations), summaries, media)
        rerender = clips_changed(ctx.executor.backend, original, storyboard)
        row = store.add_version(
            ctx.workspace.engine,
            session_id=ctx.session_id,
            storyboard=storyboard,
            note="; ".join(summaries)[:500],
            based_on=based_on,
        )
        if storyboard.brand != original.brand:  # the kit is the workspace's: keep it in step
            store.set_brand(ctx.workspace.engine, brand=storyboard.brand)
    changed = _numbers(storyboard, rerender)
    return (
        f"Saved version {row.number}: {'; '.join(summaries)}. Shots to render again: {changed}.\n"
        + describe(storyboard, row.number, media)
    )


def _one_per_shot(
    operations: list[EditOperation], summaries: list[str], media: SessionMedia
) -> list[str]:
    """The edit's summaries with one line per shot whose picture was set (its last setting, by
    label, where the shot's first one was): "zoom in and highlight it" says shot 4 once."""
    last = {op.shot: op.media for op in operations if isinstance(op, SetShotMedia)}
    said: set[int] = set()
    lines: list[str] = []
    for operation, summary in zip(operations, summaries, strict=True):
        if not isinstance(operation, SetShotMedia):
            lines.append(summary)
        elif operation.shot not in said:
            said.add(operation.shot)
            picture = last[operation.shot]
            words = describe_picture(picture, media) if picture else "no picture"
            lines.append(f"shot {operation.shot}: {'picture ' if picture else ''}{words}")
    return lines


ASKED = "Not rendered yet:"
"""How the render reply starts when the estimate passes REELCHAT_CONFIRM_OVER and it asks first."""


def render(ctx: ToolContext, args: RenderArgs) -> str:
    ctx.content.check_storyboard(_current(ctx)[0])
    if ctx.confirm_over is not None and not args.confirmed:
        job = start_job(
            ctx.workspace, ctx.executor.backend, session_id=ctx.session_id, positions=args.shots
        )
        estimate = estimate_job(ctx.workspace, ctx.executor.backend, job)
        if estimate.seconds is not None and estimate.seconds > ctx.confirm_over:
            return (
                f"{ASKED} {estimate.describe()}, more than the "
                f"{ctx.confirm_over:.0f} s set to ask about (REELCHAT_CONFIRM_OVER). "
                "Shall I go ahead? Answer yes to render."
            )
    outcome = render_session(
        ctx.workspace,
        ctx.executor,
        session_id=ctx.session_id,
        positions=args.shots,
        options=ctx.stitch,
        on_event=ctx.on_event,
        limits=ctx.check_limits,
    )
    counts = f"{outcome.rendered} shot(s) rendered, {outcome.cached} reused from the clip cache"
    counts += "".join(f". Shot check: {line}" for line in outcome.checks)
    if outcome.estimate is not None and outcome.estimate.seconds is not None:
        counts += f"; estimated {outcome.estimate.seconds:.0f} s, took {outcome.seconds:.0f} s"
    if outcome.video is None:
        shots = ", ".join(map(str, args.shots or []))
        notes = "".join(f" Note: {note}." for note in outcome.notes)
        return f"Preview ready for shot(s) {shots}: {counts}.{notes}"
    notes = "".join(f" Note: {note}." for note in outcome.stitch.notes) if outcome.stitch else ""
    return (
        f"Video ready: {outcome.video.path} in the session folder "
        f"({outcome.video.duration:.1f} s, {outcome.video.width}x{outcome.video.height}); {counts}."
        + notes
    )


def restore_version(ctx: ToolContext, args: RestoreVersionArgs) -> str:
    with ctx.lock:
        _, current = _current(ctx)
        if args.version == current:
            raise StoryboardInvalid(f"version {current} is already the current one")
        row = store.restore_version(
            ctx.workspace.engine, session_id=ctx.session_id, number=args.version
        )
    restored = f"Restored version {args.version} as version {row.number}.\n"
    return restored + describe(row.storyboard, row.number)


def _move(ctx: ToolContext, kind: str, steps: int) -> str:
    with ctx.lock:
        _current(ctx)
        rows = store.list_versions(ctx.workspace.engine, session_id=ctx.session_id)
        target, moved = history.step(
            [(r.number, r.note) for r in rows], -steps if kind == "undo" else steps
        )
        if moved == 0:
            what = (
                "undo: this is the first version" if kind == "undo" else "redo: nothing was undone"
            )
            raise StoryboardInvalid(f"there is nothing to {what}")
        shown = store.get_version(ctx.workspace.engine, session_id=ctx.session_id, number=target)
        row = store.add_version(
            ctx.workspace.engine,
            session_id=ctx.session_id,
            storyboard=shown.storyboard,
            note=history.move_note(kind, target),
        )
    short = (
        f" (only {moved} step{'s' if moved > 1 else ''} could be {kind}ne)" if moved < steps else ""
    )
    verb = "Undone" if kind == "undo" else "Redone"
    return (
        f"{verb}: showing version {target} again, saved as version {row.number}{short}.\n"
        + describe(row.storyboard, row.number)
    )


def undo(ctx: ToolContext, args: UndoArgs) -> str:
    """Show the version before the one shown, `steps` times back through the history."""
    return _move(ctx, "undo", args.steps)


def redo(ctx: ToolContext, args: RedoArgs) -> str:
    """Show again a version that was undone, `steps` times forward."""
    return _move(ctx, "redo", args.steps)


def describe_storyboard(ctx: ToolContext) -> str:
    storyboard, number = _current(ctx)
    videos = store.list_videos(ctx.workspace.engine, session_id=ctx.session_id)
    latest = (
        f"\nLatest video: {videos[-1].path} (version {videos[-1].version_number})" if videos else ""
    )
    return describe(storyboard, number) + latest


@_reapplied_on_conflict
def make_template(ctx: ToolContext, args: MakeTemplateArgs) -> str:
    with ctx.lock:
        storyboard, based_on = _current(ctx)
        template = templatise(storyboard, args.replacements)
        names = sorted(variables_in(template))
        if not names:
            raise StoryboardInvalid("none of those words appear in the storyboard")
        row = store.add_version(
            ctx.workspace.engine,
            session_id=ctx.session_id,
            storyboard=template,
            note="template: " + ", ".join(f"{{{name}}}" for name in names),
            based_on=based_on,
        )
    personal = ", ".join(map(str, personal_shots(template))) or "none"
    example = {name: word for word, name in reversed(template_words(args.replacements).items())}
    row_now = ",".join(example.get(name, "...") for name in names)
    return (
        f"Made version {row.number} a template with "
        + ", ".join(f"{{{n}}}" for n in names)
        + f" (shots that change per person: {personal}). Export it with `reelchat storyboard "
        f"export {ctx.session_id} -o template.json`, then run `reelchat batch template.json "
        f"people.csv` with a CSV whose header is: {','.join(names)} (this storyboard's own "
        f"row would be: {row_now}).\n"
        + describe(template, row.number)
    )
