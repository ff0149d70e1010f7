"""The entity registry: one description per SharpSpring entity.

Every layer reads field lists, labels, types and API method names from here.
"""

from __future__ import annotations

from collections.abc import Mapping

from .account import ACCOUNT
from .activity import EVENT, EVENT_SOURCES, EVENTS_BY_TYPE, LEAD_TIMELINE
from .campaign import CAMPAIGN
from .custom import DATA_TYPE_OF, DATA_TYPES, custom_field, custom_fields_for
from .email import EMAIL, EMAIL_EVENT, EMAIL_JOB, EMAIL_LISTING
from .field_meta import FIELD, RELATIONSHIPS
from .lead import LEAD, LEAD_STATUSES
from .lists import LIST, LIST_MEMBER
from .model import Entity, Field, Kind, Method, Methods, Where
from .opportunity import OPPORTUNITY, OPPORTUNITY_LEAD
from .people import DEAL_STAGE, USER_PROFILE

REGISTRY: Mapping[str, Entity] = {
    e.key: e
    for e in (
        LEAD, ACCOUNT, CAMPAIGN, OPPORTUNITY, OPPORTUNITY_LEAD, DEAL_STAGE, USER_PROFILE,
        FIELD, EVENT, EMAIL, EMAIL_LISTING, EMAIL_JOB, EMAIL_EVENT, LIST, LIST_MEMBER,
    )
}

# The four entities a person browses and edits, in tab order.
BROWSABLE: tuple[Entity, ...] = (LEAD, ACCOUNT, CAMPAIGN, OPPORTUNITY)


def entity(key: str) -> Entity:
    """The entity registered under ``key`` ("lead", "deal_stage", ...)."""
    try:
        return REGISTRY[key]
    except KeyError:
        known = ", ".join(REGISTRY)
        raise KeyError(f"no entity {key!r}; known: {known}") from None


def entity_for_method(method: str) -> Entity | None:
    """The entity whose get/list/date-range/write method is ``method``, if any."""
    for e in REGISTRY.values():
        m = e.methods
        names = {m.create, m.update, m.delete}
        names.update(x.name for x in (m.get, m.list, m.date_range) if x is not None)
        if method in names:
            return e
    return None


__all__ = [
    "ACCOUNT", "BROWSABLE", "CAMPAIGN", "DATA_TYPES", "DATA_TYPE_OF", "DEAL_STAGE", "EMAIL",
    "EMAIL_EVENT", "EMAIL_JOB", "EMAIL_LISTING", "EVENT", "EVENTS_BY_TYPE", "EVENT_SOURCES",
    "FIELD", "LEAD", "LEAD_STATUSES", "LEAD_TIMELINE", "LIST", "LIST_MEMBER", "OPPORTUNITY",
    "OPPORTUNITY_LEAD",
    "REGISTRY", "RELATIONSHIPS", "USER_PROFILE", "Entity", "Field", "Kind", "Method", "Methods",
    "Where", "custom_field", "custom_fields_for", "entity", "entity_for_method",
]
