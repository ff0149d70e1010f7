"""Deterministic, realistic sandbox data: the same seed always makes the same account.

Faker is slow per call, so it only fills small pools (names, companies, cities, titles) once;
a ``random.Random(seed)`` combines them, and each table goes in with one executemany inside a
single transaction. History runs for two years up to the anchor (midnight UTC of the day the
database is made, unless ``SandboxConfig.seed_anchor`` says otherwise), so the data looks
recent and stays identical for a given seed and anchor.
"""

from __future__ import annotations

import random
import time
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from faker import Faker

from ..entities.wire import WIRE_DATETIME
from .config import SandboxConfig
from .fields import create_field, slug, uniqid
from .store import Store

DAY = 86400.0
HISTORY = 730 * DAY

USER_COUNT = 8
CAMPAIGN_COUNT = 20
EMAIL_COUNT = 12
EMAIL_JOB_COUNT = 30
LIST_NAMES = (
    "Newsletter Subscribers", "Webinar Attendees", "Free Trial Users", "Customers",
    "Trade Show Leads", "Partners", "Re-engagement", "VIP Prospects",
)
DEAL_STAGES = (  # name, default probability, closed, won
    ("Prospecting", 10, 0, 0), ("Qualification", 20, 0, 0), ("Needs Analysis", 40, 0, 0),
    ("Proposal", 60, 0, 0), ("Negotiation", 80, 0, 0), ("Closed Won", 100, 1, 1),
    ("Closed Lost", 0, 1, 0),
)
STAGE_WEIGHTS = (20, 18, 15, 14, 10, 13, 10)
LEAD_STATUS_WEIGHTS = (("unqualified", 30), ("open", 35), ("qualified", 15), ("contact", 12),
                       ("customer", 8))
CUSTOM_FIELDS: dict[str, tuple[tuple[str, str, tuple[str, ...]], ...]] = {
    "lead": (
        ("Referral Source", "text", ()),
        ("Annual Budget", "number", ()),
        ("Newsletter Opt-In", "boolean", ()),
        ("Preferred Contact Method", "picklist", ("Email", "Phone", "Text message", "Video call")),
    ),
    "account": (
        ("Territory", "text", ()),
        ("Contract Value", "number", ()),
        ("Key Account", "boolean", ()),
        ("Account Tier", "picklist", ("Bronze", "Silver", "Gold", "Platinum")),
    ),
    "opportunity": (
        ("Main Competitor", "text", ()),
        ("Discount Percent", "number", ()),
        ("Requires Legal Review", "boolean", ()),
        ("Forecast Category", "picklist", ("Pipeline", "Best Case", "Commit", "Omitted")),
    ),
}
INDUSTRIES = ("Software", "Healthcare", "Manufacturing", "Financial Services", "Education",
              "Retail", "Real Estate", "Construction", "Hospitality", "Nonprofit",
              "Marketing Services", "Logistics", "Legal", "Energy")
PERSONAS = ("Decision Maker", "Influencer", "End User", "Technical Buyer", "Champion")
CAMPAIGN_TYPES = ("Email", "Social", "Paid Search", "Webinar", "Trade Show", "Content")
CAMPAIGN_TOPICS = ("Spring Launch", "Product Webinar", "Holiday Promo", "Customer Stories",
                   "Partner Summit", "Retargeting", "Free Trial Push", "Industry Report",
                   "Newsletter", "Referral Drive")
PRODUCTS = ("Platform License", "Annual Renewal", "Onboarding Package", "Consulting Hours",
            "Expansion Seats", "Pilot Project", "Premium Support")
PAGES = (("/", "Home"), ("/pricing", "Pricing"), ("/features", "Features"),
         ("/blog/marketing-automation-guide", "Marketing Automation Guide"),
         ("/blog/lead-scoring-101", "Lead Scoring 101"), ("/case-studies", "Case Studies"),
         ("/contact", "Contact Us"), ("/demo", "Request a Demo"), ("/integrations", "Integrations"),
         ("/about", "About Us"))
FORMS = ((1, "Contact Us"), (2, "Request a Demo"), (3, "Newsletter Signup"),
         (4, "Webinar Registration"), (5, "Ebook Download"))
ZONES = ("America/New_York", "America/Chicago", "America/Denver", "America/Los_Angeles")


@dataclass(frozen=True, slots=True)
class Pools:
    """Faker output made once per seed; everything else combines these."""

    first: Sequence[str]
    last: Sequence[str]
    companies: Sequence[str]
    places: Sequence[tuple[str, str, str, str]]  # street, city, state, zip
    titles: Sequence[str]
    phrases: Sequence[str]

    @classmethod
    def build(cls, seed: int) -> Pools:
        fake = Faker("en_US")
        fake.seed_instance(seed)
        return cls(
            first=[fake.first_name() for _ in range(400)],
            last=[fake.last_name() for _ in range(400)],
            companies=sorted({fake.company() for _ in range(600)}),
            places=[
                (fake.street_address(), fake.city(), fake.state_abbr(), fake.zipcode())
                for _ in range(400)
            ],
            titles=[fake.job() for _ in range(200)],
            phrases=[fake.catch_phrase() for _ in range(200)],
        )


def wire_time(t: float) -> str:
    return time.strftime(WIRE_DATETIME, time.gmtime(t))


def domain_of(company: str) -> str:
    word = "".join(c for c in company.split(",")[0].split(" and ")[0].lower() if c.isalnum())
    return f"{word[:24] or 'example'}.com"


class Generator:
    """Makes realistic records from seeded pools; shared by the seed and the activity stream."""

    def __init__(self, seed: int, rng: random.Random | None = None) -> None:
        self.rng = rng or random.Random(seed)
        self.pools = Pools.build(seed)

    def phone(self) -> str:
        r = self.rng.randrange
        return f"({r(200, 999)}) {r(200, 999)}-{r(10000):04d}"

    def person(self) -> tuple[str, str]:
        return self.rng.choice(self.pools.first), self.rng.choice(self.pools.last)

    def email(self, first: str, last: str, domain: str, taken: set[str]) -> str:
        base = f"{first}.{last}".lower().replace(" ", "").replace("'", "")
        email = f"{base}@{domain}"
        n = 2
        while email in taken:
            email = f"{base}{n}@{domain}"
            n += 1
        taken.add(email)
        return email

    def page_visit(self) -> tuple[str, str, str, str]:
        """(eventName, whatID, whatType, eventData) for a page visit."""
        i = self.rng.randrange(len(PAGES))
        url, title = PAGES[i]
        data = f'{{"url":"https://www.example.com{url}","title":"{title}"}}'
        return f"Visited {title}", str(i + 1), "page", data

    def form_submit(self) -> tuple[str, str, str, str]:
        form_id, name = self.rng.choice(FORMS)
        return f"Submitted {name}", str(form_id), "form", f'{{"formName":"{name}"}}'


def seed_store(store: Store, *, seed: int, leads: int, anchor: float) -> None:
    """Fill an empty store with one realistic account (call inside a transaction)."""
    g = Generator(seed)
    rng, pools = g.rng, g.pools
    start = anchor - HISTORY

    def between(a: float, b: float) -> float:
        return a + (b - a) * rng.random()

    # Users: the owners every other record points at.
    users = []
    for uid in range(1, USER_COUNT + 1):
        first, last = g.person()
        users.append((uid, first, last, f"{first} {last}",
                      f"{first}.{last}@sharpspring-sandbox.example".lower(),
                      0 if uid == USER_COUNT else 1, 0, rng.choice(ZONES), g.phone()))
    store.insert_many("user_profile", ("id", "firstName", "lastName", "displayName",
                                       "emailAddress", "isActive", "isReseller",
                                       "userTimezone", "phone"), users)
    owners = list(range(1, USER_COUNT))  # the inactive last user owns nothing new

    stamp = wire_time(start)
    store.insert_many("deal_stage", (
        "id", "dealStageName", "description", "defaultProbability", "weight", "isEditable",
        "ownerID", "createTimestamp", "updateTimestamp"), [
        (i, name, f"{name} stage", prob, i, 0 if closed else 1, 1, stamp, stamp)
        for i, (name, prob, closed, _won) in enumerate(DEAL_STAGES, start=1)
    ])

    # Custom fields: a text, a number, a boolean and a picklist per entity.
    custom: dict[str, list[tuple[str, str, tuple[str, ...]]]] = {}
    for n, (relationship, specs) in enumerate(CUSTOM_FIELDS.items()):
        custom[relationship] = []
        for k, (label, data_type, options) in enumerate(specs):
            moment = start - 30 * DAY + n * 3600 + k * 61.123457
            name = f"{slug(label)}_{uniqid(moment)}"
            create_field(store, {"relationship": relationship, "label": label,
                                 "dataType": data_type, "options": list(options)},
                         system_name=name)
            custom[relationship].append((name, data_type, options))
    store.reload_fields()

    def custom_values(relationship: str) -> list[Any]:
        out: list[Any] = []
        for _name, data_type, options in custom[relationship]:
            if rng.random() < 0.35:
                out.append(None)
            elif data_type == "text":
                out.append(rng.choice(pools.phrases))
            elif data_type == "number":
                out.append(float(rng.randrange(1, 500) * 100))
            elif data_type == "boolean":
                out.append(rng.randrange(2))
            else:
                out.append(rng.choice(options))
        return out

    def custom_names(relationship: str) -> list[str]:
        return [name for name, _t, _o in custom[relationship]]

    # Campaigns.
    campaigns = []
    for cid in range(1, CAMPAIGN_COUNT + 1):
        begins = between(start, anchor - 30 * DAY)
        name = f"{rng.choice(CAMPAIGN_TOPICS)} {time.gmtime(begins).tm_year}"
        made = wire_time(begins - 7 * DAY)
        campaigns.append((
            cid, name, rng.choice(CAMPAIGN_TYPES), slug(name).lower(), "SharpSpring",
            rng.choice(owners), rng.randrange(1, 50) * 100, f"{rng.randrange(1, 40) * 25}.00",
            f"{rng.randrange(10, 200) * 500}.00", f"{rng.randrange(0, 50) * 100}.00",
            time.strftime("%Y-%m-%d", time.gmtime(begins)),
            time.strftime("%Y-%m-%d", time.gmtime(begins + rng.randrange(14, 120) * DAY)),
            1 if begins > anchor - 180 * DAY else 0, made, made,
        ))
    store.insert_many("campaign", (
        "id", "campaignName", "campaignType", "campaignAlias", "campaignOrigin", "ownerID", "qty",
        "price", "goal", "otherCosts", "startDate", "endDate", "isActive", "createTimestamp",
        "updateTimestamp"), campaigns)

    # Accounts.
    account_count = max(5, leads // 10)
    accounts = []
    account_info: list[tuple[str, str, int]] = [("", "", 0)]  # name, domain, owner by id
    for aid in range(1, account_count + 1):
        company = pools.companies[aid % len(pools.companies)]
        if aid > len(pools.companies):
            company = f"{company} {rng.choice(('Group', 'Labs', 'Holdings', 'Partners'))}"
        street, city, state, zipcode = rng.choice(pools.places)
        owner = rng.choice(owners)
        created = between(start, anchor - DAY)
        domain = domain_of(company)
        account_info.append((company, domain, owner))
        accounts.append((
            aid, company, owner, rng.choice(INDUSTRIES), g.phone(),
            f"{rng.randrange(1, 2000) * 25000}.00", rng.choice((8, 25, 60, 140, 320, 900, 2500)),
            f"https://www.{domain}", rng.randrange(1950, 2022), None,
            street, city, state, zipcode, "US", street, city, state, zipcode, "US",
            wire_time(created), wire_time(between(created, anchor)),
            *custom_values("account"),
        ))
    store.insert_many("account", (
        "id", "accountName", "ownerID", "industry", "phone", "annualRevenue",
        "numberOfEmployees", "website", "yearStarted", "fax", "billingStreetAddress",
        "billingCity", "billingState", "billingPostalCode", "billingCountry",
        "shippingStreetAddress", "shippingCity", "shippingState", "shippingPostalCode",
        "shippingCountry", "createTimestamp", "updateTimestamp", *custom_names("account"),
    ), accounts)

    # Leads, created in time order so ids follow createTimestamp.
    opp_count = max(3, leads // 12)
    with_opp = set(rng.sample(range(1, leads + 1), min(opp_count, leads)))
    created_at = sorted(between(start, anchor - 60) for _ in range(leads))
    statuses = [s for s, _w in LEAD_STATUS_WEIGHTS]
    status_cum = list(_cumulative(w for _s, w in LEAD_STATUS_WEIGHTS))
    taken: set[str] = set()
    lead_rows = []
    lead_facts: list[tuple[float, int, int]] = [(0.0, 0, 0)]  # created, account, owner by id
    for lid in range(1, leads + 1):
        first, last = g.person()
        created = created_at[lid - 1]
        account = rng.randrange(1, account_count + 1) if rng.random() < 0.7 else 0
        if account:
            company, domain, owner = account_info[account]
        else:
            company = rng.choice(pools.companies)
            domain, owner = domain_of(company), rng.choice(owners)
        street, city, state, zipcode = rng.choice(pools.places)
        status = ("contactWithOpp" if lid in with_opp
                  else rng.choices(statuses, cum_weights=status_cum)[0])
        score = rng.randrange(0, 101)
        updated = created if rng.random() < 0.4 else between(created, anchor)
        lead_facts.append((created, account, owner))
        lead_rows.append((
            lid, g.email(first, last, domain, taken), first, last, company,
            rng.choice(pools.titles), status, score, score * rng.randrange(1, 4),
            rng.choice(PERSONAS), 0 if rng.random() < 0.04 else 1, account or None, owner,
            rng.randrange(1, CAMPAIGN_COUNT + 1) if rng.random() < 0.6 else None,
            street, city, state, zipcode, "US", f"https://www.{domain}",
            g.phone() if rng.random() < 0.6 else None,
            g.phone() if rng.random() < 0.3 else None,
            rng.choice(INDUSTRIES), 1 if rng.random() < 0.03 else 0,
            1 if status in ("qualified", "contact", "contactWithOpp", "customer") else 0,
            1 if status in ("contact", "contactWithOpp", "customer") else 0,
            1 if status == "customer" else 0,
            wire_time(created), wire_time(updated), *custom_values("lead"),
        ))
    store.insert_many("lead", (
        "id", "emailAddress", "firstName", "lastName", "companyName", "title", "leadStatus",
        "leadScore", "leadScoreWeighted", "persona", "active", "accountID", "ownerID",
        "campaignID", "street", "city", "state", "zipcode", "country", "website", "phoneNumber",
        "mobilePhoneNumber", "industry", "isUnsubscribed", "isQualified", "isContact",
        "isCustomer", "createTimestamp", "updateTimestamp", *custom_names("lead"),
    ), lead_rows)
    emails_by_lead = {row[0]: row[1] for row in lead_rows}
    del lead_rows

    # Opportunities and the leads attached to them.
    stage_cum = list(_cumulative(STAGE_WEIGHTS))
    stages = list(range(1, len(DEAL_STAGES) + 1))
    opps, opp_leads = [], []
    for oid, lid in enumerate(sorted(with_opp), start=1):
        created_lead, account, owner = lead_facts[lid]
        stage = rng.choices(stages, cum_weights=stage_cum)[0]
        _name, prob, closed, won = DEAL_STAGES[stage - 1]
        created = between(created_lead, anchor)
        company = account_info[account][0] if account else rng.choice(pools.companies)
        opps.append((
            oid, f"{company} - {rng.choice(PRODUCTS)}", owner, stage, account or None,
            rng.randrange(1, CAMPAIGN_COUNT + 1) if rng.random() < 0.5 else None,
            time.strftime("%Y-%m-%d 00:00:00",
                          time.gmtime(created + rng.randrange(20, 150) * DAY)),
            f"{rng.randrange(10, 1200) * 100}.00", float(prob), closed, won, 1, lid, lid,
            wire_time(created), wire_time(between(created, anchor)),
            *custom_values("opportunity"),
        ))
        stamp = wire_time(created)
        opp_leads.append((oid, lid, stamp, stamp))
        for _ in range(rng.choice((0, 0, 1, 2))):
            opp_leads.append((oid, rng.randrange(1, leads + 1), stamp, stamp))
    store.insert_many("opportunity", (
        "id", "opportunityName", "ownerID", "dealStageID", "accountID", "campaignID",
        "closeDate", "amount", "probability", "isClosed", "isWon", "isActive",
        "originatingLeadID", "primaryLeadID", "createTimestamp", "updateTimestamp",
        *custom_names("opportunity"),
    ), opps)
    store.insert_many("opportunity_lead", (
        "opportunityID", "leadID", "createTimestamp", "updateTimestamp"), opp_leads)

    # Emails, their listings and send jobs.
    emails = []
    for eid in range(1, EMAIL_COUNT + 1):
        subject = rng.choice(pools.phrases)
        emails.append((eid, f"{rng.choice(CAMPAIGN_TOPICS)} #{eid}", subject,
                       pools.first[eid], "marketing@sharpspring-sandbox.example",
                       f"<html><body><h1>{subject}</h1></body></html>", 0, 0, 0))
    store.insert_many("email", ("id", "emailName", "subject", "fromName", "fromEmail", "html",
                                "contactManager", "repeatable", "fromLeadOwner"), emails)
    store.insert_many("email_listing", ("id", "title", "subject", "createTimestamp"), [
        (e[0], e[1], e[2], wire_time(start + e[0] * 20 * DAY)) for e in emails
    ])
    jobs = []
    for jid in range(1, EMAIL_JOB_COUNT + 1):
        sent = start + HISTORY * jid / (EMAIL_JOB_COUNT + 1)
        jobs.append((jid, rng.randrange(1, EMAIL_COUNT + 1), 1, 0,
                     rng.randrange(1, len(LIST_NAMES) + 1), rng.randrange(50, 5000), 1, 0,
                     wire_time(sent), sent))
    store.insert_many("email_job", ("id", "emailID", "isList", "isActive", "recipientID",
                                    "sendCount", "confirmedSend", "allowDuplicates",
                                    "createTimestamp"), [j[:-1] for j in jobs])

    # Events: a lead's creation, page visits, form fills and email opens.
    events: list[tuple[float, int, str, str, str, str, str]] = []
    email_events = []
    visits = (0, 0, 1, 1, 2, 3, 5)
    for lid in range(1, leads + 1):
        created = lead_facts[lid][0]
        events.append((created, lid, "leadCreation", "Lead created", str(lid), "lead", ""))
        for _ in range(rng.choice(visits)):
            events.append((between(created, anchor), lid, "pageVisit", *g.page_visit()))
        if rng.random() < 0.3:
            events.append((between(created, anchor), lid, "formSubmit", *g.form_submit()))
        for _ in range(rng.choice((0, 0, 1, 2))):
            job = rng.choice(jobs)
            when = max(created, job[-1]) + rng.random() * 3 * DAY
            if when >= anchor:
                continue
            subject = emails[job[1] - 1][2]
            events.append((when, lid, "emailOpened", f"Opened {subject}", str(job[1]), "email",
                           f'{{"emailJobID":{job[0]}}}'))
            email_events.append((lid, job[1], job[0], wire_time(when), emails_by_lead[lid],
                                 "click" if rng.random() < 0.25 else "open"))
    events.sort(key=lambda ev: ev[0])
    store.insert_many("event", (
        "leadID", "eventSource", "eventName", "whatID", "whatType", "eventData",
        "createTimestamp"), [
        (lid, source, name, what, what_type, data or None, wire_time(t))
        for t, lid, source, name, what, what_type, data in events
    ])
    del events
    email_events.sort(key=lambda ev: ev[3])
    store.insert_many("email_event", ("leadID", "emailID", "emailJobID", "createDate",
                                      "emailAddress", "_eventType"), email_events)

    # Lists and their members (some removed, unsubscribed or bounced).
    lists, members = [], []
    flags = ("removed", "removed", "unsubscribed", "hardbounced")
    for list_id, name in enumerate(LIST_NAMES, start=1):
        lists.append((list_id, name, f"{name} ({rng.choice(pools.phrases).lower()})",
                      wire_time(start + list_id * 30 * DAY)))
        size = min(leads, max(3, int(leads * rng.uniform(0.01, 0.06))))
        for lid in sorted(rng.sample(range(1, leads + 1), size)):
            removed = rng.random() < 0.1
            members.append((list_id, lid, int(removed), rng.choice(flags) if removed else None))
    store.insert_many("list", ("id", "name", "description", "createTimestamp"), lists)
    store.insert_many("list_member", ("listID", "leadID", "isRemoved", "_flag"), members)


def _cumulative(weights: Any) -> list[float]:
    total, out = 0.0, []
    for w in weights:
        total += w
        out.append(total)
    return out


def open_store(config: SandboxConfig) -> Store:
    """The config's database, seeded the first time it is opened (never again after)."""
    store = Store(config.db_path(), clock=config.clock)
    if store.fresh:
        anchor = config.seed_anchor
        if anchor is None:
            anchor = float(int(config.clock() // DAY) * DAY)
        with store.transaction():
            store.add_standard_fields()
            seed_store(store, seed=config.seed, leads=config.leads, anchor=anchor)
            store.set_meta("seed", str(config.seed))
            store.set_meta("leads", str(config.leads))
            store.set_meta("anchor", str(anchor))
            store.set_meta("seeded", wire_time(config.clock()))
        store.create_indexes()
        store.reload_fields()
    else:
        store.create_indexes(analyze=False)  # databases made by an older sandbox
    return store
