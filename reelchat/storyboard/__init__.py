"""The storyboard domain: models with bounds, pure edit operations and use-case templates."""

from reelchat.storyboard.edits import EditResult
from reelchat.storyboard.models import Aspect, Camera, Script, Shot, Storyboard, Transition

__all__ = ["Aspect", "Camera", "EditResult", "Script", "Shot", "Storyboard", "Transition"]
