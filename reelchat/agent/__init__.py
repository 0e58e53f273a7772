"""The conversation: a LangGraph agent that writes the script and edits the storyboard."""
