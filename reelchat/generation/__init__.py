"""Pixels and sound: backends, the render runner, the clip cache and stitching."""
