import pytest

from reelchat.storyboard.models import Aspect
from reelchat.storyboard.templates import explainer, topic_and_audience


@pytest.mark.parametrize(
    ("request_text", "topic", "audience"),
    [
        ("Explain how vaccines work, for teenagers", "how vaccines work", "teenagers"),
        (
            "make a 30-second explainer on how vaccines work, for teenagers",
            "how vaccines work",
            "teenagers",
        ),
        ("A demo of our app's new export button", "our app's new export button", "everyone"),
        ("make a video about the water cycle for kids", "the water cycle", "kids"),
        ("Photosynthesis", "Photosynthesis", "everyone"),
    ],
)
def test_reads_topic_and_audience(request_text, topic, audience):
    assert topic_and_audience(request_text) == (topic, audience)


def test_explainer_has_hook_key_points_and_recap_filling_the_length():
    board = explainer("how tides work", audience="kids", seconds=30, shots=6)
    titles = [shot.title for shot in board.shots]
    assert titles[0] == "Tides: the question" and titles[-1] == "Recap: tides" and len(titles) == 6
    assert board.runtime == pytest.approx(30, abs=1 / 24)  # the video, crossfades included
    assert "Ever wondered how tides work?" in board.shots[0].narration
    assert all("tides" in shot.prompt or "kids" in shot.prompt for shot in board.shots)
    assert len({shot.camera for shot in board.shots}) == 6
    assert len({shot.seed for shot in board.shots}) == 6


@pytest.mark.parametrize("shots", [1, 2, 4])
def test_explainer_respects_shot_count_and_aspect(shots):
    board = explainer("volcanoes", shots=shots, seconds=12, aspect=Aspect.portrait)
    assert len(board.shots) == shots
    assert board.size == (480, 854)
    assert board.shots[0].narration.startswith("Ever wondered about volcanoes?")


@pytest.mark.parametrize("request_text", ["shot 1000 seconds", "a 160 second video"])
def test_a_long_request_plans_shots_within_their_bounds(request_text):
    """8 shots of 20 s: the crossfade overlaps must not take a shot past 20 s."""
    from reelchat.agent.parse.request import plan_new_video

    shots = plan_new_video(request_text, seed=1).args.shots
    assert len(shots) == 8 and all(shot.duration == 20.0 for shot in shots)
