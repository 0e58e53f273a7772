"""The clip cache: keys cover what a backend consumes, and nothing else."""

import pytest

from reelchat.generation.animatic import AnimaticBackend
from reelchat.generation.cache import REQUEST_FIELDS, cache_key, consumed_fields, shot_requests
from tests.conftest import make_storyboard


class PromptOnly:
    """A backend that only ever sees the prompt (and, chained, the shot before)."""

    name = "prompt-only"
    chains_shots = False
    consumes = frozenset({"prompt"})


def test_a_backend_that_declares_nothing_is_keyed_on_every_request_field():
    class DeclaresNothing:
        name, chains_shots = "plain", False

    assert consumed_fields(DeclaresNothing()) == REQUEST_FIELDS
    assert consumed_fields(AnimaticBackend()) == REQUEST_FIELDS - {"font"}
    assert "title" in REQUEST_FIELDS and "condition_frame" not in REQUEST_FIELDS


def test_fields_a_backend_does_not_consume_leave_its_key_alone():
    (request, key), = shot_requests(make_storyboard(1), PromptOnly())  # fmt: skip
    for change in ({"title": "renamed"}, {"seed": 7}, {"camera": "orbit"}):
        assert cache_key(PromptOnly(), request.model_copy(update=change)) == key
    assert cache_key(PromptOnly(), request.model_copy(update={"prompt": "the sea"})) != key
    assert cache_key(PromptOnly(), request.model_copy(update={"condition_key": "x"})) != key


def test_a_backend_naming_an_unknown_field_is_refused():
    class Typo(PromptOnly):
        consumes = frozenset({"promt"})

    with pytest.raises(ValueError, match="promt"):
        consumed_fields(Typo())


def test_a_shot_with_no_picture_or_brand_keeps_the_key_it_had_before_they_existed():
    import hashlib
    import json

    backend = AnimaticBackend()
    (request, key), = shot_requests(make_storyboard(1), backend)  # fmt: skip
    earlier = request.model_dump(mode="json", exclude={"media", "palette", "font"})
    payload = json.dumps({"backend": backend.name, **earlier}, sort_keys=True)
    assert key == hashlib.sha256(payload.encode()).hexdigest()[:32]


def test_another_picture_or_brand_colour_changes_the_key():
    from reelchat.storyboard.models import ShotMedia

    (request, key), = shot_requests(make_storyboard(1), AnimaticBackend())  # fmt: skip
    photo = request.model_copy(update={"media": ShotMedia(id="0123456789abcdef")})
    other = request.model_copy(update={"media": ShotMedia(id="fedcba9876543210")})
    keys = {key, *(cache_key(AnimaticBackend(), r) for r in (photo, other))}
    keys.add(cache_key(AnimaticBackend(), request.model_copy(update={"palette": ("#ff0000",)})))
    assert len(keys) == 4


def test_a_picture_shot_keys_on_the_picture_and_its_move_not_its_words_on_the_animatic():
    from reelchat.storyboard.models import Brand, ShotMedia

    board = make_storyboard(1)
    shot = board.shots[0].model_copy(update={"media": ShotMedia(id="0123456789abcdef")})

    def key(**changes) -> str:
        one = board.model_copy(update={"shots": [shot.model_copy(update=changes)]})
        return shot_requests(one, AnimaticBackend())[0][1]

    assert key(title="Other", prompt="another prompt", seed=9) == key()
    assert key(camera="static") != key()
    board = board.model_copy(update={"brand": Brand(colours=["#ff6600"])})
    assert key() == shot_requests(make_storyboard(1).model_copy(update={
        "shots": [shot]}), AnimaticBackend())[0][1]  # fmt: skip
