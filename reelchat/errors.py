"""Exceptions a user can act on; the CLI and UI show their message, never a traceback."""


class ReelchatError(Exception):
    """Base class: the message is written for the person using reelchat."""


class StoryboardInvalid(ReelchatError):
    """A storyboard or an edit breaks the bounds (shot count, durations, lengths, ...)."""


class NotFound(ReelchatError):
    """A session, version, job or shot that does not exist."""


class InputFileError(ReelchatError):
    """A file given by the user is missing, unreadable or not what it should be."""


class RenderFailed(ReelchatError):
    """A shot or the stitch failed; finished shots are kept and the job can be re-run."""


class RenderCancelled(ReelchatError):
    """The job was cancelled; finished shots are kept and re-running resumes it."""


class MediaToolError(ReelchatError):
    """ffmpeg (or text-to-speech) failed on a file."""


class JobBusy(ReelchatError):
    """Another live process is rendering this job or session right now."""


class ContentBlocked(ReelchatError):
    """The workspace's content filter refused a message or a storyboard's text."""


def first_line(error: BaseException, limit: int = 300) -> str:
    """The first line of an error's message, cut to `limit`: enough to name it in one line
    (SDK and driver errors often carry pages of detail); empty when the error has no text."""
    lines = str(error).strip().splitlines()
    return lines[0][:limit] if lines else ""


class WorkspaceUnsafe(ReelchatError):
    """A workspace file or folder is a symbolic link, or an output would overwrite the
    workspace's own files: nothing is read, written or deleted through it."""


class StoreUnavailable(ReelchatError):
    """The app database (or the conversation checkpoints) is damaged, missing or replaced."""


class VersionConflict(ReelchatError):
    """Another process saved a storyboard version first; the edit was computed from an older
    one and was not saved (it is re-read and re-applied, or the person is told)."""


class MediaRefused(InputFileError):
    """A picture, clip or font a person added was refused (not decodable, too big, too long,
    animated, no video stream...): one sentence naming the file and why; nothing was stored."""
