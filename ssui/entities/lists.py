"""Lists and their members."""

from .build import flag, integer, long_text, moment, record_id, ref, text
from .model import Entity, Method, Methods

LIST = Entity(
    key="list",
    label="List",
    plural="Lists",
    methods=Methods(
        list=Method("getActiveLists", "activeList"),
        create="createList",
        update="updateList",
        delete="deleteList",
        where_keys=("id",),
    ),
    fields=(
        record_id(),
        text("name", "Name", required=True, searchable=True),
        long_text("description", "Description"),
        integer("memberCount", "Members", read_only=True),
        integer("removedCount", "Removed", read_only=True),
        moment("createTimestamp", "Created", read_only=True),
    ),
    name_fields=("name",),
    columns=("id", "name", "memberCount", "removedCount", "createTimestamp"),
)

LIST_MEMBER = Entity(
    key="list_member",
    label="List member",
    plural="List members",
    methods=Methods(
        list=Method("getListMembers", "getWherelistMemberGets"),
        create="addListMembers",
        delete="removeListMembers",
        where_keys=("id",),
    ),
    fields=(
        record_id(),
        ref("listID", "List", "list", required=True),
        # addListMember(s) take memberID; getListMembers answers with leadID.
        ref("memberID", "Member", "lead", required=True),
        ref("leadID", "Lead", "lead", read_only=True),
        text("firstName", "First name", read_only=True, searchable=True),
        text("lastName", "Last name", read_only=True, searchable=True),
        text("emailAddress", "Email", read_only=True, searchable=True),
        text("companyName", "Company", read_only=True),
        flag("isRemoved", "Removed", read_only=True),
    ),
    name_fields=("firstName", "lastName"),
    fallback_name="emailAddress",
    columns=("id", "listID", "leadID", "emailAddress"),
)
