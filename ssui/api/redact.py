"""Keep the secret key out of everything a person or a log file can see.

SharpSpring takes the secret in the query string, so every request URL carries it; httpx puts
that URL into its exceptions and its own log lines. Anything shown goes through here first.
"""

from __future__ import annotations

import logging
import re
from urllib.parse import quote, quote_plus

MASK = "***"

# secretKey=<value> up to the next separator, in a URL or in free text (case-insensitive,
# since some tools lower-case query names). A backslash ends it too, so that in JSON text the
# escape of a following quote is kept and the text stays valid JSON.
_SECRET_PARAM = re.compile(r"(secretKey=)[^&#\s\"'<>\\]*", re.IGNORECASE)


def redact_url(url: object) -> str:
    """The URL as text with the ``secretKey`` query value replaced by ``***``."""
    return _SECRET_PARAM.sub(rf"\g<1>{MASK}", str(url))


def redact(text: object, secret: str | None) -> str:
    """``text`` with the secret (plain or URL-encoded) and any secretKey= value masked."""
    out = redact_url(text)
    if secret:
        for form in {secret, quote(secret, safe=""), quote_plus(secret)}:
            out = out.replace(form, MASK)
    return out


class RedactingFilter(logging.Filter):
    """A log filter that masks secretKey values in a record's final message.

    Installed on the ``httpx`` logger, whose INFO line for every request prints the full URL.
    """

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        if "secretkey=" in message.lower():
            record.msg = redact_url(message)
            record.args = None
        return True


_FILTER = RedactingFilter()


def guard_logger(name: str = "httpx") -> None:
    """Attach the redacting filter to a logger once (idempotent)."""
    logger = logging.getLogger(name)
    if _FILTER not in logger.filters:
        logger.addFilter(_FILTER)
