"""The cut for editors: OTIO, FCPXML and EDL read back with the storyboard's starts, durations,
crossfades and markers, media referenced relatively, narration and music on audio tracks."""

import json
import shutil
import subprocess
import xml.etree.ElementTree as ElementTree
from fractions import Fraction
from pathlib import Path

import opentimelineio as otio
import pytest
from typer.testing import CliRunner

from reelchat import Studio, store
from reelchat.cli import app
from reelchat.errors import InputFileError, NotFound
from reelchat.export import (
    CutMedia,
    ExportFormat,
    cut_timeline,
    edit_rate,
    export_session,
    write_timeline,
)
from reelchat.generation.animatic import AnimaticBackend
from reelchat.generation.media import ffmpeg_exe, probe
from reelchat.generation.narration import tts_available
from reelchat.generation.runner import render_session
from reelchat.generation.stitch import StitchOptions
from reelchat.storyboard.validation import parse_storyboard
from reelchat.workspace import Workspace
from tests.conftest import make_storyboard

TRANSITIONS = ["crossfade", "cut", "cut", "crossfade", "cut", "cut"]


@pytest.fixture(scope="module")
def music(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("music") / "theme.wav"
    subprocess.run(
        [
            ffmpeg_exe(),
            "-y",
            "-loglevel",
            "error",
            "-f",
            "lavfi",
            "-i",
            "sine=f=440:d=3",
            str(path),
        ],
        check=True,
    )
    return path


@pytest.fixture(scope="module")
def session(tmp_path_factory, music):
    """Six rendered shots (8 fps, 360p, two crossfades) with narration, and music on render."""
    root = tmp_path_factory.mktemp("export") / "ws"
    workspace = Workspace(root=root, database=root / "reelchat.db")
    board = make_storyboard(6, transitions=TRANSITIONS, duration=1.0)
    session_id = store.create_session(workspace.engine, title=board.title).id
    store.add_version(workspace.engine, session_id=session_id, storyboard=board)
    options = StitchOptions(captions=False, music=music)
    render_session(workspace, AnimaticBackend(), session_id=session_id, options=options)
    return workspace, session_id


def _read(path: Path, fmt: ExportFormat) -> otio.schema.Timeline:
    return otio.adapters.read_from_file(str(path), **({"rate": 24} if fmt == "edl" else {}))


def _video_track(timeline: otio.schema.Timeline) -> otio.schema.Track:
    (track,) = [t for t in timeline.tracks if t.kind == otio.schema.TrackKind.Video]
    return track


def _frames(time: otio.opentime.RationalTime, fps: float) -> float:
    return time.rescaled_to(fps).value


def _fcpxml_dissolves(path: Path) -> dict[Fraction, Fraction]:
    """Start -> length (seconds) of each `<transition>` in an FCPXML spine."""
    spine = ElementTree.parse(path).getroot().find(".//spine")
    return {
        Fraction(t.get("offset").rstrip("s")): Fraction(t.get("duration").rstrip("s"))
        for t in spine.iter("transition")
    }


@pytest.mark.parametrize("fmt", list(ExportFormat))
def test_an_export_reads_back_with_the_storyboards_starts_durations_and_crossfades(
    session, music, fmt
):
    workspace, session_id = session
    board = store.get_version(workspace.engine, session_id=session_id).storyboard
    line, fps = board.timeline, board.fps
    result = export_session(workspace, session_id, fmt, music=music)
    assert result.path.parent == workspace.session_dir(session_id) / "exports"
    timeline = _read(result.path, fmt)
    track = _video_track(timeline)
    clips = list(track.find_clips(shallow_search=True))
    assert len(clips) == 6
    starts = [_frames(clip.range_in_parent().start_time, fps) for clip in clips]
    assert starts == pytest.approx(list(line.starts), abs=1)
    if fmt is ExportFormat.fcpxml:  # the adapter reads no transitions: they are in the spine
        dissolves = _fcpxml_dissolves(result.path)
        assert sorted(dissolves) == [Fraction(line.starts[1], 8), Fraction(line.starts[4], 8)]
        assert set(dissolves.values()) == {Fraction(line.overlaps[0], 8)}
        cut = [_frames(clip.range_in_parent().duration, fps) for clip in clips]
        durations = [c + line.overlaps[i] for i, c in enumerate(cut)]
    else:
        dissolves = [item for item in track if isinstance(item, otio.schema.Transition)]
        assert [d.transition_type for d in dissolves] == ["SMPTE_Dissolve"] * 2
        assert [track.index(d) for d in dissolves] == [1, 5]  # after shots 1 and 4
        assert [_frames(d.out_offset, fps) for d in dissolves] == pytest.approx(
            [line.overlaps[0], line.overlaps[3]], abs=1
        )
        durations = [_frames(clip.visible_range().duration, fps) for clip in clips]
    assert line.overlaps[0] > 0 and line.overlaps[3] > 0
    assert durations == pytest.approx(list(line.frames), abs=1)


@pytest.mark.parametrize("fmt", list(ExportFormat))
def test_each_shot_has_a_marker_with_its_title_and_prompt(session, fmt):
    workspace, session_id = session
    board = store.get_version(workspace.engine, session_id=session_id).storyboard
    result = export_session(workspace, session_id, fmt)
    if fmt is ExportFormat.fcpxml:  # markers as Final Cut has them: value and note
        markers = [
            (m.get("value"), m.get("note")) for m in ElementTree.parse(result.path).iter("marker")
        ]
        assert markers == [(shot.title, shot.prompt) for shot in board.shots]
        return
    timeline = _read(result.path, fmt)
    clips = list(_video_track(timeline).find_clips(shallow_search=True))
    if fmt is ExportFormat.otio:
        markers = [(m.name, m.comment) for clip in clips for m in clip.markers]
        assert markers == [(shot.title, shot.prompt) for shot in board.shots]
    else:  # an EDL locator is one upper-case line: title and prompt together
        names = {m.name for clip in clips for m in clip.markers}
        assert names == {f"{shot.title}: {shot.prompt}".upper() for shot in board.shots}


@pytest.mark.parametrize("fmt", list(ExportFormat))
def test_the_export_folder_can_be_moved_and_its_media_still_resolves(session, tmp_path, music, fmt):
    workspace, session_id = session
    board = store.get_version(workspace.engine, session_id=session_id).storyboard
    result = export_session(workspace, session_id, fmt, output=tmp_path / "a" / f"cut.{fmt}",
                            music=music)  # fmt: skip
    moved = tmp_path / "moved"
    shutil.copytree(tmp_path / "a", moved)
    shutil.rmtree(tmp_path / "a")
    timeline_files = [
        moved / path.name for path in result.files if path.parent == result.path.parent
    ]
    urls = set()
    for path in timeline_files:
        timeline = _read(path, fmt)
        for clip in timeline.find_clips():
            urls.add(clip.media_reference.target_url)
    assert urls and all(not Path(url).is_absolute() and "://" not in url for url in urls)
    assert all((moved / url).is_file() for url in urls)
    shot_files = sorted(url for url in urls if url.endswith(".mp4"))
    if fmt is not ExportFormat.edl:  # the EDL reader names a dissolve's B side by its A side
        assert len(shot_files) == 6
        assert [probe(moved / url).frames for url in shot_files] == list(board.timeline.frames)
    assert any(url.endswith(".wav") and "voice" in url for url in urls) == tts_available()
    assert any("music" in url for url in urls)


def test_narration_and_music_lie_on_audio_tracks(session, music):
    workspace, session_id = session
    board = store.get_version(workspace.engine, session_id=session_id).storyboard
    result = export_session(workspace, session_id, ExportFormat.otio, music=music)
    timeline = _read(result.path, ExportFormat.otio)  # held: its tracks live as long as it does
    tracks = {t.name: t for t in timeline.tracks}
    assert tracks["Music"].kind == otio.schema.TrackKind.Audio
    assert _frames(tracks["Music"].duration(), board.fps) == board.timeline.total
    assert len(list(tracks["Music"].find_clips())) >= 2  # 3 s of music repeated to the end
    if not tts_available():
        assert "Narration" not in tracks and any("voice" in note for note in result.notes)
        return
    lines = list(tracks["Narration"].find_clips())
    assert [_frames(c.range_in_parent().start_time, board.fps) for c in lines] == list(
        board.timeline.starts
    )
    ends = [*board.timeline.starts[1:], board.timeline.total]
    assert all(
        _frames(c.range_in_parent().end_time_exclusive(), board.fps) <= end
        for c, end in zip(lines, ends, strict=True)
    )


def test_the_cli_renders_an_unrendered_storyboard_first_and_keeps_titles_on_one_line(
    tmp_path, monkeypatch
):
    root = tmp_path / "ws"
    monkeypatch.setenv("REELCHAT_WORKSPACE", str(root))
    workspace = Workspace(root=root, database=root / "reelchat.db")
    data = json.loads(make_storyboard(2, duration=1.0).to_json())
    data["shots"][0]["title"] = "Intro\n002  AX V C 00:00:00:00"  # must stay inside one locator
    for shot in data["shots"]:
        shot["narration"] = ""
    board = parse_storyboard(data)
    session_id = store.create_session(workspace.engine, title="t").id
    store.add_version(workspace.engine, session_id=session_id, storyboard=board)
    output = tmp_path / "out" / "cut.edl"
    result = CliRunner().invoke(app, ["export", session_id, "--format", "edl", "-o", str(output)])
    assert result.exit_code == 0, result.output
    assert "rendering it first" in result.stderr
    assert len(store.list_videos(workspace.engine, session_id=session_id)) == 1
    timeline = _read(output, ExportFormat.edl)
    clips = list(_video_track(timeline).find_clips())
    assert len(clips) == 2 and (output.parent / "cut_media" / "shot-01.mp4").is_file()
    assert "\n002  AX" not in output.read_text()


def test_bad_requests_are_clear_errors(tmp_path, session):
    workspace, session_id = session
    studio = Studio(tmp_path / "ws2")
    fresh = studio.new_session()
    with pytest.raises(InputFileError, match="no export format 'mov'; choose otio, fcpxml, edl"):
        fresh.export("mov")
    with pytest.raises(InputFileError, match="would overwrite the workspace's own files"):
        export_session(workspace, session_id, ExportFormat.otio,
                       output=workspace.root / "sessions" / "cut.otio")  # fmt: skip
    board = store.get_version(workspace.engine, session_id=session_id).storyboard
    other = store.create_session(workspace.engine, title="unrendered").id
    store.add_version(workspace.engine, session_id=other, storyboard=board)
    with pytest.raises(NotFound, match=f"render it first: reelchat render --session {other}"):
        export_session(workspace, other, ExportFormat.edl)


@pytest.mark.parametrize("fps", [8, 16, 23.976, 29.97, 60])
@pytest.mark.parametrize("fmt", list(ExportFormat))
def test_every_rate_reads_back_within_a_frame(tmp_path, fps, fmt):
    """FCPXML and EDL know only the usual editing rates: 8 fps goes onto 24 exactly, 16 onto 24
    within half a frame, NTSC rates stay NTSC."""
    board = make_storyboard(6, transitions=TRANSITIONS, duration=1.3, fps=fps)
    media = CutMedia([f"m/shot-{n}.mp4" for n in range(6)], [])
    path = tmp_path / f"cut.{fmt}"
    write_timeline(cut_timeline(board, media, fmt), path, fmt)
    line = board.timeline
    if fmt is ExportFormat.fcpxml:  # OpenTimelineIO's reader truncates 23.976 to 23: read the XML
        spine = ElementTree.parse(path).getroot().find(".//spine")
        clips = spine.findall("clip")
        seconds = [Fraction(c.get("offset").rstrip("s")) for c in clips]
        seconds.append(seconds[-1] + Fraction(clips[-1].get("duration").rstrip("s")))
        for time in seconds:  # on the timeline's frame grid, not just near it
            assert (time * edit_rate(line.fps, fmt).exact).denominator == 1
        starts = [float(time * line.fps) for time in seconds]
        dissolves = [Fraction(t.get("offset").rstrip("s")) for t in spine.iter("transition")]
        assert dissolves == [seconds[1], seconds[4]]
    else:
        rate = edit_rate(line.fps, fmt).exact
        timeline = otio.adapters.read_from_file(
            str(path), **({"rate": float(rate)} if fmt == "edl" else {})
        )
        clips = list(_video_track(timeline).find_clips(shallow_search=True))
        starts = [_frames(clip.range_in_parent().start_time, float(line.fps)) for clip in clips]
        starts.append(_frames(timeline.duration(), float(line.fps)))
    assert starts == pytest.approx([*line.starts, line.total], abs=1)


def test_a_library_session_exports_after_rendering_with_the_studios_music(tmp_path, music):
    studio = Studio(tmp_path / "ws", stitch=StitchOptions(captions=False, narration=False,
                                                          music=music))  # fmt: skip
    board = make_storyboard(2, transitions=["crossfade", "cut"], duration=1.0)
    session_id = store.create_session(studio.workspace.engine, title=board.title).id
    store.add_version(studio.workspace.engine, session_id=session_id, storyboard=board)
    session = studio.session(session_id)
    assert session.video_path is None
    result = session.export("otio", output=tmp_path / "edit" / "cut.otio")
    assert session.video_path is not None  # rendered first
    timeline = otio.adapters.read_from_file(str(result.path))
    assert [t.name for t in timeline.tracks] == ["Shots", "Music"]
    assert (result.path.parent / "cut_media" / "music.wav").is_file()
    track = _video_track(timeline)
    assert [type(item).__name__ for item in track] == ["Clip", "Transition", "Clip"]
