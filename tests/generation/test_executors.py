"""The executor seam without Ray: the local default, and Ray staying out of every import."""

import subprocess
import sys

from reelchat.config import Settings
from reelchat.generation.animatic import AnimaticBackend
from reelchat.generation.executors import as_executor, get_executor
from reelchat.generation.executors.local import LocalExecutor


def _python(code: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)


def test_importing_reelchat_and_rendering_locally_never_imports_ray(tmp_path):
    code = f"""
import sys
import reelchat, reelchat.cli, reelchat.studio, reelchat.ui.services
from reelchat.config import Settings
from reelchat.generation.executors import get_executor
from reelchat.generation.runner import render_session
from reelchat import store
from reelchat.workspace import Workspace
from tests.conftest import make_storyboard
ws = Workspace.from_settings(Settings(workspace={str(tmp_path)!r}))
session = store.create_session(ws.engine, title="t")
store.add_version(ws.engine, session_id=session.id, storyboard=make_storyboard(1))
executor = get_executor(Settings(workspace=ws.root))
render_session(ws, executor, session_id=session.id)
print(sorted(name for name in sys.modules if name == "ray" or name.startswith("ray.")))
"""
    result = _python(code)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "[]"


def test_choosing_ray_without_it_installed_says_how_to_install_it():
    code = """
import sys
sys.modules["ray"] = None  # as if the [cluster] extra were not installed
from reelchat.config import Settings
from reelchat.errors import ReelchatError
from reelchat.generation.executors import get_executor
try:
    get_executor(Settings(executor="ray"))
except ReelchatError as error:
    print(error)
"""
    result = _python(code)
    assert result.returncode == 0, result.stderr
    assert "pip install 'reelchat[cluster]'" in result.stdout


def test_the_default_executor_is_local_on_the_warm_backend(tmp_path):
    executor = get_executor(Settings(workspace=tmp_path))
    assert isinstance(executor, LocalExecutor) and executor.slots == 1
    assert get_executor(Settings(workspace=tmp_path)).backend is executor.backend
    backend = AnimaticBackend()
    assert as_executor(backend).backend is backend
    assert as_executor(executor) is executor


def test_executor_settings_come_from_the_environment(monkeypatch):
    monkeypatch.setenv("REELCHAT_EXECUTOR", "ray")
    monkeypatch.setenv("REELCHAT_RAY_ADDRESS", "ray://head:10001")
    settings = Settings()
    assert (settings.executor, settings.ray_address) == ("ray", "ray://head:10001")
