"""Offline text-to-speech for narration lines, with espeak-ng where the machine has it."""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from pathlib import Path

from reelchat.errors import MediaToolError

MIN_WPM, MAX_WPM = 150, 260


def tts_available() -> bool:
    return _espeak() is not None


def _espeak() -> str | None:
    return shutil.which("espeak-ng") or shutil.which("espeak")


def speak(text: str, output: Path, *, seconds: float, voice: str = "en-us") -> Path:
    """Write `text` as speech to a WAV file, speaking fast enough to fit in `seconds`.

    The text goes through a file, never the command line, so nothing in it is read as an option.
    """
    exe = _espeak()
    if exe is None:
        raise MediaToolError("no text-to-speech engine: install espeak-ng for spoken narration")
    words = max(1, len(text.split()))
    wpm = int(min(MAX_WPM, max(MIN_WPM, words / max(seconds * 0.9, 0.5) * 60)))
    with tempfile.NamedTemporaryFile(
        "w",
        suffix=".txt",
        prefix=".narration-",
        dir=output.parent,
        encoding="utf-8",
        delete=False,
    ) as handle:  # beside the output, inside the workspace; never the system temp folder
        handle.write(text)
        text_file = Path(handle.name)
    try:
        result = subprocess.run(
            [exe, "-v", voice, "-s", str(wpm), "-w", str(output), "-f", str(text_file)],
            capture_output=True,
            text=True,
        )
    finally:
        text_file.unlink(missing_ok=True)
    if result.returncode != 0 or not output.exists():
        raise MediaToolError(f"text-to-speech failed: {result.stderr.strip() or 'no output'}")
    return output
