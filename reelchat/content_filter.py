"""An optional content filter for what people ask for and what gets rendered.

`REELCHAT_CONTENT_FILTER=blocklist` refuses text containing a listed word or phrase (from the
`blocklist` setting and `<workspace>/blocklist.txt`, one a line; offline). `moderation` asks an
OpenAI-compatible `/v1/moderations` endpoint (the LLM endpoint unless
REELCHAT_MODERATION_BASE_URL is set) and also applies the blocklist. `off` (the default) checks
nothing. A refusal raises ContentBlocked before anything is stored or rendered.

Text is matched in a normal form, so look-alike spellings do not slip past: Unicode NFKC
(fullwidth and compatibility letters become plain ones), format characters removed (zero-width
spaces, soft hyphens, joiners) and letters that look Latin (Cyrillic о, Greek ο, ...) mapped to
that Latin letter with the Unicode confusables table of the `confusable-homoglyphs` package.
The moderation filter fails closed: an answer it cannot read, or one without a verdict for the
text, refuses the text.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field

from reelchat.config import Settings
from reelchat.errors import ContentBlocked, ReelchatError
from reelchat.storyboard.models import Storyboard

BLOCKLIST_FILE = "blocklist.txt"


@functools.lru_cache(maxsize=4096)
def _latin_lookalike(character: str) -> str:
    """The Latin letter(s) `character` is confusable with (Unicode TR39 confusables), else
    the character itself."""
    from confusable_homoglyphs import confusables

    found = confusables.is_confusable(character, greedy=True)
    for entry in found or []:
        for glyph in entry["homoglyphs"]:
            if glyph["c"].isascii() and glyph["c"].isalpha():
                return str(glyph["c"])
    return character


def normalised(text: str) -> str:
    """`text` as the filter matches it: NFKC, format characters (Unicode category Cf) removed,
    non-ASCII letters that look like Latin ones mapped to them."""
    text = unicodedata.normalize("NFKC", text)
    kept = (c for c in text if unicodedata.category(c) != "Cf")
    return "".join(c if c.isascii() or not c.isalpha() else _latin_lookalike(c) for c in kept)


def _pattern(phrases: Iterable[str]) -> re.Pattern[str] | None:
    words = sorted(
        {normalised(p.strip()).casefold() for p in phrases if p.strip()}, key=len, reverse=True
    )
    if not words:
        return None
    return re.compile(r"(?<!\w)(" + "|".join(map(re.escape, words)) + r")(?!\w)", re.IGNORECASE)


@dataclass(frozen=True)
class ContentFilter:
    """Checks text; built once per workspace from the settings."""

    mode: str = "off"
    blocklist: tuple[str, ...] = ()
    moderation_base_url: str | None = None
    moderation_api_key: str | None = None
    moderation_model: str = "omni-moderation-latest"
    timeout: float = 30.0
    _compiled: re.Pattern[str] | None = field(default=None, init=False, repr=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_compiled", _pattern(self.blocklist))

    @classmethod
    def from_settings(cls, settings: Settings) -> ContentFilter:
        phrases = list(settings.blocklist)
        listed = settings.workspace_dir / BLOCKLIST_FILE
        if settings.content_filter != "off" and listed.is_file():
            lines = listed.read_text(encoding="utf-8", errors="replace").splitlines()
            phrases += [line for line in lines if line.strip() and not line.startswith("#")]
        if settings.content_filter == "moderation" and not (
            settings.moderation_base_url or settings.llm_base_url or settings.llm_api_key
        ):
            raise ReelchatError(
                "REELCHAT_CONTENT_FILTER=moderation needs an endpoint: set "
                "REELCHAT_MODERATION_BASE_URL (or OPENAI_BASE_URL / OPENAI_API_KEY)"
            )
        return cls(
            mode=settings.content_filter,
            blocklist=tuple(phrases),
            moderation_base_url=settings.moderation_base_url or settings.llm_base_url,
            moderation_api_key=settings.llm_api_key,
            moderation_model=settings.moderation_model,
            timeout=settings.llm_timeout,
        )

    def check(self, text: str, *, what: str) -> None:
        """Raise ContentBlocked when `text` (described by `what`) is not allowed."""
        if self.mode == "off" or not text.strip():
            return
        if self._compiled is not None and (match := self._compiled.search(normalised(text))):
            raise ContentBlocked(
                f"{what} contains {match[0]!r}, which this workspace's blocklist does not allow; "
                "rephrase it (nothing was changed)"
            )
        if self.mode == "moderation":
            self._moderate(text, what)

    def check_storyboard(self, storyboard: Storyboard) -> None:
        """Every text of a storyboard that reaches the video model or the screen."""
        if self.mode == "off":
            return
        parts = [f"title: {storyboard.title}", f"style: {storyboard.style}"]
        for number, shot in enumerate(storyboard.shots, start=1):
            parts.append(
                f"shot {number}: {shot.title}\n{shot.prompt}\n{shot.style}\n{shot.narration}\n"
                f"{shot.caption}"
            )
        for part in parts:
            self.check(part, what=part.partition(":")[0])

    def _moderate(self, text: str, what: str) -> None:
        import openai

        client = openai.OpenAI(
            base_url=self.moderation_base_url,
            api_key=self.moderation_api_key or "not-needed",
            timeout=self.timeout,
            max_retries=1,
        )
        unreadable = ContentBlocked(
            f"the moderation endpoint gave no verdict that reelchat could read, so {what} was "
            "not accepted (the filter fails closed); check REELCHAT_MODERATION_BASE_URL, or "
            "set REELCHAT_CONTENT_FILTER=blocklist or off"
        )
        try:
            response = client.moderations.create(model=self.moderation_model, input=text)
            results = list(response.results or [])
        except openai.OpenAIError as error:
            raise ContentBlocked(
                f"the moderation endpoint did not answer ({type(error).__name__}), so {what} was "
                "not accepted; try again, or set REELCHAT_CONTENT_FILTER=blocklist or off"
            ) from None
        except Exception:  # noqa: BLE001 - HTML, {} or any body the SDK cannot parse
            raise unreadable from None
        if not results or any(not isinstance(r.flagged, bool) for r in results):
            raise unreadable
        flagged = [result for result in results if result.flagged]
        if flagged:
            categories = (
                flagged[0].categories.model_dump(by_alias=True) if flagged[0].categories else {}
            )
            names = sorted(name for name, hit in categories.items() if hit)
            raise ContentBlocked(
                f"{what} was flagged by the moderation endpoint"
                f"{' (' + ', '.join(names) + ')' if names else ''}; rephrase it "
                "(nothing was changed)"
            )
