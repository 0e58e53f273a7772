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
_OWNER = r"(?:our|my|their|the|[A-Z][\w-]*['’]s)"
_QUOTE = r"[\"“‘']?"
_SHAPES = [
    # "our notes app Notely", "our budgeting tool called Pennywise", "our CRM, HubLite"
    re.compile(
        rf"\b(?P<owner>{_OWNER})\s+(?:new\s+)?(?P<kind>{_KIND})(?:\s*,\s*|\s+(?:called|named)\s+"
        rf"|\s+){_QUOTE}(?P<name>{_NAME})"
    ),
    # "Notely, our notes app"
    re.compile(
        rf"(?<![\w.]){_QUOTE}(?P<name>{_NAME}){_QUOTE},\s+(?P<owner>{_OWNER}|an?)\s+(?:new\s+)?"
        rf"(?P<kind>{_KIND})"
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
        rf"introduction)\s+(?P<at>of|for|on|about)\s+{_QUOTE}(?P<name>{_NAME})"
    ),
    # "a promo for the Lumen desk lamp"
    re.compile(rf"\b(?P<the>the)\s+(?P<name>{_NAME})\s+(?P<kind>{_KIND})"),
]
_KIND_ONLY = re.compile(
    rf"\b(?P<owner>our|my|their)\s+(?:new\s+)?(?P<kind>(?:{_KIND_WORD}\s+){{0,2}}?"
    rf"(?:{PRODUCT_NOUNS}))\b(?=\s*(?:$|[,.;:!?]|(?:for|to|that|which|showing|with|in|on|and|"
    r"called|named|so)\b))",
    re.IGNORECASE,
)
"""A product said by its kind alone: "our notes app", "my chrome extension"."""
_NOT_NAMES = frozenset(
    ["A", "An", "The", "I", "We", "Our", "My", "Your", "Their", "It", "This", "That", "Please",
     "Make", "Create", "Show", "Demo", "Video", "New"]
)  # fmt: skip


@dataclass(frozen=True)
class Product:
    """A product as the request says it: its `name` ("Notely", or "our notes app" when no
    name was given), the name with its kind as a sentence introduces it ("Notely, our notes
    app", "the Lumen desk lamp"), and where the request says it (`span`)."""

    name: str
    introduced: str
    span: tuple[int, int]
    named: bool = True


def product_named(text: str) -> Product | None:
    """The product `text` names: by a name with or without its kind, else by its kind alone
    ("our notes app"); None when it names none.

    The name keeps its spelling and case; a shape found earlier in the list above wins."""
    for shape in _SHAPES:
        for found in shape.finditer(text):
            name = found["name"].rstrip(".'’-")
            if name.split()[0] in _NOT_NAMES or re.search(r"['’]s$", name):
                continue  # "Acme's new app Bloop": Acme's is whose it is
            groups = found.groupdict()
            kind = (groups.get("kind") or "").strip()
            if groups.get("the"):
                introduced = f"the {name} {kind}"
            elif kind:
                owner = groups["owner"]
                owner = owner if re.search(r"['’]s$", owner) else owner.lower()
                introduced = f"{name}, {owner} {kind}"
            else:
                introduced = name
            start = found.start("at") if groups.get("at") else found.start()
            return Product(name, introduced, (start, found.end()))
    if said := _KIND_ONLY.search(text):
        name = f"{said['owner'].lower()} {said['kind']}"
        return Product(name, name, said.span(), named=False)
    return None
