"""The product a request is about, by its name and kind as said: "our notes app Notely",
"Notely, our notes app", "our budgeting tool called Pennywise", "our CRM, HubLite", "the Lumen
desk lamp", "our app's new export button in Figjam"."""

from __future__ import annotations

import re
from dataclasses import dataclass

PRODUCT_NOUNS = (
    r"apps?|products?|tools?|platforms?|services?|software|websites?|sites?|extensions?|plugins?|"
    r"add-?ons?|apis?|games?|crms?|erps?|saas|dashboards?|devices?|gadgets?|bots?|chatbots?|"
    r"assistants?|sdks?|editors?|trackers?|planners?|suites?|systems?"
)
"""Words for a kind of product: a request naming one of ours is a product video."""

_WORD = r"[\w.'’&+-]*"
_NAME = (
    rf"(?:[A-Z]{_WORD}|[a-z]+[A-Z]{_WORD}|\d[\w.-]*[A-Za-z]{_WORD})"
    rf"(?:\s+(?:[A-Z]{_WORD}|\d+(?:\.\d+)?)(?=[\s,.;:!?]|$))*"
)
"""A product name as written: capitalised words ("Notely", "HubLite", "Acme Notes 2"), or
a camel-cased one ("iNotes")."""
_NOT_KIND = (
    r"(?!(?:in|of|for|on|to|with|at|by|from|and|or|about|showing|called|named|new|shot|shots|"
    r"scene|scenes|second|seconds|minute|minutes)\b)"
)
_KIND_WORD = rf"{_NOT_KIND}(?:[a-z][\w-]*|[A-Z]{{2,}}s?)\b"
_KIND = rf"(?:{_KIND_WORD})(?:\s+{_KIND_WORD}){{0,3}}"
_OWNER = r"(?:our|my|their|the)"
_SHAPES = [
    # "our notes app Notely", "our budgeting tool called Pennywise", "our CRM, HubLite"
    re.compile(
        rf"\b(?P<owner>{_OWNER})\s+(?:new\s+)?(?P<kind>{_KIND})(?:\s*,\s*|\s+(?:called|named)\s+"
        rf"|\s+)(?P<name>{_NAME})"
    ),
    # "Notely, our notes app"
    re.compile(
        rf"(?<![\w.])(?P<name>{_NAME}),\s+(?P<owner>{_OWNER}|an?)\s+(?:new\s+)?(?P<kind>{_KIND})"
    ),
    # "a demo of our app's new export button in Figjam"
    re.compile(
        rf"\b(?P<owner>our|my|their)\s+(?P<kind>{PRODUCT_NOUNS})['’]s\b.*?\s(?P<at>in|of)\s+"
        rf"(?P<name>{_NAME})"
    ),
    # "a demo of the export button in Figjam"
    re.compile(
        r"\b(?:buttons?|features?|screens?|pages?|menus?|tabs?|panels?|views?|settings?|options?|"
        rf"modes?|flows?|reports?)\s+(?P<at>in|of)\s+(?P<name>{_NAME})"
    ),
    # "a demo of Notely", "a promo for Acme Notes"
    re.compile(
        r"\b(?:demo|tour|walkthrough|video|promo|ad|advert|trailer|explainer|launch|overview|"
        rf"introduction)\s+(?P<at>of|for|on|about)\s+(?P<name>{_NAME})"
    ),
    # "a promo for the Lumen desk lamp"
    re.compile(rf"\b(?P<owner>the)\s+(?P<name>{_NAME})\s+(?P<kind>{_KIND})"),
]
_NOT_NAMES = frozenset(
    ["A", "An", "The", "I", "We", "Our", "My", "Your", "Their", "It", "This", "That", "Please",
     "Make", "Create", "Show", "Demo", "Video", "New"]
)  # fmt: skip


@dataclass(frozen=True)
class Product:
    """A product as the request names it: its `name` ("Notely"), its kind ("notes app", may
    be empty), whose it is ("our", "the"), and where the request says it (`span`)."""

    name: str
    kind: str = ""
    owner: str = ""
    span: tuple[int, int] = (0, 0)

    @property
    def introduced(self) -> str:
        """The name with its kind, as a sentence can say it: "Notely, our notes app", "the
        Lumen desk lamp", or the name alone when no kind was said."""
        if not self.kind:
            return self.name
        if self.owner.lower() == "the":
            return f"the {self.name} {self.kind}"
        return f"{self.name}, {self.owner.lower()} {self.kind}"


def product_named(text: str) -> Product | None:
    """The product `text` names, or None when it names none by a name.

    The name keeps its spelling and case; a shape found earlier in the list above wins."""
    for shape in _SHAPES:
        for found in shape.finditer(text):
            name = found["name"].rstrip(".'’-")
            if name.split()[0] in _NOT_NAMES:
                continue
            groups = found.groupdict()
            owner = groups.get("owner") or ""
            start = found.start("at") if groups.get("at") else found.start()
            return Product(
                name,
                (groups.get("kind") or "").strip(),
                "the" if owner.lower() in ("a", "an") else owner,
                (start, found.end()),
            )
    return None
