"""Undo and redo read as a history from the version notes."""

from reelchat.tools.history import move_note, step, timeline


def _rows(*notes):
    return list(enumerate(notes, start=1))


def test_undo_twice_goes_back_two_versions_not_back_and_forth():
    rows = _rows("planned", "edit a", "edit b")
    assert step(rows, -1) == (2, 1)
    rows.append((4, move_note("undo", 2)))
    assert step(rows, -1) == (1, 1)  # from 2 to 1, not back to 3
    rows.append((5, move_note("undo", 1)))
    assert step(rows, -1) == (1, 0)  # nothing left to undo
    assert step(rows, 1) == (2, 1) and step(rows, 2) == (3, 2)


def test_new_work_after_an_undo_drops_what_could_be_redone():
    rows = _rows("planned", "edit a", "edit b", move_note("undo", 2), "edit c")
    assert timeline(rows) == ([1, 2, 5], 5)
    assert step(rows, 1) == (5, 0)
    assert step(rows, -2) == (1, 2)


def test_a_restore_is_new_work_and_can_be_undone():
    rows = _rows("planned", "edit a", "restored version 1")
    assert timeline(rows) == ([1, 2, 3], 3)
    assert step(rows, -1) == (2, 1)


def test_undo_more_steps_than_there_are_stops_at_the_first_version():
    assert step(_rows("planned", "edit a"), -5) == (1, 1)
