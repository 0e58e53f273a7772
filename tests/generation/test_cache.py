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
    assert consumed_fields(AnimaticBackend()) == REQUEST_FIELDS
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
