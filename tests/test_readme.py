"""The README's code runs as written, and a workspace made in the checkout stays out of git."""

import ast
import re
import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def test_every_python_block_in_the_readme_is_a_valid_script():
    blocks = re.findall(r"```python\n(.*?)```", (ROOT / "README.md").read_text(), flags=re.DOTALL)
    assert blocks
    for block in blocks:
        ast.parse(block)  # a top-level `await` is a SyntaxError in a script


@pytest.mark.skipif(shutil.which("git") is None or not (ROOT / ".git").exists(), reason="no git")
def test_databases_and_session_folders_are_ignored_by_git():
    paths = ["reelchat.db", "ws/checkpoints.db", "ws/reelchat.db-wal", "sessions/ab12/clip.mp4"]
    ignored = subprocess.run(
        ["git", "check-ignore", "--no-index", *paths], cwd=ROOT, capture_output=True, text=True
    )
    assert ignored.stdout.split() == paths
