"""Emails, their listings, send jobs and the events (opens) they produce."""

from .build import flag, integer, long_text, moment, record_id, ref, text
from .model import Entity, Method, Methods, Where

EMAIL = Entity(
    key="email",
    label="Email",
    plural="Emails",
    methods=Methods(
        get=Method("getEmail", "email"),
        create="createEmail",
        update="updateEmail",
        delete="deleteEmail",
    ),
    fields=(
        record_id(),
        text("emailName", "Name", required=True, searchable=True),
        text("subject", "Subject", required=True, searchable=True),
        text("fromName", "From name", required=True),
        text("fromEmail", "From email", required=True),
        text("replyTo", "Reply to"),
        long_text("html", "HTML", required=True),
        text("unsubCategory", "Unsubscribe category"),
        flag("contactManager", "Contact manager"),
        flag("repeatable", "Repeatable"),
        flag("fromLeadOwner", "From lead owner"),
    ),
    name_fields=("emailName",),
    columns=("id", "emailName", "subject", "fromEmail"),
)

EMAIL_LISTING = Entity(
    key="email_listing",
    label="Email listing",
    plural="Email listings",
    methods=Methods(
        list=Method("getEmailListing", "getAllemailListings"),
        where_keys=("id",),
        where=Where.OPTIONAL,
    ),
    fields=(
        record_id(),
        text("title", "Title", searchable=True),
        text("subject", "Subject", searchable=True),
        text("thumbnail", "Thumbnail"),
        moment("createTimestamp", "Created", read_only=True),
    ),
    name_fields=("title",),
    columns=("id", "title", "subject", "createTimestamp"),
)

EMAIL_JOB = Entity(
    key="email_job",
    label="Email job",
    plural="Email jobs",
    methods=Methods(list=Method("getEmailJobs", "getAllgetEmailJobss"), where=Where.NONE),
    fields=(
        record_id(),
        ref("emailID", "Email", "email"),
        flag("isList", "To a list"),
        flag("isActive", "Active"),
        integer("recipientID", "Recipient"),
        integer("sendCount", "Sent"),
        flag("confirmedSend", "Confirmed"),
        flag("allowDuplicates", "Duplicates allowed"),
        moment("createTimestamp", "Created", read_only=True),
    ),
    columns=("id", "emailID", "sendCount", "createTimestamp"),
)

# getEmailEvents takes {emailJobID, eventType}; MXTR reads result.lead[] ([S1]).
EMAIL_EVENT = Entity(
    key="email_event",
    label="Email event",
    plural="Email events",
    methods=Methods(list=Method("getEmailEvents", "lead"), where=Where.NONE),
    fields=(
        ref("leadID", "Lead", "lead"),
        ref("emailID", "Email", "email"),
        ref("emailJobID", "Email job", "email_job"),
        moment("createDate", "When"),
        text("emailAddress", "Email address", searchable=True),
    ),
    id_field=None,
    columns=("createDate", "emailAddress", "emailID", "leadID"),
)
