"""Deal stages and user profiles: the small lookup tables that references point at."""

from .build import flag, integer, long_text, record_id, ref, text, timestamps
from .model import Entity, Method, Methods

DEAL_STAGE = Entity(
    key="deal_stage",
    label="Deal stage",
    plural="Deal stages",
    methods=Methods(
        get=Method("getDealStage", "dealStage"),
        list=Method("getDealStages", "dealStage"),
        date_range=Method("getDealStagesDateRange", "dealStage"),
        create="createDealStages",
        delete="deleteDealStages",
        where_keys=("id", "ownerID"),
    ),
    fields=(
        record_id(),
        text("dealStageName", "Name", required=True, searchable=True),
        long_text("description", "Description"),
        integer("defaultProbability", "Default probability"),
        integer("weight", "Weight"),
        flag("isEditable", "Editable"),
        ref("ownerID", "Owner", "user_profile"),
        *timestamps(),
    ),
    name_fields=("dealStageName",),
    columns=("id", "dealStageName", "defaultProbability", "weight"),
)

USER_PROFILE = Entity(
    key="user_profile",
    label="User",
    plural="Users",
    methods=Methods(
        list=Method("getUserProfiles", "userProfile"),
        where_keys=("id", "isActive", "emailAddress"),
    ),
    fields=(
        record_id(),
        text("firstName", "First name", searchable=True),
        text("lastName", "Last name", searchable=True),
        text("displayName", "Display name", searchable=True),
        text("emailAddress", "Email", searchable=True),
        flag("isActive", "Active"),
        flag("isReseller", "Reseller"),
        text("userTimezone", "Time zone"),
        text("phone", "Phone"),
    ),
    name_fields=("displayName",),
    fallback_name="emailAddress",
    columns=("id", "displayName", "emailAddress", "isActive"),
)
