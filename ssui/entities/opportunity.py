"""Opportunity: a deal in the pipeline, and the leads attached to it."""

from .build import day, decimal, flag, money, record_id, ref, text, timestamps
from .model import Entity, Method, Methods

OPPORTUNITY = Entity(
    key="opportunity",
    label="Opportunity",
    plural="Opportunities",
    methods=Methods(
        get=Method("getOpportunity", "opportunity"),
        list=Method("getOpportunities", "opportunity"),
        date_range=Method("getOpportunitiesDateRange", "opportunity"),
        create="createOpportunities",
        update="updateOpportunities",
        delete="deleteOpportunities",
        where_keys=("id", "ownerID", "dealStageID", "accountID", "campaignID"),
    ),
    fields=(
        record_id(),
        text("opportunityName", "Name", required=True, searchable=True),
        ref("ownerID", "Owner", "user_profile", required=True),
        ref("dealStageID", "Deal stage", "deal_stage", required=True),
        ref("accountID", "Account", "account"),
        ref("campaignID", "Campaign", "campaign"),
        day("closeDate", "Close date", required=True),
        money("amount", "Amount"),
        decimal("probability", "Probability"),
        flag("isClosed", "Closed"),
        flag("isWon", "Won"),
        flag("isActive", "Active"),
        ref("originatingLeadID", "Originating lead", "lead"),
        ref("primaryLeadID", "Primary lead", "lead"),
        *timestamps(),
    ),
    name_fields=("opportunityName",),
    sections=(
        ("Deal", ("opportunityName", "dealStageID", "ownerID", "closeDate", "amount",
                  "probability", "isClosed", "isWon", "isActive")),
        ("Related", ("accountID", "campaignID", "primaryLeadID", "originatingLeadID")),
    ),
    columns=("id", "opportunityName", "dealStageID", "amount", "probability", "closeDate",
             "accountID", "ownerID", "isClosed", "isWon"),
    custom_relationship="opportunity",
)

OPPORTUNITY_LEAD = Entity(
    key="opportunity_lead",
    label="Opportunity lead",
    plural="Opportunity leads",
    methods=Methods(
        get=Method("getOpportunityLead", "opportunityLead"),
        list=Method("getOpportunityLeads", "getWhereopportunityLeads"),
        date_range=Method("getOpportunityLeadsDateRange", "opportunityLead"),
        create="createOpportunityLeads",
        delete="deleteOpportunityLeads",
        where_keys=("id", "opportunityID", "leadID"),
    ),
    fields=(
        record_id(),
        ref("opportunityID", "Opportunity", "opportunity", required=True),
        ref("leadID", "Lead", "lead", required=True),
        *timestamps(),
    ),
    columns=("id", "opportunityID", "leadID"),
)
