"""The request console's core: building requests, the method catalogue, history, curl.

No textual here: the app's Console tab and ``ssui call`` (``--history``, ``--curl``) both
build on it. A request is plain text (``ConsoleRequest``); ``prepare`` checks it against a
connection's ``Target``, ``send`` puts it through the session's one client, ``summarize``
reads the answer, and ``History`` / ``SavedRequests`` keep requests per connection.
"""

from .catalogue import CATALOGUE, METHOD_NAMES, MethodInfo, Shape, complete, is_write, lookup
from .catalogue import template as params_template
from .curl import SECRET_VARIABLE, curl_command
from .history import History, HistoryEntry, SavedRequest, SavedRequests, console_dir
from .request import (
    HTTP_METHODS,
    ConsoleRequest,
    Mode,
    Prepared,
    RequestProblem,
    Target,
    parse_params,
    prepare,
)
from .response import NOT_JSON, ErrorInfo, Exchange, Failure, Summary, next_page, summarize
from .sending import send, target_of

__all__ = [
    "CATALOGUE", "HTTP_METHODS", "METHOD_NAMES", "NOT_JSON", "SECRET_VARIABLE",
    "ConsoleRequest", "ErrorInfo", "Exchange", "Failure", "History", "HistoryEntry",
    "MethodInfo", "Mode", "Prepared", "RequestProblem", "SavedRequest", "SavedRequests",
    "Shape", "Summary", "Target", "complete", "console_dir", "curl_command", "is_write",
    "lookup", "next_page", "params_template", "parse_params", "prepare", "send",
    "summarize", "target_of",
]
