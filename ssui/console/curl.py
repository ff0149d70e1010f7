"""A request as a curl command a person can paste into a shell.

The secret key is never in it: the command reads ``$SHARPSPRING_SECRET_KEY`` from the shell
instead, and any copy of the secret in the headers or the body becomes that variable too.
"""

from __future__ import annotations

import shlex
from urllib.parse import urlencode

from .request import CREDENTIALS, Prepared, Target

SECRET_VARIABLE = "SHARPSPRING_SECRET_KEY"
_SECRET_REF = f'"${SECRET_VARIABLE}"'


def _word(text: str, secret: str | None) -> str:
    """One shell word for ``text``, with each copy of ``secret`` read from the variable."""
    if not secret or secret not in text:
        return shlex.quote(text)
    parts = text.split(secret)
    return _SECRET_REF.join(shlex.quote(p) if p else "" for p in parts)


def curl_command(prepared: Prepared, target: Target, *, secret: str | None = None) -> str:
    """The curl command that sends ``prepared`` with the connection's credentials.

    ``secret`` (the connection's, when known) is only used to find copies of it in what the
    user typed; the command never holds it.
    """
    query = {k: v for k, v in prepared.query.items() if k != "secretKey"}
    query.setdefault("accountID", target.account_id)
    ordered = {**{k: v for k, v in query.items() if k not in CREDENTIALS},
               "accountID": query["accountID"]}
    url = f"{prepared.url}?{urlencode(ordered)}&secretKey="
    lines = [f"curl -sS -X {prepared.http_method} {_word(url, secret)}{_SECRET_REF}"]
    for name, value in prepared.headers.items():
        lines.append(f"-H {_word(f'{name}: {value}', secret)}")
    if prepared.content:
        body = prepared.content.decode("utf-8", "replace")
        lines.append(f"--data-raw {_word(body, secret)}")
    return " \\\n  ".join(lines)
