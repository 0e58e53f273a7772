"""The Streamlit page under AppTest: a workspace the page opens through REELCHAT_WORKSPACE."""

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

import reelchat.ui
from reelchat.workspace import Workspace

APP = str(Path(reelchat.ui.__file__).parent / "app.py")


@pytest.fixture
def ws(tmp_path, monkeypatch):
    """The workspace the page uses (the environment names it), opened here as well."""
    root = tmp_path / "ws"
    monkeypatch.setenv("REELCHAT_WORKSPACE", str(root))
    return Workspace(root=root, database=root / "reelchat.db")


def run_app() -> AppTest:
    """The page, run once."""
    at = AppTest.from_file(APP, default_timeout=60)
    at.run()
    return at
