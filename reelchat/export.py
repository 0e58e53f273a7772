"""A session's cut for editors: OpenTimelineIO, Final Cut Pro XML or CMX 3600 EDL, media beside it.

The timeline is built with OpenTimelineIO and written by its adapters (`otio_json`, and the
`otio-fcpx-xml-adapter` and `otio-cmx3600-adapter` plugins). Every shot is a clip of its rendered
clip file, a crossfade is a SMPTE dissolve that starts where the next shot starts (as the stitched
MP4 has it), each shot carries a marker with its title and prompt, narration lines and music lie
on audio tracks. The media is copied into a `<name>_media` folder beside the timeline file and
referenced by relative paths, so the two can be moved together to another machine.
"""

from __future__ import annotations

import math
import re
import shutil
import xml.etree.ElementTree as ElementTree
from collections.abc import Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from fractions import Fraction
from pathlib import Path

import av
import opentimelineio as otio
from opentimelineio.opentime import RationalTime, TimeRange

from reelchat import store
from reelchat.errors import InputFileError, MediaToolError, NotFound
from reelchat.generation.media import atomic_output
from reelchat.generation.narration import tts_available
from reelchat.generation.voiceover import spoken_line
from reelchat.storyboard.models import Storyboard, Transition
from reelchat.workspace import Workspace


class ExportFormat(StrEnum):
    """What an editor opens: OpenTimelineIO JSON, Final Cut Pro XML (1.8), CMX 3600 EDL."""

    otio = "otio"
    fcpxml = "fcpxml"
    edl = "edl"


_ADAPTERS = {ExportFormat.otio: "otio_json", ExportFormat.fcpxml: "fcpx_xml",
             ExportFormat.edl: "cmx_3600"}  # fmt: skip

_EDIT_RATES: tuple[tuple[Fraction, float], ...] = (
    (Fraction(24000, 1001), 23.98), (Fraction(24), 24.0), (Fraction(25), 25.0),
    (Fraction(30000, 1001), 29.97), (Fraction(30), 30.0), (Fraction(50), 50.0),
    (Fraction(60000, 1001), 59.94), (Fraction(60), 60.0),
)  # fmt: skip
"""Rates that both SMPTE timecode (EDL) and the FCPXML adapter's frame durations know, with the
label the FCPXML adapter looks them up by (its FRAMERATE_FRAMEDURATION table)."""


@dataclass(frozen=True)
class EditRate:
    """The rate a timeline is written at, and how storyboard frames map onto it."""

    exact: Fraction
    value: float
    """The rate as OpenTimelineIO is given it: the FCPXML adapter looks rates up by their label
    (29.97), SMPTE timecode wants the exact value (30000/1001)."""
    fps: Fraction
    """The storyboard's rate."""

    def frames(self, storyboard_frames: int | Fraction) -> int:
        """Storyboard frames as whole frames at this rate (rounded to the nearest)."""
        return math.floor(Fraction(storyboard_frames) * self.exact / self.fps + Fraction(1, 2))

    def time(self, frames: int) -> RationalTime:
        """`frames` at this rate as a time that lands exactly on the frame: at a labelled rate
        (29.97) the value is scaled so that value / 29.97 is frames * 1001 / 30000 seconds."""
        return RationalTime(float(frames * Fraction(self.value) / self.exact), self.value)


def edit_rate(fps: Fraction, fmt: ExportFormat) -> EditRate:
    """The storyboard's own rate for OpenTimelineIO JSON. FCPXML and EDL know only the usual
    video rates: the lowest one that is a whole multiple of `fps` (8 fps -> 24, 10 -> 30), so
    every frame lands on a frame; else the lowest whole rate above `fps` (each start and end
    within half a timeline frame of the storyboard's)."""
    if fmt is ExportFormat.otio:
        return EditRate(fps, float(fps), fps)
    for exact, label in _EDIT_RATES:
        if (exact / fps).denominator == 1:
            return EditRate(exact, label if fmt is ExportFormat.fcpxml else float(exact), fps)
    exact = next(e for e, _ in _EDIT_RATES if e.denominator == 1 and e >= fps)
    return EditRate(exact, float(exact), fps)


@dataclass(frozen=True)
class CutMedia:
    """The files a cut is made of, as named inside the export's media folder."""

    clips: list[str]
    """One per shot, relative to the timeline file."""
    narration: list[tuple[int, str, float]]
    """(shot index, file, seconds) of each spoken line."""
    music: tuple[str, float] | None = None
    """(file, seconds)."""


@dataclass
class ExportResult:
    path: Path
    """The timeline file."""
    media: Path
    """The folder of media it references (relative paths)."""
    files: list[Path] = field(default_factory=list)
    """Every file written: the timeline, any extra EDLs (audio tracks) and the media."""
    notes: list[str] = field(default_factory=list)
    """What a person should know (narration with no voice, what a format cannot hold)."""


def _one_line(text: str) -> str:
    """User text as one line: an EDL is line-based, a newline would start a new record."""
    return " ".join(text.split())


def cut_timeline(
    storyboard: Storyboard, media: CutMedia, fmt: ExportFormat = ExportFormat.otio
) -> otio.schema.Timeline:
    """The storyboard's cut as an OpenTimelineIO timeline at `edit_rate(fps, fmt)`.

    Track "Shots" (video) holds one clip per shot, its source range the frames before the next
    shot starts; a crossfade is a SMPTE_Dissolve with in_offset 0 and out_offset the overlap, so
    each clip's visible range is the whole clip and each shot starts where the stitched video
    starts it. Tracks "Narration" and "Music" (audio) hold the spoken lines at their shots'
    starts, each cut where the next shot starts, and the music (repeated to the end).
    """
    line = storyboard.timeline
    rate = edit_rate(line.fps, fmt)
    starts = [rate.frames(start) for start in line.starts]
    ends = [rate.frames(start + count) for start, count in zip(line.starts, line.frames,
                                                                 strict=True)]  # fmt: skip
    total = rate.frames(line.total)
    timeline = otio.schema.Timeline(name=_one_line(storyboard.title))
    timeline.global_start_time = rate.time(0)
    shots = otio.schema.Track(name="Shots", kind=otio.schema.TrackKind.Video)
    for index, shot in enumerate(storyboard.shots):
        last = index + 1 == len(storyboard.shots)
        length = ends[index] - starts[index] if last else starts[index + 1] - starts[index]
        reference = otio.schema.ExternalReference(
            target_url=media.clips[index],
            available_range=TimeRange(rate.time(0), rate.time(ends[index] - starts[index])),
        )
        clip = otio.schema.Clip(
            name=_one_line(shot.title),
            media_reference=reference,
            source_range=TimeRange(rate.time(0), rate.time(length)),
            metadata={"reelchat": {"shot": index + 1, "shot_id": shot.id,
                                   "transition": str(shot.transition)}},
        )  # fmt: skip
        title, prompt = _one_line(shot.title), _one_line(shot.prompt)
        clip.markers.append(
            otio.schema.Marker(
                name=f"{title}: {prompt}" if fmt is ExportFormat.edl else title,
                marked_range=TimeRange(rate.time(0), rate.time(0)),
                color=otio.schema.MarkerColor.PURPLE,
                metadata={
                    "reelchat": {
                        "title": shot.title,
                        "prompt": shot.prompt,
                        "narration": shot.narration,
                    }
                },
                comment=prompt,
            )  # fmt: skip
        )
        shots.append(clip)
        overlap = ends[index] - starts[index + 1] if not last else 0
        if shot.transition is Transition.crossfade and overlap > 0:
            shots.append(
                otio.schema.Transition(
                    name=f"crossfade into shot {index + 2}",
                    transition_type=otio.schema.TransitionTypes.SMPTE_Dissolve,
                    in_offset=rate.time(0),
                    out_offset=rate.time(overlap),
                )
            )
    timeline.tracks.append(shots)
    if media.narration:
        timeline.tracks.append(_narration_track(media.narration, starts, total, rate))
    if media.music is not None:
        timeline.tracks.append(_music_track(*media.music, total, rate))
    return timeline


def _audio_clip(
    name: str, path: str, seconds: float, frames: int, rate: EditRate
) -> otio.schema.Clip:
    available = max(frames, math.floor(seconds * rate.exact))
    return otio.schema.Clip(
        name=name,
        media_reference=otio.schema.ExternalReference(
            target_url=path, available_range=TimeRange(rate.time(0), rate.time(available))
        ),
        source_range=TimeRange(rate.time(0), rate.time(frames)),
    )


def _narration_track(
    lines: Sequence[tuple[int, str, float]], starts: list[int], total: int, rate: EditRate
) -> otio.schema.Track:
    track = otio.schema.Track(name="Narration", kind=otio.schema.TrackKind.Audio)
    at = 0
    for index, path, seconds in lines:
        end = starts[index + 1] if index + 1 < len(starts) else total
        frames = min(math.floor(seconds * rate.exact), end - starts[index])
        if frames <= 0:
            continue
        if starts[index] > at:
            track.append(otio.schema.Gap(duration=rate.time(starts[index] - at)))
        track.append(_audio_clip(f"narration, shot {index + 1}", path, seconds, frames, rate))
        at = starts[index] + frames
    return track


def _music_track(path: str, seconds: float, total: int, rate: EditRate) -> otio.schema.Track:
    track = otio.schema.Track(name="Music", kind=otio.schema.TrackKind.Audio)
    length = max(1, math.floor(seconds * rate.exact))
    at = 0
    while at < total:  # the stitched video loops music shorter than itself
        frames = min(length, total - at)
        track.append(_audio_clip("music", path, seconds, frames, rate))
        at += frames
    return track


def _fcpxml_with_transitions_and_notes(text: str, timeline: otio.schema.Timeline) -> str:
    """The FCPXML adapter writes no transitions and no marker notes: add a `<transition>` to the
    spine for every dissolve (starting where the next shot starts) and each marker's comment as
    its `note`, so Final Cut shows the crossfades and prompts. Readers that skip unknown spine
    elements (OpenTimelineIO's included) read the clips as before."""
    from otio_fcpx_xml_adapter.fcpx_xml import from_rational_time

    root = ElementTree.fromstring(text.split("<!DOCTYPE fcpxml>", 1)[-1].strip())
    spine = root.find(".//spine")
    if spine is None:
        raise MediaToolError("the Final Cut Pro XML adapter wrote no spine; nothing was exported")
    shots = timeline.tracks[0]
    dissolves = [item for item in shots if isinstance(item, otio.schema.Transition)]
    clips = list(shots.find_clips(shallow_search=True))
    elements = list(spine)  # one spine element per shot, in order
    for dissolve in dissolves:
        following = shots[shots.index(dissolve) + 1]
        start = shots.range_of_child(following).start_time
        element = ElementTree.Element(
            "transition",
            {"name": "Cross Dissolve", "offset": from_rational_time(start),
             "duration": from_rational_time(dissolve.out_offset)},
        )  # fmt: skip
        spine.insert(list(spine).index(elements[clips.index(following)]), element)
    notes = [marker.comment for clip in shots.find_clips() for marker in clip.markers]
    for marker, note in zip(root.iter("marker"), notes, strict=True):
        marker.set("note", note)
    ElementTree.indent(root, space="    ")
    body = ElementTree.tostring(root, encoding="unicode")
    return f'<?xml version="1.0" encoding="UTF-8"?>\n<!DOCTYPE fcpxml>\n\n{body}\n'


def write_timeline(timeline: otio.schema.Timeline, path: Path, fmt: ExportFormat) -> list[Path]:
    """Write `timeline` to `path` with the format's OpenTimelineIO adapter (atomically).

    An EDL holds one video track: audio tracks go to `<stem>.<track>.edl` beside it (CMX 3600
    audio events). Returns the files written."""
    adapter = _ADAPTERS[fmt]
    rate = timeline.tracks[0].duration().rate
    written: list[Path] = []
    if fmt is ExportFormat.edl:
        from otio_cmx3600_adapter.cmx_3600 import EDLWriter

        writer = EDLWriter(tracks=timeline.tracks, rate=rate, style="avid")
        for index, track in enumerate(timeline.tracks):
            target = path if index == 0 else path.with_suffix(f".{track.name.lower()}.edl")
            _write_text(target, writer.get_content_for_track_at_index(index, title=timeline.name))
            written.append(target)
        return written
    text = otio.adapters.write_to_string(timeline, adapter)
    if fmt is ExportFormat.fcpxml:
        text = _fcpxml_with_transitions_and_notes(text, timeline)
    _write_text(path, text)
    return [path]


def _write_text(path: Path, text: str) -> None:
    with atomic_output(path) as temp:
        temp.write_text(text, encoding="utf-8")


def audio_seconds(path: Path) -> float:
    """Length of an audio file's first audio stream, in seconds; InputFileError when it has none
    that FFmpeg can read."""
    try:  # an absolute path: a name such as `remix:v2.mp3` is never read as a protocol
        with av.open(str(path.absolute())) as container:
            if not container.streams.audio:
                raise InputFileError(f"{path.name} has no audio stream")
            stream = container.streams.audio[0]
            if stream.duration is not None:
                return float(stream.duration * stream.time_base)
            if container.duration is not None:
                return container.duration / av.time_base
            return sum(frame.samples for frame in container.decode(stream)) / stream.rate
    except av.FFmpegError as error:
        raise InputFileError(
            f"{path.name} is not audio FFmpeg can read ({error.strerror})"
        ) from None


def current_video(workspace: Workspace, session_id: str) -> store.Video | None:
    """The newest video of the session's current storyboard version; None before it is
    rendered (NotFound when there is no such session or no storyboard yet)."""
    number = store.get_version(workspace.engine, session_id=session_id).number
    videos = store.list_videos(workspace.engine, session_id=session_id)
    return next((v for v in reversed(videos) if v.version_number == number), None)


_SUFFIX = re.compile(r"^\.[A-Za-z0-9]{1,5}$")


def export_session(
    workspace: Workspace,
    session_id: str,
    fmt: ExportFormat,
    *,
    output: Path | None = None,
    music: Path | None = None,
    narration: bool = True,
) -> ExportResult:
    """Write the cut of the session's current video for an editor and return what was written.

    `output` defaults to `<session>/exports/cut-v<version>.<fmt>`; the media goes to
    `<output stem>_media/` beside it. `music` (the file given to `--music` when rendering: the
    session does not keep it) goes on the music track; with `narration` the shots' lines,
    spoken as the render speaks them, go on the narration track. Raises NotFound when the current
    storyboard version has no video yet (render it first) or a clip file is gone, and
    InputFileError for an output over the workspace's own files or unreadable music.
    """
    engine = workspace.engine
    version = store.get_version(engine, session_id=session_id)
    video = current_video(workspace, session_id)
    if video is None:
        raise NotFound(
            f"session {session_id} has no video of its current storyboard (version "
            f"{version.number}) yet; render it first: reelchat render --session {session_id}"
        )
    rows = store.job_shots(engine, job_id=video.job_id)
    storyboard = version.storyboard
    clips = [workspace.clip_path(session_id, row.cache_key) for row in rows]
    missing = [str(row.position) for row, clip in zip(rows, clips, strict=True)
               if not clip.is_file()]  # fmt: skip
    if len(rows) != len(storyboard.shots) or missing:
        raise NotFound(
            f"the clips of shot(s) {', '.join(missing) or 'of this version'} are gone from "
            f"session {session_id}; render it again: reelchat render --session {session_id}"
        )
    if output is None:
        output = workspace.session_dir(session_id) / "exports" / f"cut-v{version.number}.{fmt}"
    else:
        workspace.check_output(output)
        if output.is_dir():
            raise InputFileError(
                f"--output {output} is a folder; give a file name such as cut.{fmt}"
            )
    music_seconds = audio_seconds(music) if music is not None else 0.0
    folder = output.parent / f"{output.stem}_media"
    folder.mkdir(parents=True, exist_ok=True)
    result = ExportResult(path=output, media=folder)

    def place(source: Path, name: str) -> str:
        target = folder / name
        with atomic_output(target) as temp:
            shutil.copyfile(source, temp)
        result.files.append(target)
        return f"{folder.name}/{name}"

    names = [place(clip, f"shot-{n:02d}.mp4") for n, clip in enumerate(clips, start=1)]
    lines: list[tuple[int, str, float]] = []
    narrated = [i for i, shot in enumerate(storyboard.shots) if shot.narration and narration]
    if narrated and not tts_available():
        result.notes.append("no text-to-speech voice is installed: the narration track is empty")
    elif narrated:
        for index in narrated:
            spoken = spoken_line(storyboard.shots[index].narration, workspace.clips_dir(session_id))
            if spoken is None:
                result.notes.append(f"no installed voice speaks shot {index + 1}'s narration")
                continue
            lines.append((index, place(spoken.path, f"voice-{index + 1:02d}.wav"),
                          spoken.seconds))  # fmt: skip
    music_name = None
    if music is not None:
        suffix = music.suffix if _SUFFIX.match(music.suffix) else ".audio"
        music_name = (place(music, f"music{suffix.lower()}"), music_seconds)
    timeline = cut_timeline(storyboard, CutMedia(names, lines, music_name), fmt)
    result.files[:0] = write_timeline(timeline, output, fmt)
    faded = [str(n) for n, shot in enumerate(storyboard.shots, start=1)
             if shot.transition is Transition.fade_to_black]  # fmt: skip
    if faded:
        result.notes.append(
            f"shot(s) {', '.join(faded)} fade to black in the video; the timeline has no fades "
            "(add them in the editor): each clip's metadata names its transition"
        )
    if fmt is ExportFormat.edl and len(timeline.tracks) > 1:
        result.notes.append(
            "an EDL holds one video track: the audio tracks are in "
            + ", ".join(path.name for path in result.files[1 : len(timeline.tracks)])
        )
    return result
