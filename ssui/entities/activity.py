"""Events: what leads did (page visits, form fills, email opens ...)."""

from .build import blob, choice, moment, record_id, ref, text
from .model import Entity, Method, Methods

EVENT_SOURCES = (
    "callConvert", "cartComplete", "changeLeadStatus", "dealStageChange", "emailSent",
    "emailOpened", "emailClick", "emailBounce", "emailSpamComplaint", "emailUnsubscribe",
    "emailVisit", "formSubmit", "importantPageVisit", "incomingCall", "leadCreation",
    "leadOwnerChange", "mailboxRecv", "mailboxSend", "mailboxEmailOpen", "mediaOpen",
    "oppCreate", "oppLost", "oppWon", "outgoingCall", "pageVisit", "referredOnTheForm",
    "shoppingCartAbandoned",
)

EVENT = Entity(
    key="event",
    label="Event",
    plural="Events",
    methods=Methods(
        list=Method("getEvents", "event"),
        where_keys=("leadID", "createTimestamp"),
    ),
    fields=(
        record_id(),
        ref("leadID", "Lead", "lead", required=True),
        text("eventName", "Event", required=True, searchable=True),
        choice("eventSource", "Kind", EVENT_SOURCES),
        text("whatID", "What ID"),
        text("whatType", "What type"),
        blob("eventData", "Data"),
        moment("createTimestamp", "When", required=True),
    ),
    name_fields=("eventName",),
    columns=("id", "createTimestamp", "eventSource", "eventName", "leadID"),
)

# getEventsByType: one call per comma-separated eventSource list; result key unknown ([INF]).
EVENTS_BY_TYPE = Method("getEventsByType", "event")

# getLeadTimeline: one lead's history, newest last; shape seen once (RM, [S1]).
LEAD_TIMELINE = Method("getLeadTimeline", "leadTimeline")
