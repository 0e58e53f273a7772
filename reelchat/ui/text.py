"""What markdown text from people and models may use on the page.

Model replies may use emphasis, lists, headings and code; a link is shown as its text with
the address beside it in a code span (never clickable, so no `javascript:` and no surprise
destinations), an image is shown as `[image: alt]` and never loaded (a markdown image would
make the browser fetch any address, leaking that the page was opened), and `<` is escaped so
neither raw HTML nor `<http://...>` autolinks are read. Titles, notes and other text placed
inside the page's own markdown use `markdown_literal`: shown exactly as typed.
"""

from __future__ import annotations

import re

_IMAGE_OR_LINK = re.compile(r"(!?)\[([^\]\n]{0,500})\]\(([^)\n]{0,2000})\)")
_MARKDOWN_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>~:=$])")


def _tame(match: re.Match[str]) -> str:
    image, text, address = match[1], match[2].strip(), match[3].strip().replace("`", "'")
    if image:
        return f"[image: {text or 'no description'}]"
    return f"{text} (`{address}`)" if address else text


def model_markdown(text: str) -> str:
    """A model's (or a person's) chat message as markdown that cannot link, load or inject."""
    return _IMAGE_OR_LINK.sub(_tame, text).replace("<", "\\<")


def markdown_literal(text: str) -> str:
    """`text` with every markdown character escaped, for titles and notes inside markdown."""
    return _MARKDOWN_SPECIAL.sub(r"\\\1", text)
