"""Tool names other modules decide on, kept apart so that importing them pulls in no LangChain."""

RENDER_TOOL = "render"
RENDER_AFTER = frozenset(
    {"plan_storyboard", "write_script", "edit_storyboard", "restore_version", "undo", "redo"}
)
"""Tools whose change is worth seeing as a video straight away."""
CHANGES_STORYBOARD = RENDER_AFTER | {"make_template"}
