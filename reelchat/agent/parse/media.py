"""People's own pictures in words: which media item a clause names ("the screenshot I uploaded",
"export.png", "Mei's photo", "our logo"), a region of a picture ("top right", "the left half",
"the top third"), and the rows that set a shot's picture, its focus and highlight, and the
brand kit (logo, colours, font).

These rows are read before the general table (phrasings.py): "remove the logo" is the brand's
logo, not a shot. A clause naming media the session does not have, or one of several that
fit, is answered with what the session has, never guessed."""

from __future__ import annotations

import re
from collections.abc import Callable

from PIL import ImageColor

from reelchat.agent.parse.clauses import FILE_NAME, PLACED_MEDIA
from reelchat.agent.parse.phrasings import (
    _ADD,
    _FIELDS,
    _SAYS,
    Answer,
    Builder,
    Context,
    Item,
    _add,
    _model,
    _update,
)
from reelchat.agent.parse.references import (
    ORD_OR_END,
    ORDINALS,
    REFERENCE,
    Unclear,
    number,
    place,
)
from reelchat.errors import StoryboardInvalid
from reelchat.storyboard.models import MAX_BRAND_COLOURS, Corner, Logo, Region, ShotMedia
from reelchat.tools.arguments import InsertShot, SetShotMedia, UpdateBrand
from reelchat.tools.media import MediaRef

MEDIA_PHRASINGS: list[tuple[re.Pattern[str], Builder]] = []
_FREE_TEXT = re.compile(
    rf"\b(?:{_FIELDS})\b.*?(?:{_SAYS})|\b(?:say|says|read|reads|saying|reading)\b", re.I
)


def free_text(clause: str) -> bool:
    """True when a clause sets free text (a caption, narration, title): its words ('the logo',
    'font') are what the person wants said, not media to use."""
    return bool(_FREE_TEXT.search(clause))


def media_phrasing(pattern: str) -> Callable[[Builder], Builder]:
    """Add a row read before the general table: `pattern` (case-insensitive) and its builder."""

    def add(builder: Builder) -> Builder:
        MEDIA_PHRASINGS.append((re.compile(pattern, re.IGNORECASE), builder))
        return builder

    return add


# --- regions in words -------------------------------------------------------------------------

_FRACTIONS = {"half": 0.5, "third": 1 / 3, "quarter": 0.25}
_REGION = re.compile(
    r"\b(?:(?P<v>top|upper|bottom|lower)(?:[\s-]+(?P<h>left|right|cent(?:re|er)|middle))?"
    r"|(?P<h2>left|right)(?:[\s-]+(?P<v2>top|bottom))?|(?P<c>cent(?:re|er)|middle))"
    r"(?:[\s-]+(?P<f>half|third|quarter|corner|quadrant|side|edge|part|area))?\b"
    r"|\bin the (?P<c2>cent(?:re|er)|middle)\b",
    re.IGNORECASE,
)
_SIDE = {"top": 0.0, "upper": 0.0, "left": 0.0, "bottom": 1.0, "lower": 1.0, "right": 1.0}


def _band(word: str | None, size: float) -> tuple[float, float]:
    """Where a band of `size` starts along one side: at the start, end or middle."""
    if word is None:
        return 0.0, 1.0
    place = _SIDE.get(word.lower(), 0.5)
    return round((1.0 - size) * place, 4), round(size, 4)


def region_in(text: str) -> Region | None:
    """The region of a picture `text` names: 'top right' (the top right quarter), 'the left
    half', 'the top third', 'bottom left corner', 'the centre'; None when it names none."""
    match = _REGION.search(text)
    if not match:
        return None
    size = _FRACTIONS.get((match["f"] or "").lower(), 0.5)
    vertical = match["v"] or match["v2"]
    horizontal = match["h"] or match["h2"]
    if match["c"] or match["c2"]:
        vertical = horizontal = "centre"
    elif horizontal and horizontal.lower() in ("centre", "center", "middle"):
        horizontal = "centre"
    y, height = _band(vertical, size)
    x, width = _band(horizontal, size)
    return Region(x=x, y=y, width=width, height=height)


def corner_in(text: str) -> Corner | None:
    """The frame corner `text` names ('bottom left', 'top-right'); None when it names none."""
    match = re.search(r"\b(top|upper|bottom|lower)[\s-]+(left|right)\b", text, re.I) or re.search(
        r"\b(left|right)[\s-]+(top|bottom)\b", text, re.I
    )
    if not match:
        return None
    words = {word.lower() for word in match.groups()}
    vertical = "top" if words & {"top", "upper"} else "bottom"
    horizontal = "left" if "left" in words else "right"
    return Corner(f"{vertical}_{horizontal}")


# --- which media item a clause names ----------------------------------------------------------

_FILE = FILE_NAME
_IMAGE_NOUNS = (
    r"screen-?shots?|screen shots?|pictures?|images?|photos?|photographs?|pics?|headshots?|"
    r"portraits?|diagrams?|logos?"
)
_CLIP_NOUNS = r"clips?|videos?|recordings?|footage"
_ANY_NOUNS = r"uploads?|files?|attachments?|media"
_NOUN = rf"(?:{_IMAGE_NOUNS}|{_CLIP_NOUNS}|{_ANY_NOUNS})"
_DET = r"(?:the|my|our|this|that|these|those|his|her|their)"
_ADDED = r"(?:i|we|you)\s+(?:just\s+)?(?:uploaded|added|attached|sent|shared|gave you|dropped)"
_ORD_WORDS = "|".join([*ORDINALS, "last", "latest", "newest", "most recent"])
_GENERIC = re.compile(
    rf"\b{_DET}\s+(?:(?P<ord>{_ORD_WORDS}|\d+(?:st|nd|rd|th))\s+)?(?:[\w-]+\s+)??"
    rf"(?:(?P<word>[\w-]+)\s+)?"
    rf"(?P<noun>{_NOUN})\b(?:\s+(?:that\s+)?{_ADDED})?"
    rf"|\b(?P<noun2>{_NOUN})\s+(?:that\s+)?{_ADDED}"
    rf"|\b(?:an?\s+)?(?P<noun3>{_NOUN})\s+(?:from|of)\s+(?:the\s+)?(?:uploads?|media|library)\b",
    re.I,
)
_OWNED = re.compile(
    rf"\b(?P<name>[A-Za-z][\w-]*)['’]s\s+(?:new\s+|own\s+)?(?P<noun>{_NOUN})\b"
    rf"|\b(?P<noun2>{_IMAGE_NOUNS})\s+of\s+(?P<name2>[A-Z][\w-]*)\b",
)
_NOT_NAMES = frozenset(
    [
        "the",
        "a",
        "an",
        "this",
        "that",
        "it",
        "its",
        "our",
        "my",
        "your",
        "their",
        "his",
        "her",
        "new",
        "old",
        "same",
        "other",
        "first",
        "last",
        "shot",
        "scene",
        "clip",
        "video",
        "i",
        "we",
        "you",
    ]
)


def _tokens(label: str) -> set[str]:
    stem = re.sub(r"\.[a-z0-9]{2,4}$", "", label.lower())
    return {token for token in re.split(r"[^a-z0-9]+", stem) if token}


def _listing(items: list[MediaRef]) -> str:
    return ", ".join(f'"{item.label}" ({item.id})' for item in items)


def _none_named(what: str, media: list[MediaRef]) -> Unclear:
    have = f"it has {_listing(media)}" if media else "it has no media yet (add files first)"
    return Unclear(f"this session has no {what}; {have}")


def _one(candidates: list[MediaRef], what: str, media: list[MediaRef]) -> MediaRef:
    if not candidates:
        raise _none_named(what, media)
    if len(candidates) > 1:
        raise Unclear(
            f"{len(candidates)} items could be {what}: {_listing(candidates)}; say which by its "
            "file name"
        )
    return candidates[0]


def _by_words(items: list[MediaRef], word: str) -> list[MediaRef]:
    word = word.lower()
    return [item for item in items if {word, word.rstrip("s")} & _tokens(item.label)]


def _kind_of(noun: str) -> tuple[str, ...]:
    noun = noun.lower()
    if re.fullmatch(_CLIP_NOUNS, noun):
        return ("clip",)
    if re.fullmatch(_ANY_NOUNS, noun):
        return ("image", "clip")
    return ("image",)


def named_media(text: str, ctx: Context) -> tuple[MediaRef, re.Match[str]] | None:
    """The media item `text` names and where, else None when it names none.

    Raises Unclear when it names one the session lacks ("export.png" with no such file), or
    when several fit ("the screenshot" with four of them)."""
    items = list(ctx.media.items)
    pictures = ctx.media.pictures()
    for item in sorted(items, key=lambda item: -len(item.label)):
        if len(item.label) >= 3 and (
            said := re.search(rf"(?<![\w.-]){re.escape(item.label)}(?![\w-])", text, re.I)
        ):
            return item, said
    if file := _FILE.search(text):
        name = file[1].strip().lower()
        found = [item for item in items if item.label.lower() == name] or [
            item for item in items if _tokens(item.label) == _tokens(name)
        ]
        return _one(found, f'media called "{file[1].strip()}"', items), file
    if owned := _OWNED.search(text):
        name = owned["name"] or owned["name2"]
        noun = owned["noun"] or owned["noun2"]
        if name.lower() not in _NOT_NAMES:
            kinds = _kind_of(noun)
            fits = [item for item in items if item.kind in kinds]
            return _one(_by_words(fits, name), f'{noun} named after "{name}"', items), owned
    generic = _GENERIC.search(text)
    if not generic:
        return None
    noun = generic["noun"] or generic["noun2"] or generic["noun3"]
    if re.fullmatch(r"logos?", noun, re.I):
        return logo_item(ctx), generic
    if (
        re.fullmatch(r"videos?|clips?", noun, re.I)
        and not re.search(_ADDED + r"|\b(?:uploaded|attached|added)\b", generic[0], re.I)
        and not re.match(r"(?:my|our)\b", generic[0], re.I)
        and not (generic["word"] and _by_words(items, generic["word"]))  # "the demo clip"
    ):
        return None  # "the video" is the video being made; "the clip" may be a shot
    kinds = _kind_of(noun)
    fits = [item for item in pictures if item.kind in kinds]
    word = generic["word"]
    if word and word.lower() not in _NOT_NAMES and (by_word := _by_words(fits, word)):
        stem = {word.lower(), word.lower().rstrip("s")}
        fits = [item for item in by_word if _tokens(item.label) <= stem] or by_word
    what = "uploaded " + ("clips" if kinds == ("clip",) else "pictures")
    if order := generic["ord"]:
        order = order.lower()
        if not fits:
            raise _none_named(what, items)
        if order in ("last", "latest", "newest", "most recent"):
            return fits[-1], generic
        place = ORDINALS.get(order) or int(re.sub(r"\D", "", order))
        if not 1 <= place <= len(fits):
            raise Unclear(f"there are {len(fits)} {what}, so there is no {order} one")
        return fits[place - 1], generic
    if len(fits) > 1 and len(told := _told_apart(fits, text)) == 1:
        return told[0], generic  # "the screenshot of the export page": export.png
    return _one(fits, f"one of the {what}" if len(fits) > 1 else what, items), generic


def _told_apart(fits: list[MediaRef], text: str) -> list[MediaRef]:
    """The items whose file names share a word with `text`, other than the nouns and small
    words every request has ("the screenshot of the export page": export.png)."""
    said = {
        word
        for word in re.findall(r"[a-z]{3,}", text.lower())
        if word not in _NOT_NAMES and not re.fullmatch(_NOUN, word, re.I)
    } - {"shot", "shots", "scene", "scenes", "use", "show", "put", "with", "for", "and", "page"}
    return [item for item in fits if _tokens(item.label) & said]


_USE_VERB = re.compile(
    r"^(?:use|put|show|place|display|set|give|include|feature|highlight|circle|outline|"
    r"zoom\s+(?:in(?:to)?|on(?:to)?|to)(?:\s+on)?)\b",
    re.I,
)
_MEDIA_FIRST = re.compile(
    rf"^(?:{_FILE.pattern}|(?:the|my|our)\s+(?:[\w-]+\s+)?(?:one|{_NOUN})\b|"
    rf"[A-Za-z][\w-]*['’]s\s+(?:{_NOUN})\b|(?:the\s+)?(?:top|bottom|upper|lower|left|right|"
    r"cent(?:re|er)|middle)\b)",
    re.I,
)
_ORD_ONE = re.compile(r"^(?P<det>the\s+)(?P<ord>[\w-]+)\s+one\b", re.I)
"""'the second one', 'the home one': a picture named by a word, its noun left out."""


def elided_use(clause: str, previous: str) -> str | None:
    """The clause in full when it leaves out the verb and nouns of the one before it: after
    "use home.png in shot 4", "export.png in shot 5" is "use export.png in shot 5" (and after
    "zoom into the top left of shot 1", "the bottom right of shot 2" zooms too); after "use
    the first screenshot in the opening shot", "the second one in the closing shot" is "use the
    second screenshot in the closing shot". None when `clause` leaves nothing out."""
    verb = _USE_VERB.match(previous)
    if not verb or not _MEDIA_FIRST.match(clause):
        return None
    if said := _ORD_ONE.match(clause):
        noun = _GENERIC.search(previous)
        if noun is None:
            return None
        kind = noun["noun"] or noun["noun2"] or noun["noun3"]
        clause = f"{said['det']}{said['ord']} {kind.rstrip('s')}{clause[said.end() :]}"
    return f"{verb[0]} {clause}"


_SHOT_WORDS = re.compile(
    r"\b(?:shots?|scenes?|video|clip|picture|image|photo|screen-?shot|caption|title|narration|"
    r"seconds?|secs?|slower|faster|quicker|longer|shorter)\b",
    re.IGNORECASE,
)


def logo_meant(clause: str, previous: str) -> str | None:
    """The clause with "it" as the logo when the clause before was about the logo and this one
    names neither the logo nor a shot: "the logo is too big, make it a bit smaller". None
    otherwise."""
    if not re.search(r"\blogo\b", previous, re.I) or re.search(r"\blogo\b", clause, re.I):
        return None
    if not re.search(r"\bit\b", clause, re.I) or _SHOT_WORDS.search(clause):
        return None
    return re.sub(r"\bit\b", "the logo", clause, count=1, flags=re.I)


def logo_item(ctx: Context) -> MediaRef:
    """The logo: the brand kit's, else the one image whose name says logo, else the one image
    shared by the workspace. Unclear when there is none, or several fit."""
    items = list(ctx.media.items)
    brand = ctx.board.brand.logo or ctx.media.brand.logo
    if brand and (item := ctx.media.get(brand.media)):
        return item
    images = [item for item in items if item.kind == "image"]
    named = _by_words(images, "logo") or [item for item in images if item.shared]
    if not named:
        raise Unclear(
            "there is no logo in this session's media: add the logo file first (a file name "
            'with "logo" in it, or `reelchat brand set --logo ID`)'
        )
    return _one(named, "the logo", items)


# --- rows ---------------------------------------------------------------------------------------


def _region_words(region: Region) -> str:
    return (
        f"{region.width:.0%} x {region.height:.0%} of it from {region.x:.0%} across, "
        f"{region.y:.0%} down"
    )


def _named(media_id: str, ctx: Context) -> str:
    """A media item for a person: its label in quotes, or its id when the session's media no
    longer hold it."""
    item = ctx.media.get(media_id)
    return f'"{item.label}"' if item else f"media {media_id} (no longer in this session)"


def shot_picture_summary(number: int, picture: ShotMedia | None, ctx: Context) -> str:
    """One line on what shot `number` shows: its picture by label, its zoom and highlight."""
    if picture is None:
        return f"shot {number} has no picture of yours (it is drawn from its prompt)"
    parts = [f"shot {number} shows {_named(picture.id, ctx)}"]
    if picture.focus is not None:
        parts.append(f"zooming to {_region_words(picture.focus)}")
    if picture.highlight is not None:
        parts.append(f"highlighting {_region_words(picture.highlight)}")
    return ", ".join(parts)


@media_phrasing(
    r"^(?:what|which)\s+(?:picture|image|photo|screen-?shot|clip|media|file|upload)s?\b.*"
    r"\b(?:shots?|scenes?|the\s+(?:first|last|opening|final)\s+one)\b|"
    r"^(?:what|which)\b.*\b(?:shots?|scenes?)\b.*\b(?:show|use|have|display)s?\b.*"
    r"\b(?:picture|image|photo|screen-?shot|clip|media)s?\b|"
    r"^(?:does|do|is there|are there)\b.*\b(?:shots?|scenes?)\b.*"
    r"\b(?:picture|image|photo|screen-?shot|clip|media)s?\b.*\?\s*$"
)
def _shot_picture_question(match: re.Match[str], ctx: Context) -> list[Item]:
    """'which picture is in shot 2?', 'which picture does shot 1 use?': that shot's picture."""
    target = ctx.target(match.string)
    shots = list(range(1, ctx.count + 1)) if target.whole or not target.shots else target.shots
    lines = [shot_picture_summary(n, ctx.board.shots[n - 1].media, ctx) for n in shots]
    return [Answer("; ".join(line[0].upper() + line[1:] for line in lines) + ".")]


@media_phrasing(
    r"^(?:what|which)\s+(?:pictures|images|photos|screenshots|media|files|clips|uploads)\b|"
    r"^(?:what|which)\b.*\b(?:did i|have i)\s+(?:upload|add|attach)|"
    r"^(?:show|list)(?: me)?\s+(?:my|the|our)\s+(?:pictures|images|photos|screenshots|media|"
    r"uploads|files)\b"
)
def _media_question(match: re.Match[str], ctx: Context) -> list[Item]:
    """'what pictures do I have?', 'list my media': the session's media, with what shows each."""
    if not ctx.media.items:
        return [Answer("This session has no media yet: add pictures with the uploader or /attach.")]
    lines = []
    for item in ctx.media.items:
        shots = [
            n
            for n, shot in enumerate(ctx.board.shots, 1)
            if shot.media and shot.media.id == item.id
        ]
        logo = ctx.board.brand.logo and ctx.board.brand.logo.media == item.id
        uses = [f"shot {n}" for n in shots] + (["the logo"] if logo else [])
        used = f", in {', '.join(uses)}" if uses else ""
        lines.append(f'"{item.label}": {item.kind} {item.id}{used}')
    return [Answer("Your media: " + "; ".join(lines) + ".")]


def brand_summary(ctx: Context) -> str:
    """The brand kit in words for a person, one sentence each: the logo by label (where and how
    big), the colours and the font, each saying so when it is not set."""
    brand = ctx.board.brand
    if brand.logo is None:
        lines = ['There is no logo (say "put our logo in the corner of every shot").']
    else:
        logo = brand.logo
        lines = [
            f"The logo {_named(logo.media, ctx)} is at the {logo.corner.value.replace('_', ' ')} "
            f"of every shot, {logo.size:.0%} of the frame's width, {logo.opacity:.0%} opaque."
        ]
    colours = " and ".join(brand.colours)
    lines.append(f"Brand colours: {colours}." if colours else "No brand colours are set.")
    font = _named(brand.font, ctx) if brand.font else "the default font"
    lines.append(f"Titles and captions use {font}.")
    return " ".join(lines)


_NO_INSTRUCTION = (
    r"^(?!.*\b(?:mak|mov|put|set(?!tings)|chang|shrink|enlarg|resiz|swap|replac|remov|add|increas|"
    r"decreas|reduc|turn|switch|us(?:e|ing) (?:a|an|the|our|my) )\w*\b)"
)
"""A clause that asks for no change (no verb of an edit in it): a question or a remark."""


@media_phrasing(
    _NO_INSTRUCTION + r"(?:where|what|which|how|is|are|does|do|has|have|tell me|show me)\b.*"
    r"\b(?:logo|brand|colou?rs?|font|typeface)s?\b"
)
def _brand_question(match: re.Match[str], ctx: Context) -> list[Item]:
    """'where is the logo?', 'what colours are we using?', 'what font is this?': the brand kit
    as it is; nothing changes."""
    return [Answer(brand_summary(ctx))]


@media_phrasing(
    _NO_INSTRUCTION + r".*\blogo\b.*\b(?:covers?|covering|hides?|hiding|overlaps?|overlapping|"
    r"blocks?|blocking|on top of|in the way|too big|too large|too small|hard to see)\b"
)
def _logo_complaint(match: re.Match[str], ctx: Context) -> list[Item]:
    """'the logo is covering the captions', 'the logo is too big': where it is now and how to
    change it, rather than a guess at which change the person wants (soft: left out of the
    reply when the message goes on to say the change)."""
    return [
        Answer(
            f"{brand_summary(ctx)} To change it, say e.g. \"move the logo to the top left\", "
            f"\"make the logo smaller\" or \"remove the logo\".",
            soft=True,
        )
    ]


_REMOVE = r"\b(?:remove|delete|drop|no|without|take (?:away|off|out)|get rid of|hide|lose|clear)\b"


_TIMES = {
    "twice": 2.0,
    "double": 2.0,
    "three times": 3.0,
    "thrice": 3.0,
    "triple": 3.0,
    "half": 0.5,
    "a third": 1 / 3,
    "a quarter": 0.25,
    "one third": 1 / 3,
    "one quarter": 0.25,
    "two thirds": 2 / 3,
    "three quarters": 0.75,
}
_AS_BIG = r"(?:as\s+(?:big|large|wide)|the\s+size|(?:of\s+)?(?:its|the)\s+(?:current\s+)?size)"
_FACTOR = re.compile(
    rf"\b(?P<word>{'|'.join(sorted(_TIMES, key=len, reverse=True))}|(?P<n>\d+(?:\.\d+)?)\s*"
    rf"(?:x|times))\s+{_AS_BIG}\b|\b(?P<verb>double|halve|triple)\b(?:\s+(?:it|the\s+logo))?",
    re.I,
)
_RELATIVE_PERCENT = re.compile(
    r"(\d+(?:\.\d+)?)\s*%\s*(smaller|bigger|larger|less|more|narrower|wider)\b", re.I
)
_LOT = r"\b(?:much|a lot|lots|far|way|significantly|considerably|a good deal)\b"
_BIT = r"\b(?:a (?:bit|little|touch|tad)|slightly|somewhat)\b"


def _logo_size(text: str, current: float) -> float | None:
    """The logo width (a fraction of the frame width) `text` asks for, from the `current` one:
    "10% of the width" is 0.1; "half as big" and "twice as big" multiply; "20% smaller" takes a
    fifth off; "a bit smaller" x0.85, "smaller" x0.7, "much smaller" x0.5 (and the inverse for
    bigger); "small" 0.08 and "big" 0.2 when no comparison is said. None when it asks none."""
    if relative := _RELATIVE_PERCENT.search(text):
        change = float(relative[1]) / 100
        grow = relative[2].lower() in ("bigger", "larger", "more", "wider")
        return current * (1 + change if grow else 1 - change)
    percent = re.search(r"(\d+(?:\.\d+)?)\s*%", text)
    if percent and not re.search(r"opaci|transparen", text, re.I):
        return float(percent[1]) / 100
    if factor := _FACTOR.search(text):
        if factor["verb"]:
            verb = factor["verb"].lower()
            return current * {"double": 2.0, "halve": 0.5, "triple": 3.0}[verb]
        if factor["n"]:
            return current * float(factor["n"])
        return current * _TIMES[" ".join(factor["word"].lower().split())]
    smaller = re.search(r"\b(?:smaller|less big|shrink|tinier|narrower)\b", text, re.I)
    bigger = re.search(r"\b(?:bigger|larger|grow|enlarge|wider)\b", text, re.I)
    if smaller or bigger:
        step = 0.5 if re.search(_LOT, text, re.I) else 0.85 if re.search(_BIT, text, re.I) else 0.7
        return current * step if smaller else current / step
    if re.search(r"\b(?:tiny|small)\b", text, re.I):
        return 0.08
    if re.search(r"\b(?:big|large)\b", text, re.I):
        return 0.2
    return None


_SIDE_WORD = re.compile(
    r"\b(?:to|at|in|on|towards?|into)\s+(?:the\s+)?(?P<side>top|upper|bottom|lower|left|right)"
    r"(?:\s+(?:side|edge|part|half))?\b(?![\s-]+(?:left|right|top|bottom))|\b(?P<dir>up|down)\b",
    re.I,
)


def _moved_corner(text: str, current: Corner) -> Corner | None:
    """The corner `text` moves the logo to: a corner said in full ("bottom left"), else one side
    ("to the top", "to the left", "up") that keeps the other side of the `current` corner."""
    if corner := corner_in(text):
        return corner
    side = _SIDE_WORD.search(text)
    if side is None:
        return None
    word = (side["side"] or {"up": "top", "down": "bottom"}[side["dir"].lower()]).lower()
    vertical, horizontal = current.value.split("_")
    if word in ("top", "upper", "bottom", "lower"):
        vertical = "top" if word in ("top", "upper") else "bottom"
    else:
        horizontal = word
    return Corner(f"{vertical}_{horizontal}")


def _logo_opacity(text: str, current: float) -> float | None:
    if percent := re.search(r"(\d+(?:\.\d+)?)\s*%\s*(?:opaci|transparen)", text, re.I) or re.search(
        r"(?:opacity|transparency)\s+(?:of\s+|to\s+|at\s+)?(\d+(?:\.\d+)?)\s*%", text, re.I
    ):
        value = float(percent[1]) / 100
        return 1 - value if "transparen" in percent[0].lower() else value
    if re.search(r"\bmore transparent|fainter|subtler|more subtle|see-?through\b", text, re.I):
        return current - 0.3
    if re.search(r"\b(?:less transparent|more opaque|opaque|solid|stronger)\b", text, re.I):
        return 1.0
    return None


def _bounded(name: str, value: float) -> float:
    field = Logo.model_fields[name]
    low = next(m.ge for m in field.metadata if hasattr(m, "ge") and m.ge is not None)
    high = next(m.le for m in field.metadata if hasattr(m, "le") and m.le is not None)
    return round(min(high, max(low, value)), 3)


@media_phrasing(r"\blogos?\b")
def _logo(match: re.Match[str], ctx: Context) -> list[Item]:
    """'put our logo in the corner of every shot', 'logo bottom left, smaller', 'remove the
    logo', 'use acme.png as the logo', 'make the logo more transparent'."""
    text = match.string
    if 0 < len(ctx.target(text).shots) < ctx.count:
        raise Unclear(
            "the logo is part of the brand kit and shows on every shot, not on some; say e.g. "
            '"put our logo in the corner" or "remove the logo"'
        )
    if re.search(_REMOVE, text, re.I) and not _FILE.search(text):
        return [_model(UpdateBrand, op="update_brand", remove=["logo"])]
    current = ctx.board.brand.logo
    adds = re.search(r"\b(?:put|add|use|place|show|include|insert|with)\b", text, re.I)
    resizes = (
        _RELATIVE_PERCENT.search(text)
        or _FACTOR.search(text)
        or re.search(r"\b(?:smaller|bigger|larger|shrink|grow|enlarge|tinier)\b", text, re.I)
    )
    if current is None and (
        re.search(r"\b(?:move|shift|put back|resize)\b", text, re.I) or (resizes and not adds)
    ):
        raise Unclear(
            'the video has no logo yet, so there is none to change; say e.g. "put our logo in '
            'the top right corner"'
        )
    named = named_media(text, ctx)
    item = named[0] if named else logo_item(ctx)
    if item.kind != "image":
        raise Unclear(f'"{item.label}" is a {item.kind}; a logo must be an image')
    logo = current.model_copy(update={"media": item.id}) if current else Logo(media=item.id)
    changes: dict[str, object] = {}
    if corner := _moved_corner(text, logo.corner):
        changes["corner"] = corner
    if (size := _logo_size(text, logo.size)) is not None:
        changes["size"] = _bounded("size", size)
    if (opacity := _logo_opacity(text, logo.opacity)) is not None:
        changes["opacity"] = _bounded("opacity", opacity)
    logo = Logo.model_validate({**logo.model_dump(), **changes})
    return [_model(UpdateBrand, op="update_brand", logo=logo)]


_HEX = re.compile(r"#([0-9a-f]{6}|[0-9a-f]{3})\b", re.I)


def colour_code(said: str) -> str | None:
    """One colour as said, as '#rrggbb': a hex code ('#f60', '#FF6600') or a CSS colour name
    ('navy', 'dark blue', 'light-green'; Pillow's ImageColor holds the CSS Color Module Level 4
    list); None when `said` is not exactly one colour."""
    said = said.strip()
    if code := _HEX.fullmatch(said):
        digits = code[1] if len(code[1]) == 6 else "".join(c * 2 for c in code[1])
        return f"#{digits.lower()}"
    key = re.sub(r"[\s-]+", "", said.lower())
    if not re.fullmatch(r"[a-z]+(?:[\s-]+[a-z]+)?", said, re.I) or key in _NOT_COLOURS:
        return None
    if key not in ImageColor.colormap:
        return None
    red, green, blue = ImageColor.getrgb(key)[:3]
    return f"#{red:02x}{green:02x}{blue:02x}"


def colour_codes(text: str) -> list[str]:
    """The colours `text` names, in the order said, as '#rrggbb' (each read by colour_code)."""
    found: list[tuple[int, str]] = []
    for code in _HEX.finditer(text):
        found.append((code.start(), colour_code(code[0]) or ""))
    words = list(re.finditer(r"(?<![#\w])[a-z]+\b", text, re.I))
    index = 0
    while index < len(words):
        for size in (2, 1):  # "dark blue", "light-green" before "blue", "green"
            said = words[index : index + size]
            joined = len(said) == size and (
                size == 1 or re.fullmatch(r"[\s-]+", text[said[0].end() : said[1].start()])
            )
            if joined and (code := colour_code(text[said[0].start() : said[-1].end()])):
                found.append((said[0].start(), code))
                index += size - 1
                break
        index += 1
    return [code for _, code in sorted(found)]


def colour_list(text: str) -> list[str]:
    """A list of colours as a person writes it ("#ff6600, teal", "navy and coral", "dark blue /
    #036") as '#rrggbb' codes, in order, without repeats. StoryboardInvalid names the first
    piece that is not a colour, so nothing is dropped silently, or says there are more than a
    brand kit holds (MAX_BRAND_COLOURS)."""
    codes: list[str] = []
    for piece in re.split(r"\s*(?:[,;/]|\band\b|&)\s*", text.strip(), flags=re.I):
        if not piece:
            continue
        code = colour_code(piece)
        words = [colour_code(word) for word in piece.split()] if code is None else [code]
        if not all(words):
            raise StoryboardInvalid(
                f'"{piece}" is not a colour; name colours as hex codes (#ff6600) or CSS colour '
                'names (teal, navy, dark blue), e.g. "#ff6600, teal"'
            )
        codes.extend(code for code in words if code)
    codes = list(dict.fromkeys(codes))
    if len(codes) > MAX_BRAND_COLOURS:
        raise StoryboardInvalid(
            f"a brand kit holds at most {MAX_BRAND_COLOURS} colours, not {len(codes)}"
        )
    return codes


_NOT_COLOURS = frozenset(["transparent"])


@media_phrasing(
    r"#[0-9a-f]{3}(?:[0-9a-f]{3})?\b|\bbrand\s+colou?rs?\b|\bcolou?rs?\s+of\s+our brand\b"
)
def _brand_colours(match: re.Match[str], ctx: Context) -> list[Item]:
    """'use our brand colours #ff6600 and #003366', 'no brand colours'."""
    text = match.string
    if 0 < len(ctx.target(_HEX.sub(" ", text)).shots) < ctx.count:
        raise Unclear(
            "brand colours are the palette of the whole video, not of some shots; say e.g. "
            '"use our brand colours #ff6600 and #003366"'
        )
    codes = colour_codes(text)
    if not codes:
        if re.search(_REMOVE, text, re.I):
            return [_model(UpdateBrand, op="update_brand", remove=["colours"])]
        raise Unclear(
            'say the brand colours as hex codes or CSS colour names, e.g. "our brand colours '
            '#ff6600 and navy"'
        )
    codes = list(dict.fromkeys(codes))
    if len(codes) > MAX_BRAND_COLOURS:
        raise Unclear(f"a brand kit holds at most {MAX_BRAND_COLOURS} colours, not {len(codes)}")
    return [_model(UpdateBrand, op="update_brand", colours=codes)]


_USUAL = (
    r"|\b(?:default|normal|standard|original|usual|regular|plain|built-?in|stock)\b|"
    r"\b(?:go|switch|change|set)\s+(?:it\s+)?back\b|\breset\b|\bundo the\b"
)


@media_phrasing(r"\b(?:brand\s+)?font\b|\.(?:ttf|otf)\b")
def _font(match: re.Match[str], ctx: Context) -> list[Item]:
    """'use Inter.ttf as our font', 'back to the default font'."""
    text = match.string
    if re.search(_REMOVE + _USUAL, text, re.I) and not _FILE.search(text):
        return [_model(UpdateBrand, op="update_brand", remove=["font"])]
    named = named_media(text, ctx)
    fonts = [item for item in ctx.media.items if item.kind == "font"]
    item = named[0] if named else _one(fonts, "a font file", list(ctx.media.items))
    if item.kind != "font":
        raise Unclear(f'"{item.label}" is a {item.kind}, not a font file (.ttf or .otf)')
    return [_model(UpdateBrand, op="update_brand", font=item.id)]


def _set(shot: int, media: ShotMedia | None) -> SetShotMedia:
    return _model(SetShotMedia, op="set_shot_media", shot=shot, media=media)


def _shots_for(text: str, ctx: Context, what: str) -> list[int]:
    """The shots a clause names; the shot last talked about when it names none."""
    target = ctx.target(text)
    if target.whole:
        return list(range(1, ctx.count + 1))
    if not target.shots and ctx.focus is not None:
        return list(ctx.named) or [ctx.focus]
    return ctx.shots(text, what)


def _without(text: str, found: re.Match[str] | None) -> str:
    """`text` less the media phrase, so 'shot 2' is not read from '2nd screenshot'."""
    return text if found is None else text[: found.start()] + " " + text[found.end() :]


def _named_if_clear(text: str, ctx: Context) -> tuple[tuple[MediaRef, re.Match[str]] | None, str]:
    """The media item `text` clearly names (None when it names none, or names one unclearly)
    and `text` less that name."""
    try:
        named = named_media(text, ctx)
    except Unclear:
        named = None
    return named, _without(text, named[1] if named else None)


_NO_HIGHLIGHT = (
    rf"{_REMOVE}.*\bhighlight(?:s|ing|ed)?\b|\bun-?highlight\b|"
    r"\bdon'?t\s+highlight\b|\bdo\s+not\s+highlight\b|\bhighlight\w*\s+(?:off|nothing)\b"
)
_NO_FOCUS = (
    r"\b(?:don'?t|do\s+not|no\s+more|stop|never|not)\s+(?:\w+\s+)?zoom(?:ing)?\b|"
    r"\b(?:no|without|remove|delete|drop|clear|take\s+(?:away|off|out)|get\s+rid\s+of|undo)\s+"
    r"(?:the\s+|any\s+|a\s+)?(?:zoom|focus)(?:\s+(?:region|area|part|box|in))?\b|"
    r"\b(?:show|see|display|keep)\s+(?:the\s+)?(?:whole|entire|full|complete|all\s+of\s+the)\s+"
    rf"(?:{_IMAGE_NOUNS}|screen|thing|page|frame)\b"
)


@media_phrasing(rf"{_NO_HIGHLIGHT}|{_NO_FOCUS}")
def _clear_region(match: re.Match[str], ctx: Context) -> list[Item]:
    """'remove the highlight from shot 2', 'don't zoom on shot 3, show the whole screenshot',
    'no zoom region', 'show the whole picture': the shot's highlight, or its focus region and
    its camera move in, are taken off (the picture stays)."""
    text = match.string
    highlight = re.search(_NO_HIGHLIGHT, text, re.I) is not None
    focus = re.search(_NO_FOCUS, text, re.I) is not None
    _, rest = _named_if_clear(text, ctx)
    target = ctx.target(rest)
    if target.whole or (
        not target.shots and ctx.focus is None and re.search(r"\b(?:all|every|any)\b", rest, re.I)
    ):
        shots = list(range(1, ctx.count + 1))
    else:
        shots = _shots_for(rest, ctx, "take the highlight off" if highlight else "show whole in")
    items: list[Item] = []
    for shot in shots:
        current = ctx.board.shots[shot - 1]
        picture = current.media
        if picture is not None:
            cleared = picture.model_copy(
                update={
                    **({"highlight": None} if highlight else {}),
                    **({"focus": None} if focus else {}),
                }
            )
            if cleared != picture:
                items.append(_set(shot, cleared))
        if focus and current.camera in ("zoom_in", "zoom_out"):
            items.append(_update(shot, camera="static"))
    if not items:
        what = "highlight" if highlight else "zoom or focus region"
        where = f"shot {shots[0]} has" if len(shots) == 1 else "no shot has"
        return [Answer(f"Nothing to change: {where} no {what}.", soft=not highlight)]
    return items


@media_phrasing(
    rf"{_REMOVE}.*(?:\b(?:{_IMAGE_NOUNS}|media)\b|{_FILE.pattern})|\bdon'?t (?:use|show)\b|"
    rf"\b(?:take|pull|strip)\b.*\b(?:{_IMAGE_NOUNS}|media)\b.*\b(?:out|off|away)\b|"
    r"\b(?:no|without)\s+"
    r"(?:a\s+|any\s+|the\s+)?(?:picture|image|photo|screenshot|media)\b"
)
def _no_picture(match: re.Match[str], ctx: Context) -> list[Item]:
    """'no picture in shot 4', 'remove the screenshot from shot 2', 'remove Mei's photo'."""
    text = match.string
    named, rest = _named_if_clear(text, ctx)
    target = ctx.target(rest)
    if target.shots or target.whole:
        shots = list(target.shots) or list(range(1, ctx.count + 1))
        if target.whole or len(shots) > 1:
            shots = [n for n in shots if ctx.board.shots[n - 1].media]
    elif named:
        shots = [
            n
            for n, shot in enumerate(ctx.board.shots, 1)
            if shot.media and shot.media.id == named[0].id
        ]
        if not shots:
            return [Answer(f'Nothing to change: no shot shows "{named[0].label}".')]
    elif re.search(r"\b(?:all|every|any|each)\b", rest, re.I):
        shots = [n for n, shot in enumerate(ctx.board.shots, 1) if shot.media]
    else:
        raise Unclear('which shot should lose its picture? say e.g. "no picture in shot 4"')
    if not shots:
        return [Answer("Nothing to change: no shot has a picture.")]
    return [_set(shot, None) for shot in shots]


@media_phrasing(
    rf"\b(?:swap(?:ped)?|switch(?:ed)?|exchanged?|traded?|flip(?:ped)?)\b.*\b(?:{_IMAGE_NOUNS}|"
    r"media)\b|\b(?:pictures|images|photos|screen-?shots)\b.*\b(?:swapped|switched|exchanged|"
    r"traded|flipped)\b"
)
def _swap_pictures(match: re.Match[str], ctx: Context) -> list[Item]:
    """'swap the pictures of shot 1 and shot 2': each of the two shots gets the other's picture
    (with its zoom and highlight); the shots themselves stay where they are."""
    text = match.string
    if _FILE.search(text) or re.search(r"\b(?:for|with)\b", text, re.I):
        return []  # "swap the picture in shot 2 for export.png": a picture named, read by _use
    shots = ctx.target(text).shots
    if len(shots) != 2:
        raise Unclear(
            'say the two shots whose pictures to swap, e.g. "swap the pictures of shots 1 and 2"'
        )
    first, second = (ctx.board.shots[n - 1].media for n in shots)
    if first == second:
        return [Answer(f"Nothing to change: shots {shots[0]} and {shots[1]} show the same.")]
    return [_set(shots[0], second), _set(shots[1], first)]


@media_phrasing(
    rf"\b(?:replace|swap|switch|exchange|trade|change)\b.*{_FILE.pattern}.*\b(?:and|with|for|by|"
    rf"to)\b.*{_FILE.pattern}"
)
def _swap_files(match: re.Match[str], ctx: Context) -> list[Item]:
    """'swap home.png and export.png': the shots showing one show the other (in the shots
    named, else in every shot); 'replace home.png with export.png' and 'swap home.png for
    export.png' put the second where the first is."""
    text = match.string
    each = _each_named(text, ctx)
    if len(each) != 2:
        return []
    (old, old_said), (new, new_said) = each
    for item in (old, new):
        if item.kind not in ("image", "clip"):
            raise Unclear(f'"{item.label}" is a {item.kind}, not a picture or clip')
    between = text[old_said.end() : new_said.start()]
    exchange = not (
        re.search(r"\b(?:replace|change|swap\s+out)\b", text, re.I)
        or re.search(r"\b(?:for|by|to)\b", between, re.I)
    )
    rest = text
    for _, said in each:
        rest = rest[: said.start()] + " " * (said.end() - said.start()) + rest[said.end() :]
    target = ctx.target(rest)
    shots = target.shots or tuple(range(1, ctx.count + 1))
    items: list[Item] = []
    for shot in shots:
        picture = ctx.board.shots[shot - 1].media
        if picture and picture.id == old.id:
            items.append(_set(shot, ShotMedia(id=new.id)))
        elif exchange and picture and picture.id == new.id:
            items.append(_set(shot, ShotMedia(id=old.id)))
    if not items:
        shown = f'"{old.label}" or "{new.label}"' if exchange else f'"{old.label}"'
        return [Answer(f"Nothing to change: no shot shows {shown}.")]
    return items


def _picture_of(shot: int, ctx: Context, named: MediaRef | None) -> ShotMedia:
    current = ctx.board.shots[shot - 1].media
    if named is not None:
        if named.kind not in ("image", "clip"):
            raise Unclear(f'"{named.label}" is a {named.kind}, not a picture or clip')
        if current is None or current.id != named.id:
            return ShotMedia(id=named.id)
    if current is None:
        raise Unclear(
            f'shot {shot} has no picture to point into; give it one first, e.g. "use the '
            f'screenshot for shot {shot}"'
        )
    return current


_ZOOM = (
    r"\b(?:zoom(?:ing|ed)?\s+(?:in(?:to)?|on(?:to)?|to(?:wards?)?)|push(?:ing)?\s+in(?:to)?|"
    r"focus(?:ing|ed)?\s+on|close-?up\s+(?:of|on)|move\s+(?:in\s+)?(?:to|towards?)|crop\s+to)\b"
)
_HIGHLIGHT = (
    r"\b(?:highlight\w*|circle|outline|point\s+(?:at|to|out)|draw\s+a\s+box|box\s+around|mark)\b"
)


@media_phrasing(_HIGHLIGHT)
def _highlight(match: re.Match[str], ctx: Context) -> list[Item]:
    """'highlight the top left corner in shot 2', 'circle the export button (top right)'."""
    text = match.string
    named = named_media(text, ctx)
    rest = _without(text, named[1] if named else None)
    region = region_in(rest)
    shots = _shots_for(rest, ctx, "highlight something in")
    same = re.search(r"\bhighlight\w*\s+(?:it|that|this|there|the\s+same(?:\s+\w+)?)\b", rest, re.I)
    if region is None and same:
        return _highlight_focus(shots, ctx)
    if region is None:
        raise Unclear(
            "where in the picture? I can't find things in it by myself; say e.g. \"highlight "
            f'the top right of shot {shots[0]}"'
        )
    items: list[Item] = []
    for shot in shots:
        picture = _picture_of(shot, ctx, named[0] if named else None)
        items.append(_set(shot, picture.model_copy(update={"highlight": region})))
    return items


def _highlight_focus(shots: list[int], ctx: Context) -> list[Item]:
    """'zoom into the top right of shot 3 and highlight it': the highlight is the region the
    shot zooms to."""
    items: list[Item] = []
    for shot in shots:
        picture = ctx.board.shots[shot - 1].media
        if picture is None or picture.focus is None:
            raise Unclear(
                f'shot {shot} zooms to no region, so "it" names no part of its picture; say '
                f'where, e.g. "highlight the top right of shot {shot}"'
            )
        items.append(_set(shot, picture.model_copy(update={"highlight": picture.focus})))
    return items


@media_phrasing(_ZOOM)
def _zoom(match: re.Match[str], ctx: Context) -> list[Item]:
    """'zoom into the export button (top right) in shot 3': the camera moves in to that part
    of the shot's picture."""
    text = match.string
    named = named_media(text, ctx)
    rest = _without(text, named[1] if named else None)
    region = region_in(rest)
    target = ctx.target(rest)
    if not (target.shots or target.whole or ctx.focus) and named is None and region is None:
        return []  # "zoom in": the camera row
    shots = _shots_for(rest, ctx, "zoom into")
    has_picture = named is not None or all(ctx.board.shots[n - 1].media for n in shots)
    if not has_picture and region is None:
        return []  # "zoom in on shot 3" with no picture: a camera move
    items: list[Item] = []
    for shot in shots:
        picture = _picture_of(shot, ctx, named[0] if named else None)
        if region is not None:
            picture = picture.model_copy(update={"focus": region})
        if picture != ctx.board.shots[shot - 1].media:
            items.append(_set(shot, picture))
        items.append(_update(shot, camera="zoom_in"))
    zoom = re.search(_ZOOM, rest, re.I)
    after = REFERENCE.sub(" ", rest[zoom.end() :] if zoom else "")  # what it zooms into
    what = re.sub(
        r"^(?:on|onto|to|at|in)\s+|(?:\s+(?:in|on|of|for|at|please))+$", "", " ".join(after.split())
    )
    if region is None and what:
        items.append(
            Answer(
                f'I zoom in to the middle: I can\'t find "{what}" in the picture by '
                'myself. Say where it is, e.g. "zoom into the top right of shot '
                f'{shots[0]}".'
            )
        )
    return items


_PLURAL = re.compile(
    r"(?<!\bfrom\s)(?<!\bof\s)(?<!\bin\s)\b(?:the|my|our|these|those|both|all(?:\s+(?:of\s+)?the)?|all\s+(?:my|our))\s+"
    r"(?:(?P<edge>first|last)\s+(?P<many>\d+|two|three|four|five|six|seven|eight|nine|ten)\s+)?"
    r"(?:(?:uploaded|new|two|three|four|five|six)\s+)?(?P<noun>screen-?shots|pictures|images|"
    r"photos|pics|clips|uploads)\b(?:\s+(?:that\s+)?" + _ADDED + r")?",
    re.I,
)
_NEW_SHOT = re.compile(
    r"\b(?:add|insert|append)\s+(?:a|an|another|one more|a new|new)\s+(?:\w+\s+)?(?:shot|scene)\b",
    re.I,
)


def _use_several(found: re.Match[str], text: str, ctx: Context) -> list[Item]:
    """'use the screenshots in shots 2 to 5': the session's pictures, in the order added, one
    per shot named."""
    kinds = _kind_of(found["noun"].rstrip("s"))
    fits = [item for item in ctx.media.pictures() if item.kind in kinds]
    if not fits:
        raise _none_named("uploaded pictures", list(ctx.media.items))
    if found["edge"]:  # "the last two screenshots"
        many = number(found["many"])
        if many > len(fits):
            raise Unclear(f"there are only {len(fits)} pictures ({_listing(fits)}), not {many}")
        fits = fits[:many] if found["edge"].lower() == "first" else fits[-many:]
    target = ctx.target(_without(text, found))
    shots = list(target.shots)
    if not shots:
        raise Unclear(
            f'which shots? there are {len(fits)} pictures ({_listing(fits)}); say e.g. "use '
            f'the screenshots in shots 1 to {min(len(fits), ctx.count)}"'
        )
    if len(shots) > len(fits):
        raise Unclear(
            f"{len(shots)} shots were named but there are only {len(fits)} pictures "
            f'({_listing(fits)}); name {len(fits)} shots, e.g. "use the screenshots in shots 1 '
            f'to {len(fits)}", or say which picture goes in which shot'
        )
    items: list[Item] = [
        _set(shot, ShotMedia(id=item.id)) for shot, item in zip(shots, fits, strict=False)
    ]
    if left := fits[len(shots) :]:
        names = ", ".join(f'"{item.label}"' for item in left)
        items.append(
            Answer(
                f"{len(shots)} shots were named for {len(fits)} pictures: the first "
                f"{len(shots)} are in them, in the order added; {names} in no shot (say e.g. "
                f'"use {left[0].label} in shot {shots[-1]}").'
            )
        )
    return items


def _each_named(text: str, ctx: Context) -> list[tuple[MediaRef, re.Match[str]]]:
    """Every media item `text` names by its file name, in the order said."""
    found: list[tuple[MediaRef, re.Match[str]]] = []
    rest = text
    while named := _named_if_clear(rest, ctx)[0]:
        item, said = named
        if not (_FILE.search(said[0]) or item.label.lower() in said[0].lower()):
            break  # "the screenshot": a picture not named by its file
        found.append(named)
        rest = rest[: said.start()] + " " * (said.end() - said.start()) + rest[said.end() :]
    return sorted(found, key=lambda pair: pair[1].start())


def _one_each(each: list[tuple[MediaRef, re.Match[str]]], text: str, ctx: Context) -> list[Item]:
    """'show home.png, export.png and mei-photo.jpg in shots 1 to 3': one picture per shot
    named, in the order said; Unclear when the counts differ."""
    rest = text
    for _, said in each:
        rest = rest[: said.start()] + " " * (said.end() - said.start()) + rest[said.end() :]
    shots = ctx.target(rest).shots
    labels = ", ".join(f'"{item.label}"' for item, _ in each)
    if len(shots) != len(each):
        counted = f"{len(shots)} shot{'' if len(shots) == 1 else 's'}" if shots else "no shot"
        raise Unclear(
            f"{len(each)} pictures ({labels}) were named for {counted}; name "
            f'one shot for each, e.g. "use {each[0][0].label} in shot 1 and {each[1][0].label} '
            'in shot 2"'
        )
    for item, _ in each:
        if item.kind not in ("image", "clip"):
            raise Unclear(f'"{item.label}" is a {item.kind}, not a picture or clip')
    return [_set(shot, ShotMedia(id=item.id)) for shot, (item, _) in zip(shots, each, strict=True)]


def _use_placed(found: re.Match[str], text: str, ctx: Context) -> list[Item]:
    """'give shots 4 and 5 the first and second screenshots': the pictures at those places
    in the order added, one per shot named."""
    kinds = _kind_of(found["noun"].rstrip("s"))
    fits = [item for item in ctx.media.pictures() if item.kind in kinds]
    chosen: list[tuple[MediaRef, re.Match[str]]] = []
    for word in re.findall(ORD_OR_END, found["places"], re.I):
        at = place(word, len(fits))
        if not 1 <= at <= len(fits):
            raise Unclear(f"there are {len(fits)} uploaded pictures, so there is no {word} one")
        chosen.append((fits[at - 1], found))
    return _one_each(chosen, text, ctx)


def _new_shot_with(text: str, ctx: Context) -> list[Item]:
    """'add a shot with export.png after shot 2': a new shot showing that picture. A clause
    whose words only describe a picture ("add a shot showing the team photo", with several
    pictures or none) is a new shot described, read by the general table."""
    try:
        named = named_media(text, ctx)
    except Unclear:
        return []
    if named is None:
        return []
    item, found = named
    if item.kind not in ("image", "clip"):
        raise Unclear(f'"{item.label}" is a {item.kind}, not a picture or clip')
    words = " ".join(sorted(_tokens(item.label), key=item.label.lower().find))
    said = text[: found.start()] + f" {words} " + text[found.end() :]
    described = re.search(_ADD, " ".join(said.split()), re.I)
    added = _add(described, ctx) if described else []
    inserts = [op for op in added if isinstance(op, InsertShot)]
    if not inserts:
        return []
    return [*added, _set(inserts[0].position, ShotMedia(id=item.id))]


@media_phrasing(
    r"\b(?:use|show|put|add|display|insert|place|set|include|feature|make|have|give|with|"
    r"swap|switch|replace|change|turn|like|want|need|see)\b"
)
def _use(match: re.Match[str], ctx: Context) -> list[Item]:
    """'use the screenshot I uploaded for shot 2', 'use export.png in shot 3', 'show Mei's
    photo in the welcome shot', 'give shot 4 the second screenshot', 'use the screenshots in
    shots 2 to 5'."""
    text = match.string
    if _NEW_SHOT.search(text):
        return _new_shot_with(text, ctx)
    if instead := re.search(r"\s*\b(?:instead\s+of|in\s+place\s+of|rather\s+than)\s+", text, re.I):
        replaced = _named_if_clear(text[instead.end() :], ctx)[0]  # "... instead of home.png"
        if replaced is not None:
            text = text[: instead.start()] + " " + text[instead.end() + replaced[1].end() :]
    if placed := PLACED_MEDIA.search(text):
        return _use_placed(placed, text, ctx)
    if several := _PLURAL.search(text):
        return _use_several(several, text, ctx)
    named = named_media(text, ctx)
    if named is None:
        return []
    item, found = named
    if item.kind not in ("image", "clip"):
        raise Unclear(f'"{item.label}" is a {item.kind}, not a picture or clip')
    if len(each := _each_named(text, ctx)) > 1:
        return _one_each(each, text, ctx)
    rest = _without(text, found)
    shots = _shots_for(rest, ctx, f'show "{item.label}" in')
    region = region_in(rest)
    items: list[Item] = []
    for shot in shots:
        current = ctx.board.shots[shot - 1].media
        picture = current if current and current.id == item.id else ShotMedia(id=item.id)
        if region is not None and re.search(r"\bhighlight", rest, re.I):
            picture = picture.model_copy(update={"highlight": region})
        elif region is not None:
            picture = picture.model_copy(update={"focus": region})
        items.append(_set(shot, picture))
    return items
