"""People's own media: pictures, clips and fonts added to a session or the whole workspace."""

from reelchat.media_library.library import (
    ACCEPTED,
    MediaEntry,
    add_media,
    attach_media,
    find_media,
    forget_session_media,
    list_media,
    media_file,
    remove_media,
)

__all__ = [
    "ACCEPTED",
    "MediaEntry",
    "add_media",
    "attach_media",
    "find_media",
    "forget_session_media",
    "list_media",
    "media_file",
    "remove_media",
]
