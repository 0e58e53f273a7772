"""Everything bounded (issue 17, the parts outside the model call): huge numbers are clear
refusals, the checkpoint store stays bounded, an abandoned turn never blocks exit."""

from __future__ import annotations

import sys

import pytest
from typer.testing import CliRunner

from reelchat import store
from reelchat.cli import app
from reelchat.errors import NotFound
from tests.conftest import make_storyboard

runner = CliRunner()


@pytest.fixture
def session_id(workspace):
    row = store.create_session(workspace.engine, title="t")
    store.add_version(workspace.engine, session_id=row.id, storyboard=make_storyboard(1))
    return row.id


def test_huge_version_numbers_are_clear_refusals(workspace, session_id, monkeypatch):
    monkeypatch.setenv("REELCHAT_WORKSPACE", str(workspace.root))
    huge = "99999999999999999999"
    for command in (
        ("storyboard", "restore", session_id, huge),
        ("storyboard", "show", session_id, "--version", huge),
        ("storyboard", "export", session_id, "--version", huge),
    ):
        result = runner.invoke(app, list(command))
        assert result.exit_code == 1, result.output
        assert result.stderr.startswith("error:") and "no storyboard version" in result.stderr
        assert "Traceback" not in result.output
    digits = 10 ** (sys.get_int_max_str_digits() + 700)  # 5,000 digits: str() itself refuses
    for number in (digits, 2**63, 0, -1):
        with pytest.raises(NotFound, match="no storyboard version"):
            store.get_version(workspace.engine, session_id=session_id, number=number)
    with pytest.raises(NotFound):
        store.restore_version(workspace.engine, session_id=session_id, number=digits)
    assert len(store.list_versions(workspace.engine, session_id=session_id)) == 1
