"""Read one message into steps: typed edit operations, other tool calls, answers, problems.

With a storyboard in the session a message is an edit, a question, or an explicit request for
a new video; without one, anything that is not talk asks for a new video. Every clause ends up
as an operation, a call, an answer, or a problem said back to the person."""

from __future__ import annotations

import dataclasses
import re
from dataclasses import dataclass, field

from pydantic import ValidationError

from reelchat.agent.parse.clauses import clauses, only_shots, sentences, strip_lead
from reelchat.agent.parse.media import MEDIA_PHRASINGS, elided_use, free_text, logo_meant
from reelchat.agent.parse.phrasings import (
    ATTRIBUTES,
    PHRASINGS,
    Answer,
    Builder,
    Call,
    Context,
)
from reelchat.agent.parse.references import Unclear
from reelchat.agent.parse.request import asks_for_new_video, plan_new_video
from reelchat.agent.parse.typos import chat_spelt, respelt
from reelchat.agent.session import SessionState
from reelchat.errors import StoryboardInvalid
from reelchat.tools.apply import apply_all
from reelchat.tools.arguments import (
    DeleteShot,
    EditStoryboardArgs,
    InsertShot,
    MoveShot,
    SetShotMedia,
    SwapShots,
    UpdateShot,
)
from reelchat.tools.media import SessionMedia

HELP = (
    'I make short videos from a chat. Ask for one ("a 30-second explainer on tides for kids", '
    '"a short demo of our app Ledgerly showing how to export a report to PDF, vertical", "an '
    'onboarding clip welcoming Mei Lin to the support team as a team lead"), then change it in '
    'your own words: "make the intro shorter", "remove shots 2 and 3", "replace the ending with '
    'a call to action to visit example.com", "make the whole video 20 seconds", "square", '
    '"watercolor style", "undo", "where is the video?".'
)
CLARIFY = (
    'Happy to! What should the video be about, and who is it for? For example: "a 30-second '
    'explainer on how vaccines work, for teenagers", "a demo of our app\'s new export button, '
    'vertical" or "an onboarding clip welcoming Priya to the design team".'
)
SUGGEST = (
    'Try e.g. "make shot 2 longer", "remove the last shot", "replace the intro with ...", '
    '"square", "undo", or "a new video about ...".'
)

_GREETING = re.compile(
    r"^(?:hi|hello|hey|hiya|howdy|yo|greetings|good (?:morning|afternoon|evening))"
    r"(?:\s+(?:there|reelchat|you|all|again))?[!.,\s]*$",
    re.I,
)
_HOW_ARE_YOU = re.compile(r"^how(?:'s| is| are)\s+(?:you|it going|things)\b", re.I)
_HELP = re.compile(
    r"^(?:what can you do|what do you do|what can i (?:do|say|ask)|help|help me|how does (?:this|"
    r"it) work|who are you|what are you|what is this|how do i (?:use|start)\b.*)[?!.\s]*$",
    re.I,
)
_THANKS = re.compile(
    r"^(?:(?:thanks?|thank you|thx|ty|cheers|great|cool|nice|perfect|awesome|ok(?:ay)?|good|"
    r"lovely|love it|looks (?:good|great)|sounds good|yes|yep|sure|wow|amazing|bye|goodbye|lol|"
    r"haha|(?:that's|that is|this is|it's|it is)(?: (?:so|really|very))? (?:great|good|nice|cool|"
    r"perfect|awesome|amazing|lovely|better|fine|it))"
    r"(?:\s+(?:you|so much|a lot|very much|again|a bunch))*[!.,\s]*)+$",
    re.I,
)
_NAME = re.compile(
    r"^(?:(?:lol|haha|ok(?:ay)?|so)[\s,]+)*(?:what(?:'s| is) your name|who are you)\b", re.I
)
_STATE_QUESTION = re.compile(
    r"^(?:where\b.*\b(?:video|file|it)|how long\b|how many (?:shots|scenes)|what(?:'s| is) in\b|"
    r"show(?: me)? the (?:storyboard|plan|shots)|which version|undo|redo)",
    re.I,
)
_FILLER = frozenset(
    [
        "a",
        "an",
        "the",
        "me",
        "us",
        "some",
        "something",
        "video",
        "videos",
        "clip",
        "short",
        "quick",
        "please",
        "make",
        "create",
        "new",
        "one",
        "cool",
        "nice",
        "film",
        "movie",
        "for",
        "can",
        "you",
        "i",
        "want",
        "would",
        "like",
        "need",
        "another",
        "different",
        "start",
        "over",
        "again",
        "fresh",
        "from",
        "scratch",
        "do",
        "second",
        "seconds",
        "sec",
        "secs",
        "s",
        "minute",
        "minutes",
        "min",
        "long",
        "vertical",
        "square",
        "widescreen",
        "portrait",
        "landscape",
        "shots",
        "scenes",
        "fps",
        "p",
        "hd",
    ]
)


@dataclass
class Reading:
    """What one message asks for, in order, and what could not be done."""

    calls: list[Call] = field(default_factory=list)
    answers: list[Answer] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    focus: int | None = None

    def notes(self) -> list[str]:
        """Answers and problems as reply lines; soft answers only when nothing else was done."""
        busy = bool(self.calls or self.problems or any(not a.soft for a in self.answers))
        lines = [a.text for a in self.answers if not (a.soft and busy)]
        lines += self.problems
        if any(problem.startswith("I did not understand") for problem in self.problems):
            lines.append(SUGGEST)
        return list(dict.fromkeys(lines))


def _talk(sentence: str) -> Answer | None:
    if _GREETING.match(sentence):
        return Answer("Hello!")
    if _HOW_ARE_YOU.match(sentence):
        return Answer("I'm well, thanks, and ready to make a video.")
    if _HELP.match(sentence):
        return Answer(HELP)
    if _NAME.match(sentence):
        return Answer("I'm reelchat: I turn a chat into a short video. " + HELP)
    if _THANKS.match(sentence):
        return Answer("You're welcome! Tell me if you'd like any other change.", soft=True)
    return None


def _focus_of(operation: object, focus: int | None) -> int | None:
    match operation:
        case UpdateShot(shot=shot) | SetShotMedia(shot=shot):
            return shot
        case DeleteShot():
            return None
        case InsertShot(position=position):
            return position
        case MoveShot(to=target):
            return target
        case SwapShots(second=second):
            return second
    return focus


def _read_clause(clause: str, ctx: Context, reading: Reading) -> Context:
    """Read one clause into `reading`; the context after it (the storyboard as edited)."""
    rows = PHRASINGS if free_text(clause) else [*MEDIA_PHRASINGS, *PHRASINGS]
    for pattern, builder in rows:
        match = pattern.search(clause)
        if not match:
            continue
        try:
            items = builder(match, ctx)
        except (Unclear, ValidationError) as problem:
            reading.problems.append(f'I could not do "{clause}": {str(problem).rstrip(".")}.')
            return _named_next(clause, ctx)
        if not items:
            continue
        if builder in ATTRIBUTES:
            items += _other_attributes(builder, clause, ctx, reading)
        operations = [item for item in items if not isinstance(item, (Call, Answer))]
        if operations:
            try:
                board, _ = apply_all(ctx.board, operations)
            except StoryboardInvalid as problem:
                reading.problems.append(f'I could not do "{clause}": {problem}.')
                return ctx
            if board == ctx.board:
                reading.answers.append(
                    Answer(f'Nothing to change for "{clause}": it is so already.')
                )
                operations = []
        if operations:
            focus = ctx.focus
            for operation in operations:
                focus = _focus_of(operation, focus)
            last = reading.calls[-1] if reading.calls else None
            if last is not None and last.name == "edit_storyboard":
                merged = [*last.args.operations, *operations]  # type: ignore[attr-defined]
                reading.calls[-1] = Call("edit_storyboard", EditStoryboardArgs(operations=merged))
            else:
                reading.calls.append(
                    Call("edit_storyboard", EditStoryboardArgs(operations=operations))
                )
            ctx = dataclasses.replace(ctx, board=board, focus=focus, named=_several(operations))
        for item in items:
            if isinstance(item, Answer):
                reading.answers.append(item)
            elif isinstance(item, Call):
                _add_call(reading, item)
        if not operations:  # "I don't like the ending": what "it" means next
            try:
                shots = ctx.target(clause).shots
            except Unclear:
                shots = ()
            if shots:
                ctx = _talked_about(ctx, shots)
        return ctx
    if only_shots(clause):  # "the first shot, make it start with...": what "it" means next
        try:
            shots = ctx.target(clause).shots
        except Unclear as problem:
            reading.problems.append(f'I could not do "{clause}": {str(problem).rstrip(".")}.')
            return ctx
        if shots:
            return _talked_about(ctx, shots)
    reading.problems.append(f'I did not understand "{clause}".')
    return _named_next(clause, ctx)


def _named_next(clause: str, ctx: Context) -> Context:
    """The context after a clause that could not be done: a later clause with no shot number
    still means the shot this one named ("use the portrait photo in shot 2 and zoom into the
    centre")."""
    try:
        shots = ctx.target(clause).shots
    except Unclear:
        return ctx
    return _talked_about(ctx, shots) if shots else ctx


def _talked_about(ctx: Context, shots: tuple[int, ...]) -> Context:
    """`ctx` after a clause that named `shots`: "it" is the last, "them" all of them."""
    return dataclasses.replace(ctx, focus=shots[-1], named=shots if len(shots) > 1 else ())


def _several(operations: list[object]) -> tuple[int, ...]:
    """The shots a clause's edits changed, when it changed several and moved none: what
    "them" means next ("make shots 2 and 3 slower and give them a zoom out")."""
    if not all(isinstance(op, (UpdateShot, SetShotMedia)) for op in operations):
        return ()
    shots = tuple(dict.fromkeys(op.shot for op in operations))  # type: ignore[attr-defined]
    return shots if len(shots) > 1 else ()


def _other_attributes(first: Builder, clause: str, ctx: Context, reading: Reading) -> list[object]:
    """What the other attribute rows read in a clause the `first` one already matched."""
    items: list[object] = []
    for pattern, builder in PHRASINGS:
        if builder is first or builder not in ATTRIBUTES or not (match := pattern.search(clause)):
            continue
        try:
            items += builder(match, ctx)
        except Unclear as problem:
            reading.problems.append(
                f'I could not do all of "{clause}": {str(problem).rstrip(".")}.'
            )
    return items


def _add_call(reading: Reading, call: Call) -> None:
    last = reading.calls[-1] if reading.calls else None
    if last is not None and last.name == call.name and call.name in ("undo", "redo"):
        steps = last.args.steps + call.args.steps  # type: ignore[attr-defined]
        reading.calls[-1] = Call(call.name, type(call.args)(steps=min(50, steps)))
    else:
        reading.calls.append(call)


def _is_vague(text: str) -> bool:
    """True when a request names no subject at all ('make a video', 'start over')."""
    return not set(re.findall(r"[a-z']+", text.lower())) - _FILLER


MAX_NUMBER_DIGITS = 15
"""The longest run of digits a message may hold (a phone number in a call to action has at
most 15, E.164); longer ones are no shot, second or version anyone means, and past 4,300 digits
Python's int() refuses them."""
_HUGE_NUMBER = re.compile(rf"\d{{{MAX_NUMBER_DIGITS + 1},}}")


def read_message(
    text: str,
    state: SessionState | None,
    focus: int | None = None,
    media: SessionMedia | None = None,
) -> Reading:
    """Everything `text` asks for, read against the session's `state` (None: no storyboard)
    and its `media` (the pictures "the screenshot I uploaded" may be; none when left out).

    `focus` is the shot last talked about, what "it" and "that one" point at."""
    media = media or SessionMedia()
    reading = Reading(focus=focus)
    if huge := _HUGE_NUMBER.search(text):
        reading.problems.append(
            f"I can't use a number of {len(huge[0]):,} digits: shots, seconds, versions and "
            "frame rates are small numbers, so nothing was changed."
        )
        return reading
    parts = [chat_spelt(part) for part in sentences(" ".join(text.replace("’", "'").split()))]
    ctx = (
        Context(state.storyboard, state.version, focus, state.latest_video, media)
        if state
        else None
    )
    previous = ""  # the clause before, across sentences ("The logo is big. Move it up.")
    for index, sentence in enumerate(parts):
        if talk := _talk(sentence):
            reading.answers.append(talk)
            continue
        sentence = strip_lead(sentence)
        if not sentence:
            continue
        if ctx is None and _STATE_QUESTION.match(sentence):
            reading.answers.append(Answer("There is no video yet in this session. " + HELP))
            continue
        if ctx is None or asks_for_new_video(sentence):
            request = " ".join(strip_lead(part) for part in parts[index:])
            if _is_vague(request):
                reading.answers.append(Answer(CLARIFY))
                break
            new = plan_new_video(request, pictures=media.pictures())
            reading.calls.append(Call("plan_storyboard", new.args))
            reading.problems.extend(new.notes)
            reading.focus = None
            return reading
        for clause in clauses(respelt(sentence)):
            clause = elided_use(clause, previous) or clause  # "... and export.png in shot 5"
            clause = logo_meant(clause, previous) or clause  # "the logo ..., make it smaller"
            ctx = _read_clause(clause, ctx, reading)
            previous = clause
    greeted_only = all(a.text in ("Hello!", "I'm well, thanks, and ready to make a video.")
                       for a in reading.answers)  # fmt: skip
    if not (reading.calls or reading.problems) and greeted_only:
        reading.answers.append(Answer(HELP))
    reading.focus = ctx.focus if ctx else None
    return reading
