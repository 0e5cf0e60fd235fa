"""Turn a pasted error into text that guide patterns can match, and note what it states.

What varies between two pastes of the same error (request IDs, dates, numbers, quoting, JSON
escaping, the exception class a client library wraps it in, traceback frames, HTML around it) is
removed; what stays is the provider's wording, lowercased. The HTTP statuses and error types the
text states are read first, because stripping removes some of them.

Nothing here knows a provider's message: every rule is about the shape of text (JSON, Python and
JavaScript tracebacks, HTTP). `docs/assets/explain.js` runs the same rules in the browser, in the
same order and with the same names (`R1`...); change both together, and the shared corpus in
`tests/fixtures/explain/corpus.yaml` keeps them equal.

Regexes use `re.ASCII` so that `\\w`, `\\d`, `\\b` mean what they mean in JavaScript.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

__all__ = ["MAX_CHARS", "Normalised", "adapt_pattern", "decode", "normalise"]

# A paste longer than this keeps its head and its tail: a traceback's last lines hold the error,
# its first lines often the command; the middle is frames.
MAX_CHARS = 20_000

_A = re.ASCII
_AI = re.ASCII | re.IGNORECASE
_AIM = re.ASCII | re.IGNORECASE | re.MULTILINE


@dataclass(frozen=True)
class Normalised:
    """A pasted error, ready for matching."""

    text: str
    """Normalised text without wrapper prefixes, traceback frames and HTML tags."""
    full: str
    """Normalised text with wrappers, frames and tags kept, for patterns that quote them."""
    joined: str
    """`text` with every line break (and the indentation after it) removed, so a message a terminal
    wrapped in the middle of a word (`"ty\\n    pe"`) reads whole again; `text` keeps a space there,
    which is right for a wrap between words. Patterns run on both."""
    raw: str
    """The decoded paste, lowercased and otherwise untouched; hints are looked up here."""
    decoded: str
    """The decoded paste as it is (NFKC, escapes undone, frames gone); quotes come from here."""
    statuses: tuple[int, ...]
    """HTTP status codes the text states, in order of first appearance."""
    types: tuple[str, ...]
    """Identifiers that may be error types or codes (`authentication_error`, `accessdeniedexception`)."""


# R1 invisible characters: zero-width spaces and BOMs break words apart without showing.
_INVISIBLE = re.compile("[\u200b\u200c\u200d\u2060\ufeff\u00ad]")
# R2 line separators other than \n (after \r\n and \r become \n).
_LINE_SEPARATORS = re.compile("[\u2028\u2029\u0085]")
# R3 escapes of JSON bodies, Python string reprs and bytes reprs; undone up to three times because
# a body quoted inside another body (OpenRouter `metadata.raw`, LiteLLM) is escaped twice.
_ESCAPE = re.compile(r"\\(?:u([0-9a-fA-F]{4})|x([0-9a-fA-F]{2})|([nrt\"'/\\]))", _A)
_ESCAPE_ROUNDS = 3
# R4 HTML character references (proxy error pages).
_ENTITY = re.compile(r"&(?:#([0-9]{1,7})|#x([0-9a-fA-F]{1,6})|(amp|lt|gt|quot|apos|nbsp));", _AI)
_NAMED_ENTITIES = {"amp": "&", "lt": "<", "gt": ">", "quot": '"', "apos": "'", "nbsp": " "}
# R11 terminal frames: the box a terminal UI draws around its output (`│ … │`, `╭──╮`), Claude
# Code's result marker `⎿` and bullets (`⏺ ● ✻`), status glyphs (`✘ ✕ ⚠ ❯`), pictographs at a
# line's start and a quoted or prompted line's leading `> ` are not part of the message. (NFKC
# has already made `ℹ` an `i`.)
_FRAME_GLYPHS = "\u2502\u2503\u254e\u2506\u250a\u23bf\u23fa\u25cf\u273b\u273d\u2736\u2733\u2722\u256d\u256e\u2570\u256f\u251c\u2524\u250c\u2510\u2514\u2518\u2500\u2501\u2550\u254c\u2590\u259b\u259c\u258c\u259d\u2598\u2588\u2718\u2715\u2717\u26a0\u26a1\u276f\u203a"
# Pictographs a tool or a person puts at the start of each line (`🤖 `, `❌ `, `⚠️ `): symbols and
# dingbats, the emoji planes and the emoji variation selector. They are never part of a message.
_PICTOGRAPHS = "\u2600-\u27bf\u2b00-\u2bff\ufe0f\U0001f000-\U0001fbff"
_FRAME_LEAD = re.compile("^[ \t]*(?:[" + _FRAME_GLYPHS + _PICTOGRAPHS + "]+[ \t]*|>[ \t]+)+", re.MULTILINE)
# The same as `[ \t]*G+[ \t]*$`, but a match may only start where a run of blanks starts, or where
# a run of glyphs starts with no blank before it: each run is scanned once (linear, not quadratic).
_FRAME_TAIL = re.compile(
    "(?:(?<![ \t])[ \t]+|(?<![ \t\u2502\u2503\u256e\u256f\u256d\u2570\u2500\u2501]))"
    "[\u2502\u2503\u256e\u256f\u256d\u2570\u2500\u2501]+[ \t]*$",
    re.MULTILINE,
)
# Box-drawing and block glyphs anywhere (a frame's side in the middle of a pasted row, a TUI's logo
# beside the message) are never part of an error: they become a space.
_BOX_GLYPHS = re.compile("[\u2500-\u259f]+")

# R5 statuses: each form a client or server prints a status in. Only 1xx-5xx with context words.
_STATUS_FORMS = [
    re.compile(r"\berror code:? ?([1-5][0-9][0-9])\b", _AIM),  # Stainless SDKs: `Error code: 401 -`
    re.compile(r"\bhttp/[0-9.]+\"? ([1-5][0-9][0-9])\b", _AIM),  # `HTTP/1.1 404 Not Found`, `(HTTP/2 401)`
    re.compile(r"(?:\b|http)status(?:[ _-]?code)?\"?'? ?[:=]? ?\"?'?([1-5][0-9][0-9])\b", _AIM),
    re.compile(r"\bcode\"?'? ?[:=] ?\"?'?([1-5][0-9][0-9])\b", _AIM),  # `"code":401`, `'code': '400'`
    re.compile(r"\bapi error:? ?\(?([1-5][0-9][0-9])\b", _AIM),  # Claude Code `API Error: 401`
    re.compile(r"\bapi error \([^)\n]{1,80}\):? ([1-5][0-9][0-9])\b", _AIM),  # `API Error (model): 400`
    re.compile(r"\(([1-5][0-9][0-9])\)", _AIM),  # `Request rejected (429)`
    re.compile(r"\bhttp(?: error| status)?:? ([1-5][0-9][0-9])\b", _AIM),  # `(HTTP 200)`
    re.compile(
        r"\b([1-5][0-9][0-9]),? (?:unauthorized|forbidden|not found|too many requests|bad request|"
        r"payment required|internal server error|service unavailable|bad gateway|gateway time-?out|"
        r"request time-?out|conflict|unprocessable (?:entity|content)|overloaded|method not allowed|"
        r"(?:request entity|payload|content) too large|precondition failed)\b",
        _AIM,
    ),
    re.compile(r"^[ \t]*error:? ([1-5][0-9][0-9])\b", _AIM),  # JS SDKs: `Error: 401 {...}`
    re.compile(r"^[ \t]*([1-5][0-9][0-9]) [\[{]", _AIM),  # `429 [{"error": ...}]`
]
# R6 identifiers that may name an error type: snake_case, UPPER_SNAKE, `STATUS$...`, CamelCase.
_IDENTIFIER = re.compile(r"[A-Za-z0-9_$]+", _A)
_CAMEL = re.compile(r"^[A-Z][A-Za-z0-9]*[a-z][A-Za-z0-9]*[A-Z]", _A)
_MAX_TYPES = 200

# R7 Python traceback lines and JavaScript stack frames (Node prints ` {` after the last one when
# the error has properties); the exception lines between them stay.
_FRAME_HEAD = re.compile(r"^[ \t]*File \"[^\"\n]*\", line [0-9]+(?:, in .*)?$", _A)
# Possessive blanks (`*+`): a line of blanks is scanned once, not once per split point (linear).
_FRAME_NOISE = re.compile(
    r"^[ \t]*+(?:Traceback \(most recent call last\):?|During handling of the above exception, another "
    r"exception occurred:|The above exception was the direct cause of the following exception:|"
    r"\[Previous line repeated [0-9]+ more times?\]|[~^ ]*\^[~^ ]*+|"
    r"at (?:async )?[^ \n]*(?: \[as [^\]\n]*\])? ?\(?(?:[^()\n]*:[0-9]+:[0-9]+|native|<anonymous>)\)?(?: \{)?)[ \t]*$",
    _A,
)
# R8 HTML: comments, scripts and styles go whole; tags become spaces.
_HTML_BLOCK = re.compile(r"<!--[\s\S]*?-->|<(script|style)\b[^>]*>[\s\S]*?</\1[ \t\n\r\f\v]*>", _AI)
_HTML_TAG = re.compile(r"</?[A-Za-z!][^<>]{0,500}>", _A)
# R9 wrapper prefixes: the exception class a library raises (`anthropic.AuthenticationError:`,
# `botocore.errorfactory.AccessDeniedException:`, `litellm.RateLimitError: RateLimitError:`), the
# Stainless SDKs' `Error code: 401 -`, and botocore's `An error occurred (X) when calling the Y
# operation:`. They start a line or follow a space, a colon or a non-ASCII character (Japanese
# text; NFKC has made a full-width colon ASCII).
_WRAP_START = r"(^|[ \t:]|[^\x00-\x7f])"
# A bare `Error:` counts only at the start of a line: `API Error: 401` is Claude Code's wording.
_WRAP_CLASS = re.compile(
    _WRAP_START + r"(?:(?:[A-Za-z_][A-Za-z0-9_]*\.)*[A-Z][A-Za-z0-9]*(?:Error|Exception|Warning):[ \t]*)+",
    re.ASCII | re.MULTILINE,
)
_WRAP_BARE = re.compile(r"^([ \t]*)Error:[ \t]*", re.ASCII | re.MULTILINE)
_WRAP_CODE = re.compile(_WRAP_START + r"error code: ?[0-9]{3}(?: ?- ?| |$)", _AIM)
_WRAP_BOTO = re.compile(
    _WRAP_START
    + r"an error occurred \([A-Za-z0-9_.]+\) when calling the [A-Za-z0-9_]+ operation"
    + r"(?: \(reached max retries: [0-9]+\))?: ?",
    _AIM,
)

# R10 what varies between two pastes of one error (the text is lowercase by now).
_IDS = re.compile(
    r"\b(?:req|msg|user|org|toolu|chatcmpl|gen|resp|run|sess|call|batch|file|key)[_-][a-z0-9]{6,}\b", _A
)  # kept when it has no digit: `key-generate` is a word, `req_011cs...` an ID
_UUID = re.compile(r"\b[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\b", _A)
_DATETIME = re.compile(
    r"\b[0-9]{4}[-/][0-9]{2}[-/][0-9]{2}(?:[t ][0-9]{2}:[0-9]{2}(?::[0-9]{2}(?:[.,][0-9]+)?)?"
    r"(?:z|[+-][0-9]{2}:?[0-9]{2})?)?\b",
    _A,
)
_TIME = re.compile(r"\b[0-9]{1,2}:[0-9]{2}(?::[0-9]{2}(?:[.,][0-9]+)?z?)?(?: ?[ap]\.?m\b\.?|\b)", _A)
_HEX = re.compile(r"\b[0-9a-f]{16,}\b", _A)
# Keys, tokens and signatures: long runs with letters and digits (a key's prefix goes with it).
# `/` is not part of a run, so resource paths (`projects/p/locations/r/...`) stay.
_TOKEN = re.compile(r"[a-z0-9_+=-]{40,}", _A)
_NUMBER = re.compile(r"[0-9]+(?:[.,][0-9]+)*", _A)
_QUOTES = re.compile(
    "[\"'`\u2018\u2019\u201a\u201b\u201c\u201d\u201e\u201f\u00ab\u00bb\u300c\u300d\u300e\u300f]"
)
_SPACE = re.compile(r"[ \t\n\r\f\v]+", _A)
# R12 a line break and the indentation after it, for `Normalised.joined`.
_LINE_BREAK = re.compile(r"\n[ \t]*", _A)


def normalise(pasted: str) -> Normalised:
    """Normalise a pasted error and read the statuses and types it states."""
    decoded = decode(pasted)
    stripped = _strip_wrappers(decoded)
    return Normalised(
        text=_canon(stripped),
        full=_canon(decoded),
        joined=_canon(_LINE_BREAK.sub("", stripped)),
        raw=decoded.lower(),
        decoded=decoded,
        statuses=_statuses(decoded),
        types=_types(decoded),
    )


def decode(pasted: str) -> str:
    """R0-R4, R11: bounded length, NFKC, one kind of line break, escapes and entities undone,
    terminal frames gone."""
    if len(pasted) > MAX_CHARS:
        half = MAX_CHARS // 2
        pasted = pasted[:half] + "\n" + pasted[-half:]
    # NFKC folds full-width letters, digits, colons and spaces (common in Japanese and Chinese
    # text around an error) into ASCII.
    s = unicodedata.normalize("NFKC", pasted)
    s = _INVISIBLE.sub("", s)
    s = s.replace("\r\n", "\n").replace("\r", "\n")
    s = _LINE_SEPARATORS.sub("\n", s)
    for _ in range(_ESCAPE_ROUNDS):
        undone = _ESCAPE.sub(_unescape, s)
        if undone == s:
            break
        s = undone
    s = _ENTITY.sub(_entity, s)
    return _BOX_GLYPHS.sub(" ", _FRAME_TAIL.sub("", _FRAME_LEAD.sub("", s)))


def _unescape(m: re.Match[str]) -> str:
    if m.group(1):
        code = int(m.group(1), 16)
        # A lone surrogate half cannot be a character in Python; emoji do not matter here.
        return "" if 0xD800 <= code <= 0xDFFF else chr(code)
    if m.group(2):
        code = int(m.group(2), 16)
        # Bytes of a UTF-8 character shown one by one say nothing readable.
        return chr(code) if code < 0x80 else ""
    char = m.group(3)
    return {"n": "\n", "r": "", "t": " "}.get(char, char)


def _entity(m: re.Match[str]) -> str:
    if m.group(3):
        return _NAMED_ENTITIES[m.group(3).lower()]
    code = int(m.group(1)) if m.group(1) else int(m.group(2), 16)
    return chr(code) if 0 < code <= 0x10FFFF and not 0xD800 <= code <= 0xDFFF else ""


def _statuses(decoded: str) -> tuple[int, ...]:
    found: list[tuple[int, int]] = []
    for form in _STATUS_FORMS:
        found += [(m.start(1), int(m.group(1))) for m in form.finditer(decoded)]
    seen: list[int] = []
    for _, code in sorted(found):
        if code not in seen:
            seen.append(code)
    return tuple(seen)


def _types(decoded: str) -> tuple[str, ...]:
    seen: dict[str, None] = {}
    for token in _IDENTIFIER.findall(decoded):
        if not token[0].isalpha():
            continue
        if ("_" in token or "$" in token or _CAMEL.match(token)) and token.strip("_$") == token:
            seen.setdefault(token.lower(), None)
            if len(seen) >= _MAX_TYPES:
                break
    return tuple(seen)


def _strip_wrappers(decoded: str) -> str:
    """R7-R9 on the decoded text: frames, HTML and wrapper prefixes dropped."""
    kept: list[str] = []
    after_frame = False
    for line in decoded.split("\n"):
        if _FRAME_HEAD.match(line):
            after_frame = True
            continue
        # The source line Python prints under a frame is indented; the exception line is not.
        if after_frame and line[:1] in (" ", "\t"):
            after_frame = False
            continue
        after_frame = False
        if _FRAME_NOISE.match(line):
            continue
        kept.append(line)
    s = "\n".join(kept)
    s = _HTML_BLOCK.sub(" ", s)
    s = _HTML_TAG.sub(" ", s)
    s = _WRAP_BOTO.sub(r"\1", s)
    s = _WRAP_BARE.sub(r"\1", s)
    s = _WRAP_CLASS.sub(r"\1", s)
    return _WRAP_CODE.sub(r"\1", s)


def _canon(s: str) -> str:
    """R10: lowercase, drop what varies, numbers to 0, no quotes, single spaces."""
    s = s.lower()
    s = _IDS.sub(_id, s)
    s = _UUID.sub("", s)
    s = _DATETIME.sub("", s)
    s = _TIME.sub("", s)
    s = _TOKEN.sub(_token, s)  # before _HEX: a key whose tail looks like hex goes whole
    s = _HEX.sub("", s)
    s = _NUMBER.sub("0", s)
    s = _QUOTES.sub("", s)
    return _SPACE.sub(" ", s).strip(" ")


def _id(m: re.Match[str]) -> str:
    return "" if any(c.isdigit() for c in m.group(0)) else m.group(0)


def _token(m: re.Match[str]) -> str:
    run = m.group(0)
    # Only runs that mix letters and digits are secrets or signatures; a long model or path
    # name made of words stays.
    has_digit = any(c.isdigit() for c in run)
    has_letter = any(c.isalpha() for c in run)
    return "" if has_digit and has_letter else run


# --- patterns -------------------------------------------------------------------------------
# Guide patterns are written for the normalised text; these two rules make a pattern that was
# written from the verbatim message work anyway: quotes are dropped (the text has none) and
# numbers become 0. Both are skipped inside character classes, escapes and `{m,n}` quantifiers.
_QUOTE_CHARS = frozenset(
    "\"'`\u2018\u2019\u201a\u201b\u201c\u201d\u201e\u201f\u00ab\u00bb\u300c\u300d\u300e\u300f"
)
_QUANTIFIER = re.compile(r"\{[0-9]*(?:,[0-9]*)?\}", _A)
_PATTERN_NUMBER = re.compile(r"[0-9]+(?:[.,][0-9]+)*", _A)
_QUOTE_QUANTIFIER = re.compile(r"(?:[?*+]|\{[0-9]*(?:,[0-9]*)?\})\??", _A)


def adapt_pattern(pattern: str) -> str:
    """A guide pattern made to match the normalised text (quotes dropped, numbers as 0)."""
    out: list[str] = []
    i, n, in_class = 0, len(pattern), False
    while i < n:
        c = pattern[i]
        if c == "\\" and i + 1 < n:
            out.append(pattern[i : i + 2])
            i += 2
            continue
        if in_class:
            out.append(c)
            # A `]` right after `[` is a literal in Python only; validation rejects it, so a `]`
            # always closes the class here.
            if c == "]":
                in_class = False
            i += 1
            continue
        if c == "[":
            in_class = True
            out.append(c)
            i += 1
            continue
        if c == "{":
            q = _QUANTIFIER.match(pattern, i)
            if q:
                out.append(q.group(0))
                i = q.end()
                continue
        if c.isdigit() and c.isascii():
            num = _PATTERN_NUMBER.match(pattern, i)
            assert num is not None  # a digit always starts a number
            out.append("0")
            i = num.end()
            continue
        if c in _QUOTE_CHARS:
            # A quantifier on the dropped quote would otherwise apply to what precedes it.
            q = _QUOTE_QUANTIFIER.match(pattern, i + 1)
            i = q.end() if q else i + 1
            continue
        out.append(c)
        i += 1
    return "".join(out)
