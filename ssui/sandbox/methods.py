"""The method table: every API method the sandbox answers, by name.

Each registry entity's methods are served generically (records.py); the modules for leads,
fields, events, emails and lists replace or add the methods that behave differently.
"""

from __future__ import annotations

from collections.abc import Mapping

from ..entities import REGISTRY
from . import emails, events, fields, leads, lists
from .records import generic_handlers
from .reply import Handler


def build_handlers() -> Mapping[str, Handler]:
    table: dict[str, Handler] = {}
    for e in REGISTRY.values():
        table.update(generic_handlers(e))
    for module in (leads, fields, events, emails, lists):
        table.update(module.HANDLERS)
    # The registry lists addListMembers/removeListMembers as list_member's create/delete;
    # lists.py serves them with their {listID, memberID} objects.
    return table
