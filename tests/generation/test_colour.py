"""BT.709, limited range, tagged on every clip, finished shot, crossfade window and final MP4;
pure green survives the round trip through Y'CbCr."""

import numpy as np

from reelchat.generation.animatic import AnimaticBackend
from reelchat.generation.backend import ShotRequest
from reelchat.generation.media import FrameWriter, probe, read_frame
from reelchat.generation.stitch import StitchOptions, finish_shot, stitch
from tests.conftest import make_storyboard

BT709_LIMITED = ("tv", "bt709")


def test_pure_green_decodes_back_to_pure_green(tmp_path):
    path = tmp_path / "green.mp4"
    writer = FrameWriter(path, width=64, height=64, fps=8)
    for _ in range(4):
        writer.write(np.full((64, 64, 3), (0, 255, 0), np.uint8))
    writer.close()
    assert probe(path).colour == BT709_LIMITED
    red, green, blue = read_frame(path, 0.1)[32, 32].astype(int)
    assert red <= 3 and green >= 250 and blue <= 3  # BT.601 decoding gave (0, 215, 0)


def test_every_piece_of_a_stitched_video_is_tagged(tmp_path):
    board = make_storyboard(2, duration=1.0, transitions=["crossfade", "fade_to_black"])
    clips = []
    for shot in board.shots:
        clips.append(tmp_path / f"{shot.id}.mp4")
        AnimaticBackend().generate(ShotRequest.for_shot(board, shot), clips[-1], lambda _f: None)
    options = StitchOptions(captions=True, narration=False)
    output = tmp_path / "out.mp4"
    stitch(board, clips, output, options=options, cache_dir=tmp_path)
    finished = finish_shot(clips[0], storyboard=board, index=0, options=options, cache_dir=tmp_path)
    windows = list(tmp_path.glob("crossfade-*.mp4"))
    pieces = [*clips, finished.body, finished.tail, *windows, output]
    assert windows and all(probe(piece).colour == BT709_LIMITED for piece in pieces)
