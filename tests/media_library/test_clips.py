"""Adding clips: a picture is required, the length is checked from the container, the stored
file is H.264 yuv420p MP4 without sound or metadata."""

from __future__ import annotations

import av
import pytest

from reelchat.config import Settings
from reelchat.errors import MediaRefused
from reelchat.media_library import add_media, media_file
from reelchat.store.tables import MediaKind
from tests.media_library.conftest import assert_nothing_stored
from tests.media_library.samples import make_clip, make_sound_only


def test_a_short_clip_is_stored_as_h264_without_sound_or_metadata(
    workspace, session_id, settings, tmp_path
):
    source = make_clip(tmp_path / "demo.mov", seconds=2, audio=True, title="Mei's flat, Paris")
    entry = add_media(workspace, source, scope=session_id, settings=settings)
    assert entry.kind is MediaKind.clip and entry.label == "demo.mov"
    assert (entry.width, entry.height) == (32, 24)
    assert entry.duration == pytest.approx(2.0, abs=0.3)
    stored = media_file(workspace, entry.id)
    assert stored.suffix == ".mp4"
    with av.open(str(stored)) as container:
        assert not container.streams.audio
        video = container.streams.video[0]
        assert video.codec_context.name == "h264"
        assert video.codec_context.pix_fmt == "yuv420p"
        assert "title" not in container.metadata
        assert sum(1 for _ in container.decode(video)) >= 7
    assert b"Paris" not in stored.read_bytes()


def test_a_two_hour_mp4_is_refused_from_its_container(workspace, session_id, settings, tmp_path):
    long = make_clip(tmp_path / "lecture.mp4", seconds=7200, size="16x16", rate=1)
    with pytest.raises(MediaRefused, match=r"lecture\.mp4 lasts 2:00:00, longer than the 1:00"):
        add_media(workspace, long, scope=session_id, settings=settings)
    assert_nothing_stored(workspace)


def test_the_clip_length_is_a_setting(workspace, session_id, tmp_path):
    clip = make_clip(tmp_path / "c.mp4", seconds=3)
    short = Settings(workspace=workspace.root, media_max_clip_seconds=2)
    with pytest.raises(MediaRefused, match=r"lasts 0:03, longer than the 0:02"):
        add_media(workspace, clip, scope=session_id, settings=short)
    assert_nothing_stored(workspace)


def test_a_clip_with_no_video_stream_is_refused(workspace, session_id, settings, tmp_path):
    sound = make_sound_only(tmp_path / "voice-memo.mp4")
    with pytest.raises(MediaRefused, match=r"voice-memo\.mp4 has no video stream"):
        add_media(workspace, sound, scope=session_id, settings=settings)
    assert_nothing_stored(workspace)


def test_a_clip_larger_than_the_byte_limit_is_refused(workspace, session_id, tmp_path):
    clip = make_clip(tmp_path / "big.mp4", seconds=2, size="64x48")
    small = Settings(workspace=workspace.root, media_max_bytes=1024)
    assert clip.stat().st_size > 1024
    with pytest.raises(MediaRefused, match=r"big\.mp4 is larger than the .* MiB"):
        add_media(workspace, clip, scope=session_id, settings=small)
    assert_nothing_stored(workspace)


@pytest.mark.parametrize("keep", [0.1, 0.5])
def test_a_truncated_clip_is_refused_as_damaged(workspace, session_id, settings, tmp_path, keep):
    data = make_clip(tmp_path / "cut.mp4", seconds=2).read_bytes()
    with pytest.raises(MediaRefused, match=r"cut\.mp4 is a damaged or truncated"):
        add_media(
            workspace,
            data[: int(len(data) * keep)],
            scope=session_id,
            label="cut.mp4",
            settings=settings,
        )
    assert_nothing_stored(workspace)
