"""Piper against espeak-ng: compute seconds per second of speech, on one CPU core.

Both engines read the same English narration lines (the README video's), interleaved, after one
warm-up line each (Piper loads its ONNX model once per process; that load is timed apart).

    .venv/bin/python bench/voices.py --repeat 3
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from reelchat.generation import narration  # noqa: E402
from reelchat.generation.narration import Voice, speak, wav_seconds  # noqa: E402

LINES = [
    "Ever wondered how vaccines work?",
    "Here is the big idea, in one picture.",
    "It happens in a few clear steps, one after another.",
    "Zoom in, and the key detail comes into view.",
    "And this is why it matters to you.",
    "Recap: the idea, the steps, the detail. Now you know how vaccines work.",
]
VOICES = {
    "piper": Voice("piper", "en_US-joe-medium", "en"),
    "espeak-ng": Voice("espeak-ng", "en-us", "en"),
}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})
    start = time.perf_counter()
    narration._piper_voice()
    load = time.perf_counter() - start
    compute = {name: [] for name in VOICES}
    spoken = dict.fromkeys(VOICES, 0.0)
    with tempfile.TemporaryDirectory() as temp:
        for name, voice in VOICES.items():  # warm-up
            speak("Hello.", Path(temp) / f"warm-{name}.wav", voice)
        for round_number in range(args.repeat):
            seconds = dict.fromkeys(VOICES, 0.0)
            for number, line in enumerate(LINES):
                for name, voice in VOICES.items():  # interleaved: both see the same load
                    path = Path(temp) / f"{name}-{number}.wav"
                    begin = time.perf_counter()
                    speak(line, path, voice)
                    seconds[name] += time.perf_counter() - begin
                    if round_number == 0:
                        spoken[name] += wav_seconds(path)
            for name in VOICES:
                compute[name].append(seconds[name])
    print(f"one core, {len(LINES)} lines, median of {args.repeat}; Piper model load {load:.2f} s")
    print("| engine | speech (s) | compute (s) | compute s per spoken s |")
    print("|---|---:|---:|---:|")
    for name in VOICES:
        median = statistics.median(compute[name])
        print(f"| {name} | {spoken[name]:.1f} | {median:.2f} | {median / spoken[name]:.3f} |")


if __name__ == "__main__":
    main()
