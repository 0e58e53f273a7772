"""reelchat: turn a chat into a finished video."""

__version__ = "0.1.0"
