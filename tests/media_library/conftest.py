"""A session to add media to, and a check that a refusal stored nothing."""

from __future__ import annotations

import pytest
from sqlmodel import Session, func, select

from reelchat import store
from reelchat.config import Settings
from reelchat.workspace import Workspace


@pytest.fixture
def session_id(workspace: Workspace) -> str:
    return store.create_session(workspace.engine, title="media test").id


@pytest.fixture
def settings(workspace: Workspace) -> Settings:
    return Settings(workspace=workspace.root)


def assert_nothing_stored(workspace: Workspace) -> None:
    """No media row, no listing and no file (temp files included) in the workspace."""
    with Session(workspace.engine) as db:
        for table in (store.MediaItem, store.MediaListing):
            assert db.exec(select(func.count()).select_from(table)).one() == 0
    folder = workspace.root / "media"
    assert not folder.exists() or list(folder.iterdir()) == []
