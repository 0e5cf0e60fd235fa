"""Masking and terminal safety: no output ever carries a full secret or a control character.

Three layers, each cheap:

- `mask(value)` is how a secret is shown: a public prefix, `…`, the last 4 characters, a fingerprint.
- `Scrubber` runs over every finished output (text, JSON, NDJSON, report, log records). It masks
  every rendering of each known secret (raw, `repr`/bytes-escaped as in httpx's "Illegal header
  value b'…'", JSON-escaped, URL-encoded, each line of a secret split at a line break), then any
  key-shaped token even if no setting holds it (`sk-…`, `AKIA…`, AWS secret keys, `ya29.…`, JWTs),
  then every URL's user-info and every secret-named query parameter (`api_key=…`), then shows
  control characters as escapes.
- `clip(text, n)` masks first and cuts after, so a cut can never leave the middle of a key behind;
  `clean(text)` makes one external string (a server message, a header, a settings value) safe to
  print on one line.

Every pattern here runs in linear time on any input (tests/test_adversarial_patterns.py).
"""

from __future__ import annotations

import json
import re
import sys
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import logging
    from importlib.machinery import ModuleSpec
    from types import ModuleType

# Names that hold credentials even when no check marks them secret.
SECRET_NAME = re.compile(r"(KEY|TOKEN|SECRET|PASSWORD|CREDENTIAL|AUTH|PASSWD|COOKIE|HEADERS)", re.I)

# Public prefixes a mask may show whole: they name the kind of key and are printed in every guide.
PUBLIC_PREFIXES = (
    "sk-ant-api03-",
    "sk-ant-admin01-",
    "sk-ant-oat01-",
    "sk-ant-",
    "sk-or-v1-",
    "sk-proj-",
    "sk-svcacct-",
    "sk-admin-",
    "sk-",
    "AKIA",
    "ASIA",
    "ABSK",
    "ya29.",
    "GOCSPX-",
    "AIza",
    "eyJ",
    "1//0",
)
# A mask shows at most this many characters of a value that starts with no public prefix, so no
# run of 12 characters of any secret is ever printed.
_HEAD = 6


def fingerprint(value: str) -> str:
    """Short SHA-256, enough to tell two keys apart in a support thread."""
    import hashlib  # costs 10 ms at start-up; most runs mask nothing

    return hashlib.sha256(value.encode("utf-8", "surrogatepass")).hexdigest()[:8]


def mask(value: str) -> str:
    """`sk-ant-api03-…wXyZ (sha256:1a2b3c4d)`: a public prefix, the last 4 characters, a fingerprint.

    Short values show almost nothing: the tail appears only from 24 characters on, and a value
    without a public prefix shows at most a few leading characters.
    """
    if not value:
        return "(empty)"
    n = len(value)
    head = next((p for p in PUBLIC_PREFIXES if value.startswith(p) and len(p) <= n // 2), "")
    if not head:
        head = value[: min(_HEAD, n // 4)]
    tail = value[-4:] if n >= 24 else value[-2:] if n >= 12 else ""
    return f"{_plain(head)}…{_plain(tail)} (sha256:{fingerprint(value)})"


def _plain(part: str) -> str:
    # Only plain characters are shown, so a mask is safe inside JSON, Markdown, a URL or a terminal.
    return "".join(c if c.isascii() and (c.isalnum() or c in "-_./+=") else "*" for c in part)


# Switches whose names mention a secret without holding one (`CLAUDE_CODE_SKIP_VERTEX_AUTH=1`).
_SWITCH = re.compile(
    r"(^|_)(SKIP|USE|DISABLE|ENABLE|NO)_|_(ENABLED|DISABLED|MODE|TYPE|METHOD|FILE|PATH|URL)$", re.I
)


# Variables that name a credentials *file*: the reader must see the path to fix it; the file's contents
# are the secret (`check.files.file_secrets` adds them, and the value itself when it is not a path).
PATH_NAMES = frozenset({"GOOGLE_APPLICATION_CREDENTIALS", "CLAUDE_CODE_CLIENT_KEY"})


def is_secret_name(name: str) -> bool:
    return bool(SECRET_NAME.search(name)) and not _SWITCH.search(name) and name.upper() not in PATH_NAMES


def looks_like_path(value: str) -> bool:
    """A file path as a person writes one (`/…`, `~/…`, `./…`, `C:\\…`, `key.json`), not pasted contents."""
    v = value.strip()
    if not v or "\n" in v or v.startswith("{") or len(v) > 4096:
        return False
    return v[0] in "/~." or (len(v) > 2 and v[1] == ":" and v[2] in "\\/") or v.lower().endswith(".json")


def is_reference(value: str) -> bool:
    """A value that names where a secret is instead of holding it (`os.environ/KEY`, `${KEY}`, `$KEY`)."""
    return bool(_REFERENCE.fullmatch(value.strip()))


_REFERENCE = re.compile(
    r"os\.environ/[A-Za-z_][A-Za-z0-9_]{0,100}|\$\{[A-Z_][A-Z0-9_]{0,100}\}|\$[A-Z_][A-Z0-9_]{0,100}"
)


# --- URLs ----------------------------------------------------------------------------------------

# Characters that end a URL in running text (JSON quotes and escapes, Markdown table bars included).
_URL_END = re.compile(r"[\s\"'<>`|\\{}\[\]^]")


def _scheme_start(text: str, colon: int) -> int:
    """Start of the scheme that ends at `colon` (`https` in `https://`), or -1 when there is none."""
    start = colon
    while start > 0 and colon - start < 32:
        c = text[start - 1]
        if not (c.isascii() and (c.isalnum() or c in "+.-")):
            break
        start -= 1
    return start if start < colon and text[start].isascii() and text[start].isalpha() else -1


def _urls(text: str) -> Iterable[tuple[int, int, int]]:
    """(scheme start, authority start, end) of every `scheme://…` in `text`, in one linear pass."""
    pos = 0
    while True:
        sep = text.find("://", pos)
        if sep < 0:
            return
        end_match = _URL_END.search(text, sep + 3)
        end = end_match.start() if end_match else len(text)
        start = _scheme_start(text, sep)
        if start >= 0:
            yield start, sep + 3, end
        pos = max(end, sep + 3)


def url_credentials(value: str) -> list[str]:
    """The user-info parts of URLs in `value` (`user:password`, and the password alone)."""
    found: list[str] = []
    for _, auth, end in _urls(value):
        authority = value[auth:end]
        for stop in "/?#":
            cut = authority.find(stop)
            if cut >= 0:
                authority = authority[:cut]
        at = authority.rfind("@")
        if at <= 0:
            continue
        userinfo = authority[:at]
        found.append(userinfo)
        if ":" in userinfo:
            found.append(userinfo.split(":", 1)[1])
    return found


def url_queries(value: str) -> list[str]:
    """The query strings of URLs in `value`, and each parameter's value in them: a base URL's
    `?api_key=…` is a secret wherever the request line is echoed."""
    found: list[str] = []
    for _, auth, end in _urls(value):
        url = value[auth:end]
        q = url.find("?")
        if q < 0:
            continue
        query = url[q + 1 :].split("#", 1)[0]
        found.append(query)
        found += [part.split("=", 1)[1] for part in query.split("&") if "=" in part]
    return found


# `?name=value` / `&name=value` anywhere (a URL, a request line, a log): the name is looked at in code.
_PARAM = re.compile(r"([?&;]([A-Za-z0-9_.\-]{1,64})=)([^\s&#\"'<>|\\;]+)")
_SECRET_PARAM = re.compile(r"key|token|secret|passw|sig|auth|credential|code|session", re.I)


def _param(m: re.Match[str]) -> str:
    return m.group(1) + "…" if _SECRET_PARAM.search(m.group(2)) else m.group(0)


def redact_urls(text: str) -> str:
    """Every URL without its user-info, and every secret-named query parameter (`api_key=`,
    `token=`, `sig=`…) without its value, in URLs and echoed request lines alike."""
    if "=" in text:
        text = _PARAM.sub(_param, text)
    if "://" not in text:
        return text
    out: list[str] = []
    last = 0
    for _, auth, end in _urls(text):
        url = text[auth:end]
        rest_at = min((i for i in (url.find("/"), url.find("?"), url.find("#")) if i >= 0), default=len(url))
        authority, rest = url[:rest_at], url[rest_at:]
        at = authority.rfind("@")
        if at >= 0:
            authority = "…@" + authority[at + 1 :]
        if authority + rest != url:
            out.append(text[last:auth])
            out.append(authority + rest)
            last = end
    out.append(text[last:])
    return "".join(out)


# --- key-shaped tokens ---------------------------------------------------------------------------

# Each alternative is a literal prefix followed by one character class: no nested or overlapping
# repetition, so the engine never backtracks more than the class's run.
_SHAPED = re.compile(
    r"(?<![A-Za-z0-9_\-])(?:"
    r"sk-[A-Za-z0-9_\-]{16,}"  # Anthropic, OpenAI, OpenRouter, LiteLLM virtual keys
    r"|(?:AKIA|ASIA|ABIA|ACCA)[A-Z0-9]{16}(?![A-Za-z0-9])"  # AWS access key IDs
    r"|ABSK[A-Za-z0-9+/=]{20,}"  # Bedrock API keys
    r"|ya29\.[A-Za-z0-9_\-.]{10,}"  # Google OAuth access tokens
    r"|1//0[A-Za-z0-9_\-]{20,}"  # Google refresh tokens
    r"|GOCSPX-[A-Za-z0-9_\-]{10,}"  # Google OAuth client secrets
    r"|AIza[A-Za-z0-9_\-]{30,}"  # Google API keys
    r"|gh[pousr]_[A-Za-z0-9]{30,}"  # GitHub tokens
    r"|eyJ[A-Za-z0-9_\-]{6,}\.[A-Za-z0-9_\-]{6,}\.[A-Za-z0-9_\-]*"  # JWTs
    r")"
)
# An AWS secret access key: 40 characters of base64 with upper, lower and digits (a commit hash or
# a fingerprint has no upper case).
_AWS_SECRET = re.compile(r"(?<![A-Za-z0-9/+=])[A-Za-z0-9/+]{40}(?![A-Za-z0-9/+=])")


def _aws_secret(m: re.Match[str]) -> str:
    s = m.group(0)
    if any(c.isupper() for c in s) and any(c.islower() for c in s) and any(c.isdigit() for c in s):
        return mask(s)
    return s


def mask_shapes(text: str) -> str:
    """Every key-shaped token in `text` masked, whether or not any setting holds it."""
    text = _SHAPED.sub(lambda m: mask(m.group(0)), text)
    return _AWS_SECRET.sub(_aws_secret, text) if len(text) >= 40 else text


# A value after a credential's label in pasted text (`x-api-key: abc123`, `Bearer abc`, `api_key=…`).
_LABELLED = re.compile(
    r"(?i)(\b(?:x-api-key|api[-_ ]?key|authorization|access[-_ ]?token|auth[-_ ]?token|password|secret"
    r"|bearer|token)(?:[\"']?\s*[:=]\s*[\"']?(?:bearer\s+)?|\s+(?=[A-Za-z0-9_\-.]*\d)))"
    r"([^\s\"',;&<>]{4,})"
)


# A credential header as a server or a library echoes it (`authorization: Bearer abc`); a
# placeholder (`$ANTHROPIC_API_KEY`, `<key>`, `{key}`) in a guide's fix stays as written.
# The name stands on its own: a check ID ending in `…-api-key` before its `: message` is no header.
_HEADER = re.compile(
    r"(?i)((?<![\w/])(?<!\w-)(?:proxy-)?(?:authorization|x-api-key|api-key|x-goog-api-key)[\"']?\s*[:=]\s*[\"']?"
    r"(?:bearer\s+|basic\s+)?)([^\s\"',;&<>`()\[\]]{6,})"
)


def _header(m: re.Match[str]) -> str:
    value = m.group(2)
    shown = value[0] in "$<{" or "…" in value or value.lower() in ("bearer", "basic")
    return m.group(0) if shown else m.group(1) + mask(value)


def mask_headers(text: str) -> str:
    """The value of every credential header in `text` masked, however short."""
    return _HEADER.sub(_header, text) if ":" in text or "=" in text else text


def redact_pasted(text: str) -> str:
    """Pasted text shown back (`explain`'s quotes): key shapes, URLs and any value after a
    credential's label masked, however short."""
    return redact_urls(_LABELLED.sub(lambda m: m.group(1) + mask(m.group(2)), mask_shapes(text)))


# --- control characters --------------------------------------------------------------------------

# C0/C1 controls, DEL, format characters (bidi overrides and isolates, zero-width, BOM, tags),
# line/paragraph separators and lone surrogates (bytes a variable held that were not UTF-8).
_CONTROL_CLASS = (
    "\x00-\x1f\x7f-\x9f\u00ad\u034f\u061c\u115f\u1160\u17b4\u17b5\u180b-\u180f\u200b-\u200f"
    "\u2028-\u202e\u2060-\u206f\u3164\ufe00-\ufe0f\ufeff\uffa0\ufff0-\ufffb\ud800-\udfff"
    "\U0001d173-\U0001d17a\U000e0000-\U000e0fff"
)
_CONTROL = re.compile(f"[{_CONTROL_CLASS}]")
_CONTROL_BUT_LINES = re.compile(f"[\x00-\x08\x0b-\x1f{_CONTROL_CLASS[len(chr(0) + '-' + chr(0x1F)) :]}]")


_SHORT = {0x0A: "\\n", 0x0D: "\\r", 0x09: "\\t"}


def _escape(m: re.Match[str]) -> str:
    # JSON's spelling, so an escaped character inside a JSON string stays valid JSON.
    code = ord(m.group(0))
    if code in _SHORT:
        return _SHORT[code]
    if code > 0xFFFF:
        code -= 0x10000
        return f"\\u{0xD800 + (code >> 10):04x}\\u{0xDC00 + (code & 0x3FF):04x}"
    return f"\\u{code:04x}"


def clean(text: str) -> str:
    """One external string made safe to print on one line: every control, format or
    line-breaking character shown as a visible `\\uXXXX` escape."""
    return _CONTROL.sub(_escape, text)


def clean_block(text: str) -> str:
    """A whole output made safe for a terminal: like `clean`, but line breaks and tabs stay."""
    return _CONTROL_BUT_LINES.sub(_escape, text)


# --- the scrubber --------------------------------------------------------------------------------

_PLAIN_RUN = re.compile(r"[A-Za-z0-9_\-.]{12,}")


def _random_looking(run: str) -> bool:
    """A run that mixes at least two of lower case, upper case and digits: key material, not a
    word or a variable name (`ANTHROPIC_API_KEY` inside `os.environ/ANTHROPIC_API_KEY`)."""
    kinds = (any(c.islower() for c in run), any(c.isupper() for c in run), any(c.isdigit() for c in run))
    return sum(kinds) >= 2


_LINE_BREAK = re.compile("\r\n|[\r\n\x0b\x0c\x85\u2028\u2029]")
# Very short values would scrub ordinary words; such "secrets" are masked where they are shown.
_MIN_SECRET = 8


def renderings(secret: str) -> set[str]:
    """Every way `secret` may be spelled in an output: raw, escaped by `repr` (of the text or of its
    bytes, as httpx reports an illegal header value), by JSON, by URL encoding, by the report's
    table, by `clean`, and each of these once more inside a JSON string."""
    raw = secret.encode("utf-8", "surrogateescape") if _encodable(secret) else None
    base = {secret, repr(secret)[1:-1], clean(secret), secret.replace("|", "\\|")}
    if raw is not None:
        base.add(repr(raw)[2:-1])
        base.add(raw.decode("latin-1"))
    out: set[str] = set()
    for form in base:
        once = json.dumps(form, ensure_ascii=False)[1:-1]
        out |= {
            form,
            once,
            json.dumps(form)[1:-1],
            json.dumps(once, ensure_ascii=False)[1:-1],  # a JSON message inside a JSON document
            *_quoted(form),
        }
    return {form for form in out if len(form) >= _MIN_SECRET}


def _quoted(form: str) -> tuple[str, ...]:
    from urllib.parse import quote, quote_plus

    raw = form.encode("utf-8", "surrogatepass")  # a lone surrogate is still spelled somehow
    return quote(raw, safe=""), quote(raw), quote_plus(raw)


def _encodable(text: str) -> bool:
    try:
        text.encode("utf-8", "surrogateescape")
    except UnicodeEncodeError:
        return False
    return True


class Scrubber:
    """Masks every known secret in any rendering, key-shaped tokens, URL queries and user-info, and
    shows control characters as escapes."""

    def __init__(self, secrets: Iterable[str] = ()) -> None:
        self._secrets: dict[str, str] = {}
        self._ordered: list[str] | None = None
        for s in secrets:
            self.add(s)

    def add(self, secret: str) -> None:
        if not isinstance(secret, str) or not secret:
            return
        stripped = secret.strip().strip("'\"").strip()
        shown = mask(stripped or secret)
        pieces = {secret, stripped}
        # A secret split at a line break is printed line by line: each line is a secret too.
        for form in (secret, stripped):
            pieces |= {p for p in _LINE_BREAK.split(form) if len(p.strip()) >= 8}
            pieces |= {p.strip() for p in _LINE_BREAK.split(form) if len(p.strip()) >= 8}
            # Long runs of plain characters too: however the characters around them are escaped,
            # these are printed as they are.
            pieces |= {m.group(0) for m in _PLAIN_RUN.finditer(form) if _random_looking(m.group(0))}
        for piece in pieces:
            if len(piece) < 8 and piece != stripped:
                continue
            if len(piece) < _MIN_SECRET:
                continue
            for form in renderings(piece):
                self._secrets.setdefault(form, shown)
        self._ordered = None

    def known(self) -> list[str]:
        """The secrets' renderings, longest first (longer ones contain shorter ones)."""
        if self._ordered is None:
            self._ordered = sorted(self._secrets, key=len, reverse=True)
        return self._ordered

    def mask_known(self, text: str) -> str:
        for secret in self.known():
            if secret in text:
                text = text.replace(secret, self._secrets[secret])
        return text

    def __call__(self, text: str) -> str:
        return clean_block(redact_urls(mask_headers(mask_shapes(self.mask_known(text)))))


_ACTIVE: list[Scrubber] = []


def active() -> Scrubber:
    """The scrubber of the current run (key shapes only before a run has set one)."""
    return _ACTIVE[0] if _ACTIVE else Scrubber()


def clip(text: str, limit: int = 200) -> str:
    """`text` masked (known secrets, key shapes, URL queries), made one printable line, then cut to
    `limit` characters: masking first means a cut never leaves part of a key behind."""
    done = clean(redact_urls(mask_headers(mask_shapes(active().mask_known(text)))))
    return done if len(done) <= limit else done[: limit - 1] + "…"


def scrub_logs(scrub: Scrubber) -> None:
    """From now on every log record, whoever emits it (httpx, botocore, python-dotenv...) and at any
    level, is scrubbed as it is made, traceback included; `clip` uses the same secrets. Records from
    probes abandoned at the deadline, which may come after the run, are covered too; a later run's
    scrubber replaces this one."""
    if _ACTIVE:
        _ACTIVE[0] = scrub
        return
    _ACTIVE.append(scrub)
    if "logging" in sys.modules:
        _guard(sys.modules["logging"])
    else:
        # Importing logging (and the traceback machinery it pulls in) is a tenth of an offline
        # run's start-up, and most runs never log; so the guard goes in the moment anything
        # imports logging, before that importer can make a record.
        sys.meta_path.insert(0, _OnImport("logging", _guard))


def _guard(module: ModuleType) -> None:
    previous = module.getLogRecordFactory()

    def factory(*args: Any, **kwargs: Any) -> logging.LogRecord:
        return _scrubbed(previous(*args, **kwargs), _ACTIVE[0])

    module.setLogRecordFactory(factory)


class _OnImport:
    """A finder that lets one module import as usual, then hands it to `then` before any importer
    sees it; it serves once and steps aside."""

    def __init__(self, name: str, then: Callable[[ModuleType], None]) -> None:
        self.name = name
        self.then = then

    def find_spec(self, fullname: str, path: object = None, target: object = None) -> ModuleSpec | None:
        if fullname != self.name:
            return None
        from importlib.util import find_spec

        sys.meta_path.remove(self)
        spec = find_spec(fullname)
        if spec is not None and spec.loader is not None:
            spec.loader = _ThenLoader(spec.loader, self.then)  # type: ignore[assignment]
        return spec


class _ThenLoader:
    """The module's own loader, with `then(module)` run once the module is executed."""

    def __init__(self, loader: Any, then: Callable[[ModuleType], None]) -> None:
        self.loader = loader
        self.then = then

    def create_module(self, spec: ModuleSpec) -> ModuleType | None:
        created: ModuleType | None = self.loader.create_module(spec)
        return created

    def exec_module(self, module: ModuleType) -> None:
        self.loader.exec_module(module)
        self.then(module)


def _scrubbed(record: logging.LogRecord, scrub: Callable[[str], str]) -> logging.LogRecord:
    try:
        message = record.getMessage()
    except Exception:  # a malformed call is logging's to report, not ours to crash on
        message = str(record.msg)
    record.msg, record.args = scrub(message), None
    if record.exc_info and record.exc_info[0] is not None:
        import traceback

        record.exc_text = scrub("".join(traceback.format_exception(*record.exc_info))).rstrip("\n")
        record.exc_info = None
    if record.stack_info:
        record.stack_info = scrub(record.stack_info)
    return record
