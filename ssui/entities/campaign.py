"""Campaign: where leads came from.

The reference lists no ownerID field for campaigns, yet getCampaigns filters on it, so the
registry carries it (our choice, [INF]).
"""

from .build import day, flag, integer, money, record_id, ref, text, timestamps
from .model import Entity, Method, Methods

CAMPAIGN = Entity(
    key="campaign",
    label="Campaign",
    plural="Campaigns",
    methods=Methods(
        get=Method("getCampaign", "campaign"),
        list=Method("getCampaigns", "campaign"),
        date_range=Method("getCampaignsDateRange", "campaign"),
        create="createCampaigns",
        update="updateCampaigns",
        delete="deleteCampaigns",
        where_keys=("id", "ownerID"),
    ),
    fields=(
        record_id(),
        text("campaignName", "Name", required=True, searchable=True),
        text("campaignType", "Type"),
        text("campaignAlias", "Alias", searchable=True),
        text("campaignOrigin", "Origin"),
        ref("ownerID", "Owner", "user_profile"),
        integer("qty", "Quantity"),
        money("price", "Price"),
        money("goal", "Goal"),
        money("otherCosts", "Other costs"),
        day("startDate", "Start date"),
        day("endDate", "End date"),
        flag("isActive", "Active"),
        *timestamps(),
    ),
    name_fields=("campaignName",),
    sections=(
        ("Campaign", ("campaignName", "campaignType", "campaignAlias", "campaignOrigin",
                      "ownerID", "isActive")),
        ("Dates", ("startDate", "endDate")),
        ("Money", ("qty", "price", "goal", "otherCosts")),
    ),
    columns=("id", "campaignName", "campaignType", "campaignOrigin", "isActive", "startDate",
             "endDate", "goal", "ownerID"),
    custom_relationship="campaign",
)
