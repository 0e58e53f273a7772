"""The table of phrasings -> operations: one row per kind of change or question.

Each row is a pattern and a builder. A clause is read by the first row whose pattern matches
and whose builder accepts it (returns something); when that row sets one attribute (length,
camera, transition, format, style, tone, a new take), the other attribute rows read the clause
too. A builder returns typed operations (the same pydantic models the edit_storyboard tool
validates), tool calls, or an answer, and raises Unclear when it recognises the clause but
cannot apply it, with a sentence saying why."""

from __future__ import annotations

import random
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from pydantic import BaseModel, ValidationError

from reelchat.agent.parse.formats import Found, Unsupported, find_formats, without
from reelchat.agent.parse.references import (
    ORD_OR_END,
    TITLED,
    Focus,
    Target,
    Unclear,
    find_target,
    number,
    place,
)
from reelchat.storyboard.content import write_shot
from reelchat.storyboard.models import MAX_SEED, MAX_SHOT_SECONDS, MIN_SHOT_SECONDS, Storyboard
from reelchat.storyboard.validation import describe as describe_error
from reelchat.storyboard.variables import GROUP_NOUNS
from reelchat.tools.actions import describe, describe_shot
from reelchat.tools.arguments import (
    DeleteShot,
    FitDuration,
    InsertShot,
    MakeTemplateArgs,
    MoveShot,
    RedoArgs,
    RenderArgs,
    RestoreVersionArgs,
    RestyleAll,
    ShotChanges,
    ShotPlan,
    SwapShots,
    UndoArgs,
    UpdateSettings,
    UpdateShot,
    WriteScriptArgs,
)
from reelchat.tools.media import SessionMedia


@dataclass(frozen=True)
class Call:
    """A tool call with its validated arguments (undo, render, write_script...)."""

    name: str
    args: BaseModel


@dataclass(frozen=True)
class Answer:
    """A reply with no tool call. A `soft` answer (thanks, "I don't like the ending") is left
    out when other clauses of the message did something."""

    text: str
    soft: bool = False


@dataclass(frozen=True)
class Context:
    """What a clause is read against: the storyboard now, the shot last talked about, and the
    session's media (what "the screenshot I uploaded" can be). `named` holds the shots the
    clause before named, when it named several."""

    board: Storyboard
    version: int
    focus: int | None = None
    latest_video: str | None = None
    media: SessionMedia = field(default_factory=SessionMedia)
    named: tuple[int, ...] = ()

    @property
    def count(self) -> int:
        return len(self.board.shots)

    @property
    def talked_about(self) -> Focus:
        """What "it" and "them" mean: the shots the clause before named when it named several
        ("make shots 2 and 3 slower and give them a zoom out"), else the shot last talked
        about."""
        return self.named or self.focus

    def target(self, text: str) -> Target:
        """The shots `text` names: by number or place, else by a beat or title word."""
        target = find_target(text, self.count, self.talked_about)
        if target.shots:
            return self._listed_titles(text, target)
        if target.found:
            return target
        titles = [shot.title.lower() for shot in self.board.shots]
        if point := _KEY_POINT.search(text):  # middle beats follow the opening shot
            shot = number(point["n"] or point["o"]) + 1
            if not 1 < shot < self.count:
                raise Unclear(f"there is no key point {shot - 1}; there are {self.count - 2}")
            return Target((shot,))
        for words, edge in _BEATS:
            if re.search(words, text, re.I):
                named = [n for n, title in enumerate(titles, 1) if re.search(words, title, re.I)]
                return Target((named[0] if named else edge(self.count),))
        for called in TITLED.finditer(text):  # "the welcome shot": a shot titled so
            if shot := self._titled(called["words"]):
                return self._listed_titles(
                    text,
                    Target((shot,), spans=(called.span(),), parts=((called.start(), (shot,)),)),
                )
        return target

    def _titled(self, words: str) -> int | None:
        """The first shot whose title has all of `words` ("welcome" in "Welcome, Mei")."""
        said = set(words.lower().split())
        for n, shot in enumerate(self.board.shots, 1):
            if said <= set(_WORD.findall(shot.title.lower())):
                return n
        return None

    def _listed_titles(self, text: str, target: Target) -> Target:
        """`target` plus the shots listed with it by words of their titles or by place alone
        ("shot 1 and the welcome shot", "the team shot and the role shot", "shot 2 and the
        3rd"), in the order said. Unclear when such a listed shot matches no title: acting on
        the others alone would drop part of what was said."""
        spans = list(target.spans)
        said = [(start, shot) for start, shots in target.parts for shot in shots]
        listed = sorted(
            [*TITLED.finditer(text), *_BY_PLACE.finditer(text)], key=lambda m: m.start()
        )
        added = True
        while added:  # "shot 1, the team shot and the role shot": each joins the list it is in
            added = False
            for called in listed:
                if any(a < called.end() and called.start() < b for a, b in spans) or not any(
                    _LISTED.fullmatch(text[b : called.start()])
                    or _LISTED.fullmatch(text[called.end() : a])
                    for a, b in spans
                ):
                    continue
                if called.re is _BY_PLACE:
                    shot: int | None = place(called["place"], self.count)
                else:
                    shot = self._titled(called["words"])
                if shot is None:
                    raise Unclear(
                        f'I can\'t tell which shot "{called[0]}" is; say its number (shots are '
                        f"numbered 1 to {self.count})"
                    )
                if not 1 <= shot <= self.count:
                    raise Unclear(f"there is no shot {shot}; shots are numbered 1 to {self.count}")
                said.append((called.start(), shot))
                spans.append(called.span())
                added = True
        shots = dict.fromkeys(shot for _, shot in sorted(said, key=lambda pair: pair[0]))
        return Target(tuple(shots), target.whole, tuple(spans), target.parts)

    def shots(self, text: str, what: str) -> list[int]:
        """The shots `text` names, else those talked about last ("make the welcome shot
        longer, then zoom out"); Unclear when it names none and none was talked about."""
        target = self.target(text)
        if not target.shots and not target.whole and self.focus is not None:
            return list(self.named) or [self.focus]
        if not target.shots:
            raise Unclear(f'which shot should I {what}? say e.g. "{what} shot 2"')
        return list(target.shots)


_KEY_POINT = re.compile(
    r"\b(?:key\s+|main\s+)?point\s+(?P<n>\d+|one|two|three|four|five|six)\b|\b(?P<o>first|second|"
    r"third|fourth|fifth|sixth|\d+(?:st|nd|rd|th))\s+(?:key\s+|main\s+)?point\b",
    re.IGNORECASE,
)
_BEATS: list[tuple[str, Callable[[int], int]]] = [
    (r"\b(?:recap|summary|sum-?up|wrap-?up)\b", lambda count: count),
    (r"\b(?:call to action|cta|sign-?off)\b", lambda count: count),
    (r"\b(?:question|hook)\b", lambda count: 1),
]
"""The template beats people name shots by ("remove the recap"): a shot whose title has the
word, else the beat's usual place."""

_BY_PLACE = re.compile(rf"\bthe\s+(?P<place>{ORD_OR_END})\b", re.IGNORECASE)
"""A shot said by its place alone ("the 3rd"), read when it is listed with other shots."""
_LISTED = re.compile(r"\s*(?:,|and|&|\+|,\s*and)?\s*", re.IGNORECASE)
"""What stands between two shots of one list: "shot 1 and the welcome shot"."""
_WORD = re.compile(r"[\w'-]+")

Item = Any  # an EditOperation, a Call or an Answer
Builder = Callable[[re.Match[str], Context], list[Item]]
PHRASINGS: list[tuple[re.Pattern[str], Builder]] = []


def phrasing(pattern: str) -> Callable[[Builder], Builder]:
    """Add a row to the table: `pattern` (case-insensitive) read by the decorated builder."""

    def add(builder: Builder) -> Builder:
        PHRASINGS.append((re.compile(pattern, re.IGNORECASE), builder))
        return builder

    return add


def _model(kind: type[BaseModel], **fields: Any) -> Any:
    try:
        return kind(**fields)
    except ValidationError as error:
        raise Unclear(describe_error(error)) from None


def _update(shot: int, **changes: Any) -> UpdateShot:
    return _model(UpdateShot, op="update_shot", shot=shot, changes=_model(ShotChanges, **changes))


_TIMES = (
    r"(?:\s+(?P<n>\d+|two|three|four|five)\s+(?:times|steps|changes|edits)|\s+(?P<w>twice|thrice))?"
)


def _steps(match: re.Match[str]) -> int:
    if match["w"]:
        return 2 if match["w"].lower() == "twice" else 3
    return number(match["n"]) if match["n"] else 1


# --- history, render, template ----------------------------------------------------------------


@phrasing(
    r"^(?:(?:undo|go back|revert|take (?:that|it) back|back|(?:put|change|set|turn|switch) "
    r"(?:it|that|this|them|things) back)(?:\s+(?:that|it|this|the last (?:change|edit|one)|one "
    r"step|again))?(?:\s+to\s+(?:how|what|the way)\s+(?:it|things)\s+(?:was|were)(?:\s+before)?"
    r"|\s+to\s+(?:before|the previous (?:version|one)))?|i (?:liked|preferred) it (?:better )?"
    r"(?:before|the way it was))" + _TIMES + r"$"
)
def _undo(match: re.Match[str], ctx: Context) -> list[Item]:
    return [Call("undo", _model(UndoArgs, steps=_steps(match)))]


@phrasing(r"^(?:redo|re-do|go forward|forward)(?:\s+(?:that|it|again|one step))?" + _TIMES + r"$")
def _redo(match: re.Match[str], ctx: Context) -> list[Item]:
    return [Call("redo", _model(RedoArgs, steps=_steps(match)))]


@phrasing(
    r"\b(?:restore|go back to|revert to|back to|bring back|return to)\s+(?:the\s+)?"
    r"version\s+(?P<v>\d+)"
)
def _restore(match: re.Match[str], ctx: Context) -> list[Item]:
    return [Call("restore_version", _model(RestoreVersionArgs, version=int(match["v"])))]


@phrasing(
    r"^(?:render|re-?render|export|make the video|go(?: ahead)?|do it|build it|make it)"
    r"(?:\s+(?:it|again|now|the video|please))*$"
)
def _render(match: re.Match[str], ctx: Context) -> list[Item]:
    return [Call("render", RenderArgs())]


_GROUP = re.compile(
    r"\b(?i:the) ((?!(?:whole|entire|new|same|other|our|your|their)\b)[\w&-]+(?: [\w&-]+)?) ("
    + "|".join(sorted(GROUP_NOUNS))
    + r")\b"
)


def propose_variables(board: Storyboard) -> dict[str, str]:
    """Words that change per person, for a template: the welcomed name and, for each kind of
    group the narration names ("the Design team", "the London office"), only the group's own
    words (the noun stays: {"Design": "team"}); else the product's name that starts the title
    ("Notely" of "Notely, our notes app" or "Notely: the export button") when the shots say it,
    else the video's title."""
    narration = " ".join(shot.narration for shot in board.shots)
    replacements: dict[str, str] = {}
    if welcome := re.match(r"Welcome, (.+)$", board.title):
        replacements[welcome[1]] = "name"
    for group in _GROUP.finditer(narration):
        if group[2] not in replacements.values():
            replacements.setdefault(group[1], group[2])
    named = re.match(r"([^:,]+)[:,]\s", board.title)
    if not replacements and named and named[1] in narration:
        replacements[named[1]] = "product"
    if not replacements and board.title:
        replacements[board.title] = "product"
        replacements[board.title[:1].lower() + board.title[1:]] = "product"
    return replacements


@phrasing(r"\btemplate\b|\bpersonali[sz]e\b|\bone (?:video )?per person\b")
def _template(match: re.Match[str], ctx: Context) -> list[Item]:
    replacements = propose_variables(ctx.board)
    if not replacements:
        raise Unclear("I could not tell which words should change per person")
    return [Call("make_template", _model(MakeTemplateArgs, replacements=replacements))]


# --- questions: answered from the storyboard, nothing changes ---------------------------------


@phrasing(
    r"^(?:(?:show|list|describe|display|print)(?: me)?(?: the)? (?:storyboard|plan|shots|script|"
    r"scenes|whole thing)|what(?:'s| is) (?:in )?the (?:storyboard|plan)|storyboard)\b"
)
def _describe(match: re.Match[str], ctx: Context) -> list[Item]:
    return [Answer(describe(ctx.board, ctx.version))]


@phrasing(
    r"^what(?:'s| is) (?:the )?(?:video'?s? )?(?:title|name)\b|^what is (?:it|the video) called"
)
def _title(match: re.Match[str], ctx: Context) -> list[Item]:
    return [Answer(f'The video is called "{ctx.board.title}" (version {ctx.version}).')]


@phrasing(
    r"^(?:what(?:'s| is| are)|which|tell me)\s+(?:the\s+)?(?:video'?s?\s+|current\s+)?(?:aspect"
    r"(?: ratio)?|ratio|frame ?rate|fps|resolution|size|dimensions|format|style|look|tone)\b"
)
def _settings_question(match: re.Match[str], ctx: Context) -> list[Item]:
    """A question about the whole video's format, not about one shot."""
    board = ctx.board
    width, height = board.size
    return [
        Answer(
            f'"{board.title}" (version {ctx.version}) is {board.aspect.value}, {width}x{height}, '
            f'{board.fps:g} fps; style "{board.style or "none"}", tone "{board.script.tone}".'
        )
    ]


@phrasing(
    r"^what(?:'s| is)\s+(?:this|the|my|our|it)(?:\s+(?:video|film|clip|reel|thing))?\s+about\b|"
    r"^what(?:'s| is) it about\b"
)
def _about(match: re.Match[str], ctx: Context) -> list[Item]:
    """'what is this video about?': the title and the script's logline."""
    board = ctx.board
    logline = f" {board.script.logline}" if board.script.logline else ""
    return [Answer(f'"{board.title}" (version {ctx.version}, {ctx.count} shots).{logline}')]


@phrasing(r"^(?:what(?:'s| is| happens| do we see| does)|describe|tell me about|show me)\b.*")
def _shot_question(match: re.Match[str], ctx: Context) -> list[Item]:
    shots = ctx.target(match[0]).shots
    if not shots:
        raise Unclear('which shot? ask e.g. "what\'s in shot 3"')
    return [Answer("\n".join(describe_shot(ctx.board, number, ctx.media) for number in shots))]


@phrasing(r"\bwhere\b.*\b(?:video|file|mp4|it|clip|output)\b|\b(?:video|file)\s+path\b")
def _where(match: re.Match[str], ctx: Context) -> list[Item]:
    if ctx.latest_video:
        return [Answer(f"The latest video is {ctx.latest_video}")]
    return [Answer('There is no video yet for this storyboard: say "render" to make one.')]


@phrasing(r"^how long\b|\b(?:runtime|length)\b.*\?$|^how many (?:shots|scenes)\b")
def _how_long(match: re.Match[str], ctx: Context) -> list[Item]:
    board = ctx.board
    return [
        Answer(
            f'"{board.title}" lasts {board.runtime:.1f} s in {ctx.count} shots (version '
            f"{ctx.version}, {board.aspect.value}, {board.fps} fps)."
        )
    ]


# --- adding, replacing and rewriting shots ----------------------------------------------------

_FIELDS = r"caption|narration|voice-?over|voiceover|title|on-screen text|text|prompt|subtitle"
_SAYS = r"\s*(?:to|:|=|should be|should say|says?|reads?|to say|to read)\s*"


def _field(name: str) -> str:
    name = name.lower()
    if name.startswith("voice"):
        return "narration"
    if name in ("on-screen text", "text", "subtitle"):
        return "caption"
    return name


def _value(text: str) -> str:
    return text.strip().strip("\"'“”‘’").strip()


@phrasing(
    rf"(?:(?:set|change|make|update|edit)\s+)?(?:the\s+)?(?P<field>{_FIELDS})\s+(?:of|for|on|in)"
    rf"\s+(?P<ref>.+?){_SAYS}(?P<value>.+)$"
    rf"|(?P<ref2>.+?)(?:'s)?\s+(?P<field2>{_FIELDS}){_SAYS}(?P<value2>.+)$"
)
def _text_field(match: re.Match[str], ctx: Context) -> list[Item]:
    name = _field(match["field"] or match["field2"])
    value = _value(match["value"] or match["value2"])
    ref = re.sub(
        r"^(?:set|change|make|update|edit)\s+", "", match["ref"] or match["ref2"], flags=re.I
    )
    target = ctx.target(ref)
    if target.whole or (not target.shots and re.search(r"\b(?:video|storyboard)\b", ref, re.I)):
        if name != "title":
            raise Unclear(
                f'a {name} belongs to a shot; say which, e.g. "the {name} of shot 2 to ..."'
            )
        return [Call("write_script", _model(WriteScriptArgs, title=value))]
    shots = ctx.shots(ref, f"change the {name} of")
    return [_update(shot, **{name: value}) for shot in shots]


@phrasing(r"^(?:make|have|let)\s+(?P<ref>.+?)\s+(?:say|read)\s+(?P<value>.+)$")
def _say(match: re.Match[str], ctx: Context) -> list[Item]:
    shots = ctx.shots(match["ref"], "change the narration of")
    return [_update(shot, narration=_value(match["value"])) for shot in shots]


@phrasing(
    r"^(?:rename|retitle|call|title)\s+(?:the\s+)?(?:video|storyboard|it)\s+(?:to\s+)?(?P<value>.+)$"
)
def _rename(match: re.Match[str], ctx: Context) -> list[Item]:
    return [Call("write_script", _model(WriteScriptArgs, title=_value(match["value"])))]


@phrasing(
    r"^(?:add|give|put)\s+(?:(?:it|them)\s+)?(?:another\s+|an extra\s+|extra\s+)?"
    r"(?P<value>\d+(?:\.\d+)?)\s*(?:s|secs?|seconds?)\s+(?:more\s+|extra\s+)?(?:to|onto|on|for)\s+(?P<ref>.+)$"
    r"|^(?:take|cut|trim|shave)\s+(?P<less>\d+(?:\.\d+)?)\s*(?:s|secs?|seconds?)\s+(?:off|from)"
    r"\s+(?P<lref>.+)$"
)
def _add_seconds(match: re.Match[str], ctx: Context) -> list[Item]:
    """'add 3 seconds to the intro', 'take 2 seconds off shot 4': a change of length."""
    step = float(match["value"]) if match["value"] else -float(match["less"])
    ref = match["ref"] or match["lref"]
    target = ctx.target(ref)
    if target.whole:
        total = sum(shot.duration for shot in ctx.board.shots)
        return [_model(FitDuration, op="fit_duration", seconds=round(total + step, 2))]
    shots = ctx.shots(ref, "change the length of")
    return [_update(s, duration=_clamp(ctx.board.shots[s - 1].duration + step)) for s in shots]


_AUDIO = re.compile(
    r"\b(?:music|soundtrack|song|background track|jingle|sound effects?|sfx)\b", re.I
)


@phrasing(r"\b(?:add|put in|include|insert|play|use|with|more|some)\b.*" + _AUDIO.pattern)
def _music(match: re.Match[str], ctx: Context) -> list[Item]:
    """Music is mixed in when the video is stitched, not written in the storyboard."""
    if re.search(
        r"\b(?:shot|scene|clip|moment)\s+(?:about|of|showing|on|where|that shows)\b.*"
        + _AUDIO.pattern,
        match.string,
        re.I,
    ):
        return []  # "add a shot about music history": a shot whose subject is music
    return [
        Answer(
            "I can't add music from the chat. Music is mixed in when the video is stitched: "
            "start the chat or render with the --music option (e.g. "
            "reelchat render SESSION --music track.mp3), and it plays under the narration."
        )
    ]


_LOOK_WORDS = re.compile(
    r"\b(?:cross-?fades?|dissolves?|fade|transitions?|zoom|pan|tilt|orbit|cuts?)\b", re.IGNORECASE
)
_WHERE = (
    r"(?P<where>\s+(?:at|to)\s+the\s+(?:very\s+)?(?:end|start|beginning|front)"
    r"|\s+(?:right\s+)?(?:after|before)\s+.+|\s+at\s+position\s+\d+|\s+(?:first|last))?"
)


def _position(where: str, ctx: Context) -> int:
    where = where.lower().strip()
    if not where or re.search(r"\b(?:end|last)$", where):
        return ctx.count + 1
    if re.search(r"\b(?:start|beginning|front|first)$", where):
        return 1
    if place := re.search(r"position\s+(\d+)", where):
        return min(int(place[1]), ctx.count + 1)
    other = ctx.shots(where, "put it next to")[0]
    return other + 1 if where.startswith(("after", "right after")) else other


_PLACE = re.compile(
    r"\b(?:(?:right\s+)?(?P<side>after|before)\s+(?P<ref>(?:shots?|scenes?)\s*#?\s*\w+|the\s+"
    r"(?:\w+\s+)?(?:shot|scene|one|intro|opening|ending|end)\b)|between\s+(?:shots?\s+|scenes?\s+)?"
    r"(?P<a>\w+)\s+and\s+(?:shot\s+|scene\s+)?(?P<b>\w+)|(?:at|to)\s+the\s+(?:very\s+)?"
    r"(?P<edge>start|beginning|front|end))\b",
    re.IGNORECASE,
)
"""Where a new shot goes, said anywhere in the clause: "after shot 2", "between 2 and 3"."""


def _place(place: re.Match[str], ctx: Context) -> int:
    if place["edge"]:
        return ctx.count + 1 if place["edge"].lower() == "end" else 1
    if place["a"]:
        first, second = sorted(ctx.shots(f"shots {place['a']} and {place['b']}", "put it between"))
        if second != first + 1:
            raise Unclear(f"shots {first} and {second} are not next to each other")
        return second
    other = ctx.shots(place["ref"], "put it next to")[0]
    return other + 1 if place["side"].lower() == "after" else other


_ADD = (
    r"\b(?:add|insert|append|include|put in|stick in)\s+(?:a\s+|an\s+|another\s+|one more\s+|"
    r"a new\s+|new\s+)?(?:(?:short\s+)?(?:shot|scene|clip|bit|part|moment)\s*(?P<link>about|of|"
    r"showing|with|where|on|for|that shows|:)?\s*)?(?P<what>.*?)" + _WHERE + r"$"
)


@phrasing(_ADD)
def _add(match: re.Match[str], ctx: Context) -> list[Item]:
    place = _PLACE.search(match.string)
    if place:  # "after shot 2 showing ...", "a shot after shot 2"
        said = match.string[: place.start()] + " " + match.string[place.end() :]
        if not (match := re.search(_ADD, " ".join(said.split()), re.I)):  # type: ignore[assignment]
            return []
        position = _place(place, ctx)
    else:
        position = _position(match["where"] or "", ctx)
    what = match["what"].strip(" ,.")
    if _LOOK_WORDS.search(what):
        return []  # "add a crossfade", "add a zoom in to shot 2": other rows
    if not what or re.fullmatch(r"(?:a |an )?(?:shot|scene)", what, re.IGNORECASE):
        what = ""
    topic = (match["link"] or "").lower() in ("about", "on")
    fields = write_shot(
        what or "one more moment", ctx.board, seed=random.randrange(MAX_SEED), topic=topic
    )
    return [
        _model(InsertShot, op="insert_shot", position=position, shot=_model(ShotPlan, **fields))
    ]


@phrasing(
    r"\b(?:replace|swap out|change|turn|redo|rewrite|make)\s+(?P<ref>.+?)\s+(?:with|by|into|"
    r"to show|to be about|so (?:it|that it) shows|to)\s+(?P<what>(?:a |an |the |some )?.+)$"
)
def _replace(match: re.Match[str], ctx: Context) -> list[Item]:
    what = match["what"].strip(" ,.")
    if re.match(r"^(?:\d|a (?:zoom|pan|tilt|crossfade|dissolve|fade)|be\b)", what, re.IGNORECASE):
        return []  # "change shot 2 to 6 seconds", "make it a zoom out": other rows
    target = ctx.target(match["ref"])
    if not target.shots or len(target.shots) > 1:
        return []
    shot = target.shots[0]
    fields = write_shot(what, ctx.board, seed=random.randrange(MAX_SEED))
    fields.pop("duration")
    return [_update(shot, **fields)]


# --- order ------------------------------------------------------------------------------------


@phrasing(r"\b(?:swap(?:ped)?|switch(?:ed)?|exchanged?|flip(?:ped)?|traded?)\b(?P<rest>.*)$")
def _swap(match: re.Match[str], ctx: Context) -> list[Item]:
    shots = list(ctx.target(match["rest"]).shots)
    if not match["rest"].strip():  # "shots 2 and 3 should be swapped"
        shots = list(ctx.target(match.string).shots)
    if len(shots) < 2:
        shots += [int(n) for n in re.findall(r"\b\d+\b", match["rest"])]
    shots = list(dict.fromkeys(shots))
    if len(shots) != 2:
        raise Unclear('say which two shots to swap, e.g. "swap shots 3 and 4"')
    for shot in shots:
        if not 1 <= shot <= ctx.count:
            raise Unclear(f"there is no shot {shot}; shots are numbered 1 to {ctx.count}")
    return [_model(SwapShots, op="swap_shots", first=shots[0], second=shots[1])]


@phrasing(
    r"\b(?:move|put|place)\s+(?P<what>.+?)\s+(?P<where>(?:to\s+)?(?:the\s+)?(?:very\s+)?(?:end|start|"
    r"beginning|front)|(?:to\s+)?(?:right\s+)?(?:after|before)\s+.+|(?:to|at)\s+(?:position|place|"
    r"spot|number)?\s*#?\d+|first|last)$"
)
def _move(match: re.Match[str], ctx: Context) -> list[Item]:
    moving = ctx.shots(match["what"], "move")
    if len(moving) > 1:
        return _move_several(sorted(moving), match["where"], ctx)
    (shot,) = moving
    where = re.sub(r"^(?:to|at)\s+", "", match["where"].lower())
    if place := re.fullmatch(r"(?:position|place|spot|number)?\s*#?(\d+)", where):
        target = int(place[1])
    elif re.search(r"\b(?:end|last)$", where):
        target = ctx.count
    elif re.search(r"\b(?:start|beginning|front|first)$", where):
        target = 1
    else:
        other = ctx.shots(where, "put it next to")[0]
        after = "after" in where
        # positions count after the shot is taken out, so the other shot may shift
        target = (
            (other if shot < other else other + 1)
            if after
            else (other - 1 if shot < other else other)
        )
    target = max(1, min(ctx.count, target))
    if target == shot:
        raise Unclear(f"shot {shot} is already there")
    return [_model(MoveShot, op="move_shot", shot=shot, to=target)]


def _move_several(moving: list[int], where: str, ctx: Context) -> list[Item]:
    """'move the second and third shots to the end': the shots move together, in their
    order, to the end, the start, or next to another shot; one move_shot per step."""
    where = re.sub(r"^(?:to|at)\s+", "", where.lower())
    rest = [n for n in range(1, ctx.count + 1) if n not in moving]
    if re.search(r"\b(?:end|last)$", where):
        at = len(rest)
    elif re.search(r"\b(?:start|beginning|front|first)$", where):
        at = 0
    elif re.search(r"\b(?:after|before)\b", where):
        other = ctx.shots(where, "put them next to")[0]
        if other in moving:
            raise Unclear(f"shot {other} is one of the shots to move; say where they go")
        at = rest.index(other) + (1 if "after" in where else 0)
    else:
        raise Unclear('say where the shots go: "to the end", "to the start", or "after shot N"')
    final = rest[:at] + moving + rest[at:]
    if final == list(range(1, ctx.count + 1)):
        raise Unclear(f"shots {', '.join(map(str, moving))} are already there")
    places = [(spot, shot) for spot, shot in enumerate(final) if shot in moving]
    for steps in (places[::-1], places):  # the moved shots only: later ones first, or earlier
        order, moves = list(range(1, ctx.count + 1)), []
        for spot, shot in steps:
            index = order.index(shot)
            order.insert(spot, order.pop(index))
            moves.append(_model(MoveShot, op="move_shot", shot=index + 1, to=spot + 1))
        if order == final:
            return [move for move in moves if move.shot != move.to]
    raise Unclear('move one shot at a time, e.g. "move shot 2 to the end"')


@phrasing(
    r"\b(?:remove|delete|drop|cut out|cut|get rid of|lose|skip|scrap|kill|take out)\b(?P<rest>.+)$"
)
def _delete(match: re.Match[str], ctx: Context) -> list[Item]:
    if re.search(r"\b(?:crossfades?|dissolves?|fades?|transitions?)\b", match["rest"], re.I):
        return []
    if re.search(r"\bcut\b", match.string, re.I) and re.search(
        rf"{_EXACT}|{_MINUTES}", match.string, re.I
    ):
        return []  # "cut it to 20 seconds", "a 10 second cut for TikTok": a length, not a shot
    shots = ctx.shots(match["rest"], "remove")
    if len(shots) >= ctx.count:
        raise Unclear("a storyboard needs at least one shot, so I can't remove them all")
    return [_model(DeleteShot, op="delete_shot", shot=shot) for shot in sorted(shots, reverse=True)]


# --- timing -----------------------------------------------------------------------------------

_DURATION_WORDS = (
    r"longer|shorter|slower|faster|quicker|lengthen|shorten|extend|trim|stretch|"
    r"speed (?:\w+\s+){0,3}?up|slow (?:\w+\s+){0,3}?down|"
    r"tighten|double|twice as long|half as long|halve"
)
_EXACT = r"(?<![\w.])(?P<value>[-+]?\d+(?:\.\d+)?(?:e[-+]?\d+)?)\s*(?:s|secs?|seconds?|-second)\b"
_MINUTES = (
    r"(?<![\w.])(?P<min>\d+(?:\.\d+)?)\s*(?:min|mins|minutes?)\b"
    r"|\b(?P<half>half a minute)\b|\b(?P<one>a minute)\b"
)


_RELATIVE = r"\s+(?:more|less|extra|longer|shorter|slower|faster|quicker)\b"
"""After an amount, words that make it a change rather than the new length: "2 seconds longer"."""


def _wanted(text: str, current: float, whole: bool) -> float | None:
    """The duration a clause asks for, from the current one; None when it asks for none."""
    minutes = re.search(_MINUTES, text, re.I)
    if minutes:
        return 30.0 if minutes["half"] else 60.0 if minutes["one"] else float(minutes["min"]) * 60
    by = re.search(r"\bby\s+" + _EXACT, text, re.I) or re.search(_EXACT + _RELATIVE, text, re.I)
    exact = re.search(_EXACT, text, re.I)
    word = re.search(rf"\b(?:{_DURATION_WORDS})\b", text, re.I)
    if exact and not by:
        return float(exact["value"])
    if not word:
        if by:  # "2 seconds more", "3 s less"
            less = re.search(r"\b(?:less|fewer)\b", text, re.I)
            return current - float(by["value"]) if less else current + float(by["value"])
        return None
    kind = word[0].lower()
    if kind in ("double", "twice as long"):
        return current * 2
    if kind in ("half as long", "halve"):
        return current / 2
    grow = kind.startswith("slow") or kind in ("longer", "lengthen", "extend", "stretch")
    if by:
        step = float(by["value"])
    elif re.search(r"\b(?:a (?:bit|little|touch|tad)|slightly|somewhat)\b", text, re.I):
        step = current * 0.15 if whole else 1.0
    elif re.search(r"\b(?:much|a lot|way|far)\b", text, re.I):
        step = current * 0.5 if whole else current * 0.5 + 1
    else:
        step = current * 0.25 if whole else 2.0
    return current + step if grow else current - step


def _clamp(value: float) -> float:
    return round(min(MAX_SHOT_SECONDS, max(MIN_SHOT_SECONDS, value)), 2)


@phrasing(rf"\b(?:{_DURATION_WORDS})\b|{_EXACT}|{_MINUTES}")
def _duration(match: re.Match[str], ctx: Context) -> list[Item]:
    text = match.string
    target = ctx.target(text)
    if target.whole or not target.shots:
        total = sum(shot.duration for shot in ctx.board.shots)
        wanted = _wanted(text, total, whole=True)
        if wanted is None:
            return []
        return [_model(FitDuration, op="fit_duration", seconds=round(wanted, 2))]
    items: list[Item] = []
    for shot in target.shots:
        current = ctx.board.shots[shot - 1].duration
        wanted = _wanted(text, current, whole=False)
        if wanted is None:
            return []
        if not MIN_SHOT_SECONDS <= wanted <= MAX_SHOT_SECONDS and re.search(_EXACT, text, re.I):
            raise Unclear(
                f"a shot can last {MIN_SHOT_SECONDS:g} to {MAX_SHOT_SECONDS:g} s, not {wanted:g} s"
            )
        if _clamp(wanted) == current:
            raise Unclear(f"shot {shot} is already {current:g} s, the limit")
        items.append(_update(shot, duration=_clamp(wanted)))
    return items


@phrasing(
    r"\b(?:regenerate|re-?roll|redo|re-?render|re-?do|new seed|another take|try again|"
    r"different take|a new version of|another version of|try another)\b"
)
def _regenerate(match: re.Match[str], ctx: Context) -> list[Item]:
    shots = ctx.shots(match.string, "regenerate")
    return [_update(shot, seed=random.randrange(MAX_SEED)) for shot in shots]


# --- look -------------------------------------------------------------------------------------

CAMERAS = {
    r"zoom(?:ing)? in|push(?:ing)? in|dolly in|move closer": "zoom_in",
    r"zoom(?:ing)? out|pull(?:ing)? (?:back|out)|dolly out": "zoom_out",
    r"pan(?:ning)? left": "pan_left",
    r"pan(?:ning)? right|pan(?:ning)?": "pan_right",
    r"tilt(?:ing)? up": "tilt_up",
    r"tilt(?:ing)? down|tilt(?:ing)?": "tilt_down",
    r"orbit(?:ing)?|circle around|360": "orbit",
    r"static|still camera|locked off|no camera move(?:ment)?|keep the camera still": "static",
}


@phrasing(r"\b(?:" + "|".join(CAMERAS) + r")\b")
def _camera(match: re.Match[str], ctx: Context) -> list[Item]:
    camera = next(
        value for pattern, value in CAMERAS.items() if re.fullmatch(pattern, match[0], re.I)
    )
    target = ctx.target(match.string)
    if target.whole:
        return [_update(shot, camera=camera) for shot in range(1, ctx.count + 1)]
    shots = ctx.shots(match.string, "move the camera in")
    return [_update(shot, camera=camera) for shot in shots]


@phrasing(
    r"\b(?:cross-?fades?|dissolves?|fade to black|fade(?:s)? out|hard cuts?|straight cuts?|cuts)\b"
)
def _transition(match: re.Match[str], ctx: Context) -> list[Item]:
    word = match[0].lower()
    kind = (
        "crossfade" if word.startswith(("cross", "dissolve"))
        else "fade_to_black" if word.startswith("fade")
        else "cut"
    )  # fmt: skip
    text = match.string
    target = ctx.target(text)
    if re.search(r"\b(?:end|ending|finish)\b", text, re.I) and not re.search(r"\bshot", text, re.I):
        shots = [ctx.count]
    elif len(target.shots) == 2 and re.search(r"\bbetween\b", text, re.I):
        shots = [min(target.shots)]
    elif target.shots and len(target.shots) < ctx.count:
        shots = list(target.shots)
    else:
        shots = list(range(1, ctx.count + (1 if kind == "cut" else 0)))
    return [_update(shot, transition=kind) for shot in shots]


@phrasing(r".")
def format_settings(match: re.Match[str], ctx: Context) -> list[Item]:
    """Aspect, frame rate and size said anywhere in a clause; also read alongside any other
    row ("a 10 second cut for TikTok" is a length and an aspect)."""
    found = find_formats(match.string)
    if not found:
        return []
    unsupported = [f for f in found if isinstance(f, Unsupported) and f.sentence]
    if unsupported:
        raise Unclear(unsupported[0].sentence)
    settings = {f.setting: f.value for f in found if isinstance(f, Found)}
    notes = [Answer(f.note) for f in found if isinstance(f, Found) and f.note]
    try:
        target = find_target(without(match.string, [f.span for f in found]), ctx.count)
    except Unclear:
        target = Target()
    named = target.shots
    rest = without(match.string, [*target.spans, *(f.span for f in found)])
    only_format = re.fullmatch(
        r"(?:make|set|turn|change|switch|have|put)?\s*(?:it|the)?\s*", rest, re.I
    )
    if only_format and named and len(named) < ctx.count:  # "make the 1st shot vertical"
        shots = ", ".join(map(str, named))
        notes.append(
            Answer(
                "A video's shape, size and frame rate are the same for every shot, so the "
                f"whole video changes, not only shot {shots}."
            )
        )
    return [_model(UpdateSettings, op="update_settings", **settings), *notes]


STYLES: list[tuple[str, str]] = [
    (r"water\s?colou?r", "watercolor painting, soft washes, paper texture"),
    (r"noir|black and white|black-and-white|monochrome|b&w",
     "film noir, black and white, hard shadows"),
    (r"neon|cyberpunk|synthwave", "neon cyberpunk, glowing signs, night city"),
    (r"pixel", "pixel art, crisp 16-bit sprites"),
    (r"anime|manga", "anime style, cel shading, vivid colours"),
    (r"clay|claymation|stop[- ]motion", "claymation, handmade stop-motion look"),
    (r"\b3d\b|pixar", "3D animated film look, soft global illumination"),
    (r"cinematic|photo\s?real|realistic|film look|live action",
     "cinematic, photorealistic, shallow depth of field"),
    (r"sketch|pencil|hand[- ]drawn", "pencil sketch, hand-drawn lines"),
    (r"vintage|retro|sepia|old film", "vintage film, warm sepia grain"),
    (r"pastel", "soft pastel colours, gentle light"),
    (r"comic|cartoon", "bold comic-book cartoon, thick outlines"),
    (r"\bflat\b|minimal", "clean flat illustration, minimal shapes"),
]  # fmt: skip
PALETTES: list[tuple[str, str]] = [
    (r"warm", "warm golden colour palette"),
    (r"cool|cold", "cool blue colour palette"),
    (r"dark|moody", "dark moody lighting"),
    (r"bright|vivid|colou?rful|vibrant", "bright vivid colours"),
]
TONE_LOOKS: list[tuple[str, str]] = [
    (r"dramatic|epic|intense", "dramatic high-contrast lighting"),
    (r"playful|fun|funny|funnier", "playful bouncy shapes, cheerful colours"),
    (r"calm|calmer|gentle|soothing", "soft calm light, gentle colours"),
    (r"serious|professional|formal", "sober muted colours, clean composition"),
    (r"energetic|upbeat|exciting|punchy", "high-energy saturated colours"),
]
"""How a tone word looks on screen: a tone changes the pictures too, not only a label."""
COLOURS = r"red|orange|yellow|gold|green|teal|blue|purple|violet|pink|magenta|brown|grey|gray"
COLOUR_PHRASE = re.compile(rf"\b(?:{COLOURS})\b(?:\s+(?:and|&)\s+\b(?:{COLOURS})\b)*", re.I)
_REPLACED = [
    re.compile("|".join(re.escape(phrase) for _, phrase in PALETTES)),
    re.compile("|".join(re.escape(phrase) for _, phrase in TONE_LOOKS)),
    re.compile(rf"(?:(?:{COLOURS})(?: and (?:{COLOURS}))*) colour palette"),
]
"""Kinds of look phrase: a new phrase of a kind replaces the old ones of that kind."""


def _restyled(style: str, phrase: str) -> str:
    """`style` with `phrase` added, dropping the earlier phrases of the same kinds."""
    for kind in _REPLACED:
        if kind.search(phrase):
            style = kind.sub("", style)
    parts = [part.strip() for part in f"{style},{phrase}".split(",")]
    return ", ".join(dict.fromkeys(part for part in parts if part))[:200]


def style_from(text: str) -> str:
    """A style phrase for the words in `text` ('watercolor' -> a full watercolor description;
    'darker', 'more orange and red', 'more dramatic' -> lighting, palette and mood phrases)."""
    found = [phrase for pattern, phrase in STYLES if re.search(pattern, text, re.I)]
    context = re.search(r"colou?r|tone|palette|look|light|mood|style|feel", text, re.I)
    found += [
        phrase
        for pattern, phrase in PALETTES
        if re.search(rf"\b(?:{pattern})(?:er|est)\b", text, re.I)
        or (context and re.search(rf"\b(?:{pattern})\b", text, re.I))
    ]
    if colours := COLOUR_PHRASE.search(text):
        found.append(" ".join(colours[0].lower().split()).replace("&", "and") + " colour palette")
    found += [
        phrase for pattern, phrase in TONE_LOOKS if re.search(rf"\b(?:{pattern})\b", text, re.I)
    ]
    return ", ".join(dict.fromkeys(found))


@phrasing(r".")
def _style(match: re.Match[str], ctx: Context) -> list[Item]:
    text = match.string
    phrase = style_from(text)
    if not phrase:
        return []
    new_look = any(re.search(pattern, text, re.I) for pattern, _ in STYLES)
    style = _restyled("" if new_look else ctx.board.style, phrase)
    target = ctx.target(text)
    if target.shots:
        return [_update(shot, style=style) for shot in target.shots]
    return [_model(RestyleAll, op="restyle_all", style=style)]


TONES = (
    r"playful|fun|funny|funnier|serious|calm|calmer|energetic|upbeat|friendly|friendlier|"
    r"professional|formal|inspiring|dramatic|emotional|casual|exciting|punchy|gentle"
)


@phrasing(rf"\b(?P<tone>{TONES})\b(?:\s+tone)?|\btone\b")
def _tone(match: re.Match[str], ctx: Context) -> list[Item]:
    tones = re.findall(rf"\b(?:{TONES})\b", match.string, re.I)
    if not tones:
        raise Unclear('which tone? say e.g. "make it more playful"')
    tone = ", ".join(dict.fromkeys(t.lower() for t in tones))
    return [Call("write_script", _model(WriteScriptArgs, tone=tone))]


# --- talk -------------------------------------------------------------------------------------


@phrasing(
    r"^(?:i (?:don't|do not|dont) (?:like|love)|i hate|i'm not sure about|not a fan of|"
    r"what about|let's talk about|look at|about)\s+(?P<ref>.+)$"
    r"|^(?P<said>.+?)\s+(?:is|are|looks?|feels?|seems?|'s)\s+(?:(?:a bit|a little|kinda|"
    r"kind of|too|so|really|very|quite|pretty|still|way)\s+)*(?:slow|boring|"
    r"confusing|long|short|fast|rushed|off|weird|bad|wrong|dull|meh|unclear|"
    r"hard to follow|not great)\b"
)
def _focus(match: re.Match[str], ctx: Context) -> list[Item]:
    if match["said"] and not ctx.target(match["said"]).shots:
        return []  # "the video is too long": not about one shot
    shots = ctx.shots(match["ref"] or match["said"], "look at")
    titles = ", ".join(f'shot {n} ("{ctx.board.shots[n - 1].title}")' for n in shots)
    return [
        Answer(
            f'That is {titles}. Tell me what it should be instead, e.g. "replace it with a '
            'close-up of the product" or "make it shorter".',
            soft=True,
        )
    ]


@phrasing(r"^(?:rewrite|reword|rephrase|simplify|dumb down)\b(?P<ref>.*)$")
def _rewrite(match: re.Match[str], ctx: Context) -> list[Item]:
    """Offline, new words come from the person: say so rather than guess them."""
    (shot,) = ctx.shots(match["ref"], "rewrite")[:1]
    raise Unclear(
        f"I can't write new words for shot {shot} by myself offline; tell me them, e.g. \"make "
        f'shot {shot} say ..." or "change the caption of shot {shot} to ..."'
    )


ATTRIBUTES = (_duration, _regenerate, _camera, _transition, format_settings, _style, _tone)
"""Rows that set one attribute; a clause may set several ("make shot 3 longer with a crossfade",
"20 seconds for TikTok"), so each of them reads the clause. Rows that carry free text
(captions, new shots) are left alone: "a caption saying Now in 4K" stays a caption."""
