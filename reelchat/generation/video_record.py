"""The finished video's own record: a short summary in its MP4 metadata tags and a sidecar
JSON file beside it with the provenance of every clip (generation.provenance)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from sqlalchemy import Engine

from reelchat import __version__, store
from reelchat.errors import NotFound
from reelchat.generation.media import atomic_output, run_ffmpeg
from reelchat.store import JobShot


def video_tags(
    *, title: str, session_id: str, version_number: int, video_id: str | None
) -> dict[str, str]:
    """The MP4 tags: `title` and `comment` (which every player shows) and reelchat_* keys;
    `video_id` None for a video that is no stored video row (`StudioSession.render`)."""
    made = f"session {session_id}, storyboard version {version_number}"
    tags = {
        "title": title,
        "comment": f"made with reelchat {__version__}; {made}"
        + (f", video {video_id}" if video_id else ""),
        "reelchat_version": __version__,
        "reelchat_session": session_id,
        "reelchat_storyboard_version": str(version_number),
    }
    if video_id:
        tags["reelchat_video"] = video_id
    return tags


def tag_video(path: Path, tags: dict[str, str], language: str | None = None) -> None:
    """Write `tags` into the MP4 at `path` and, when `language` (ISO 639-2, 'eng') is known,
    tag its audio and subtitle tracks with it instead of 'und' (a stream copy: no pixel is
    encoded again; the moov atom stays in front). MediaToolError when ffmpeg cannot."""
    metadata = [arg for key, value in tags.items() for arg in ("-metadata", f"{key}={value}")]
    if language:
        metadata += ["-metadata:s:a", f"language={language}", "-metadata:s:s",
                     f"language={language}"]  # fmt: skip
    with atomic_output(path) as temp:
        run_ffmpeg(
            ["-i", str(path), "-map", "0", "-c", "copy", *metadata,
             "-movflags", "+faststart+use_metadata_tags", "-f", "mp4", str(temp)],
            what=f"tag {path.name}",
        )  # fmt: skip


def sidecar_path(video: Path) -> Path:
    """Where the sidecar JSON of `video` lives: beside it, same name, `.json`."""
    return video.with_suffix(".json")


def write_sidecar(video: Path, record: dict[str, Any]) -> Path:
    """Write `record` as the sidecar JSON of `video` (atomically); returns its path."""
    target = sidecar_path(video)
    with atomic_output(target) as temp:
        temp.write_text(json.dumps(record, indent=2, ensure_ascii=False), encoding="utf-8")
    return target


def shot_records(engine: Engine, *, session_id: str, rows: list[JobShot]) -> list[dict[str, Any]]:
    """Each shot of a job with every render of its clip: seed, check verdict and provenance."""
    return [
        {
            "position": row.position,
            "shot_id": row.shot_id,
            "cache_key": row.cache_key,
            "status": str(row.status),
            "attempts": [
                {
                    "attempt": attempt.attempt,
                    "passed_check": attempt.passed,
                    "problems": attempt.problems,
                    **json.loads(attempt.details_json),
                }
                for attempt in store.clip_attempts(engine, session_id=session_id, key=row.cache_key)
            ],
        }
        for row in rows
    ]


def latest_shot_record(engine: Engine, *, session_id: str, position: int) -> dict[str, Any]:
    """Shot `position` (1-based) as the session's most recent render job had it, with every
    render of its clip (shot_records). NotFound when no job of the session has that shot."""
    for job in reversed(store.list_jobs(engine, session_id=session_id)):
        rows = [r for r in store.job_shots(engine, job_id=job.id) if r.position == position]
        if rows:
            [record] = shot_records(engine, session_id=session_id, rows=rows)
            return {"job": job.id, "storyboard_version": job.version_number, **record}
    raise NotFound(f"no render of shot {position} in session {session_id}; render it first")
