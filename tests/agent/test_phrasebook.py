"""Every row of the phrasebook in docs/conversation.md, read by the offline planner's parser."""

import pytest

from reelchat.agent.parse.reading import read_message
from tests.agent.phrasebook import reference_state, rows, summary

ROWS = rows()


def test_the_phrasebook_has_at_least_80_rows():
    assert len(ROWS) >= 80 and len({said for said, _ in ROWS}) == len(ROWS)


@pytest.mark.parametrize(("said", "expected"), ROWS, ids=[said[:40] for said, _ in ROWS])
def test_each_phrasing_gives_the_operations_in_the_table(said, expected):
    assert summary(read_message(said, reference_state())) == expected
