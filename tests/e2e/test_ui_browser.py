"""`reelchat ui` in headless Chromium (Debian's, never a downloaded browser): chat a video into
existence, edit one shot on the board, see only that shot re-render. Screenshots are saved to
test-artifacts/ for a person to look at."""

import os
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from reelchat import store
from reelchat.workspace import Workspace

pytestmark = pytest.mark.e2e
CHROMIUM = "/usr/bin/chromium"
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
REQUEST = "a 6 second explainer on how rainbows form, for kids, 2 shots"

sync_api = pytest.importorskip("playwright.sync_api")
if not Path(CHROMIUM).exists():
    pytest.skip(
        "Debian's chromium is not installed (apt-get install chromium)", allow_module_level=True
    )


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def studio(tmp_path):
    port = _free_port()
    root = tmp_path / "ws"
    exe = shutil.which("reelchat", path=os.path.dirname(sys.executable)) or "reelchat"
    log = (tmp_path / "ui.log").open("w")
    server = subprocess.Popen(
        [exe, "ui", "--port", str(port), "--workspace", str(root)],
        stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
    )  # fmt: skip
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        with socket.socket() as probe:
            if probe.connect_ex(("127.0.0.1", port)) == 0:
                break
        time.sleep(0.2)
    yield f"http://127.0.0.1:{port}", Workspace(root=root, database=root / "reelchat.db")
    os.killpg(server.pid, 15)
    server.wait(10)
    log.close()
    printed = (tmp_path / "ui.log").read_text()
    assert "use_container_width" not in printed, printed[-3000:]


def test_chat_a_video_then_edit_one_shot_in_the_browser(studio):
    url, ws = studio
    ARTIFACTS.mkdir(exist_ok=True)
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        page = browser.new_page(viewport={"width": 1400, "height": 900})
        page.goto(url)
        page.get_by_text("Make a video by chatting").wait_for(timeout=60_000)
        page.screenshot(path=ARTIFACTS / "1-welcome.png")

        page.get_by_role("button", name="New video").first.click()
        box = page.get_by_test_id("stChatInputTextArea")
        box.wait_for(timeout=30_000)
        box.fill(REQUEST)
        box.press("Enter")
        page.get_by_text("Cancel render").wait_for(timeout=60_000)
        page.screenshot(path=ARTIFACTS / "2-rendering.png")
        page.locator("video").first.wait_for(timeout=180_000)
        page.screenshot(path=ARTIFACTS / "2-video.png")

        (session,) = store.list_sessions(ws.engine)
        assert store.list_videos(ws.engine, session_id=session.id)
        page.get_by_role("tab", name="Storyboard").click()
        page.get_by_text("Shot 2", exact=True).wait_for(timeout=30_000)
        page.screenshot(path=ARTIFACTS / "3-storyboard.png", full_page=True)
        seconds = page.get_by_role("spinbutton", name="Seconds").first
        seconds.fill("4")
        seconds.press("Tab")
        page.get_by_role("button", name="Save shot").first.click()
        deadline = time.monotonic() + 180
        while (
            time.monotonic() < deadline
            and len(store.list_videos(ws.engine, session_id=session.id)) < 2
        ):
            time.sleep(0.5)
        page.get_by_text("Board: shot 1, duration → 4.0").wait_for(timeout=30_000)
        page.get_by_role("tab", name="Video").click()
        shown = store.list_videos(ws.engine, session_id=session.id)[-1].version_number
        page.get_by_text(f"Version {shown} ·").wait_for(timeout=60_000)
        page.screenshot(path=ARTIFACTS / "4-after-edit.png", full_page=True)
        browser.close()

    jobs = store.list_jobs(ws.engine, session_id=session.id)
    assert len(jobs) == 2
    assert [r.status for r in store.job_shots(ws.engine, job_id=jobs[-1].id)] == [
        "rendered",
        "cached",
    ]
    assert store.get_version(ws.engine, session_id=session.id).storyboard.shots[0].duration == 4.0
