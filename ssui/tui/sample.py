"""A deterministic sample account for tests, screenshots and benchmarks (no Textual here).

Everything is derived from the record number, so the same call always fills the same store;
no random generator and no Faker. Until an in-memory seeded sandbox exists, this is what the
screenshots and the benchmark browse.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any

from ssui.entities import LEAD_STATUSES, Field, Kind
from ssui.mirror import MirrorStore
from ssui.mirror.events import WatchEvent, WatchKind

FIRST = ("Ada", "Bram", "Chiara", "Dev", "Elif", "Farid", "Greta", "Hugo", "Ines", "Jonas",
         "Kaito", "Lena", "Mateo", "Nia", "Oskar", "Priya", "Quinn", "Rosa", "Sami", "Tove",
         "Umar", "Vera", "Wim", "Xenia", "Yusuf", "Zoe")
LAST = ("Andersen", "Bakker", "Costa", "Dubois", "Eriksen", "Fischer", "García", "Horvat",
        "Ivanova", "Jansen", "Kowalski", "Larsen", "Moreau", "Nakamura", "Okafor", "Petrov",
        "Quist", "Rossi", "Schmidt", "Tanaka", "Usman", "Visser", "Weber", "Young", "Zhang")
COMPANY = ("Acme", "Globex", "Initech", "Umbrella", "Hooli", "Vandelay", "Stark", "Wayne",
           "Tyrell", "Soylent", "Cyberdyne", "Gringotts", "Oscorp", "Wonka", "Nakatomi")
SUFFIX = ("Ltd", "GmbH", "Inc", "BV", "AS", "SA")
CITY = ("Oslo", "Berlin", "Lisbon", "Utrecht", "Lyon", "Kraków", "Osaka", "Austin", "Leeds",
        "Porto", "Turin", "Graz", "Aarhus", "Ghent", "Malmö", "Tallinn")
COUNTRY = ("NO", "DE", "PT", "NL", "FR", "PL", "JP", "US", "GB", "PT", "IT", "AT", "DK", "BE",
           "SE", "EE")
INDUSTRY = ("Software", "Retail", "Logistics", "Health", "Finance", "Energy", "Media")
STAGES = ("Prospect", "Qualified", "Proposal", "Negotiation", "Closed won", "Closed lost")
USERS = (("Maya", "Lind"), ("Tom", "Reyes"), ("Sofia", "Novak"), ("Arjun", "Mehta"))
REGION_FIELD = Field("region_5f1a", "Sales region", Kind.TEXT, custom=True)
REGIONS = ("North", "South", "East", "West")
SCORE_FIELD = Field("nps_0c9e", "NPS score", Kind.INT, custom=True)

EPOCH = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)


@dataclass(frozen=True)
class SampleSize:
    """How many records of each kind to generate."""

    leads: int = 500
    accounts: int = 60
    campaigns: int = 12
    opportunities: int = 120
    events_per_lead: int = 3
    events_for_leads: int = 40


def user(i: int) -> dict[str, Any]:
    first, last = USERS[i % len(USERS)]
    return {"id": i + 1, "firstName": first, "lastName": last,
            "displayName": f"{first} {last}", "emailAddress": f"{first.lower()}@example.com",
            "isActive": True, "userTimezone": "Europe/Oslo"}


def account(i: int) -> dict[str, Any]:
    n = i + 1
    city = i % len(CITY)
    return {"id": n, "accountName": f"{COMPANY[i % len(COMPANY)]} {SUFFIX[i % len(SUFFIX)]}"
            + (f" {i // (len(COMPANY) * len(SUFFIX)) + 1}" if i >= len(COMPANY) * len(SUFFIX)
               else ""),
            "ownerID": i % len(USERS) + 1, "industry": INDUSTRY[i % len(INDUSTRY)],
            "billingCity": CITY[city], "billingCountry": COUNTRY[city],
            "annualRevenue": Decimal(250_000 + (n * 7919) % 9_750_000),
            "numberOfEmployees": 5 + (n * 37) % 2000, "phone": f"+47 {20000000 + n}",
            "website": f"https://{COMPANY[i % len(COMPANY)].lower()}.example",
            "createTimestamp": EPOCH + timedelta(hours=n),
            "updateTimestamp": EPOCH + timedelta(hours=n, minutes=17)}


def campaign(i: int) -> dict[str, Any]:
    n = i + 1
    start = date(2026, 1 + i % 12, 1)
    return {"id": n, "campaignName": f"{('Spring', 'Summer', 'Autumn', 'Winter')[i % 4]} "
            f"{('webinar', 'newsletter', 'trade show', 'launch')[i // 4 % 4]} {2026 + i // 16}",
            "campaignType": ("Email", "Event", "Web")[i % 3], "campaignOrigin": "ssui sample",
            "ownerID": i % len(USERS) + 1, "isActive": i % 3 != 0, "startDate": start,
            "endDate": start + timedelta(days=45), "goal": Decimal(10_000 + 2_500 * i),
            "price": Decimal(0), "qty": 100 + i}


def lead(i: int, size: SampleSize) -> dict[str, Any]:
    n = i + 1
    first = FIRST[i % len(FIRST)]
    last = LAST[(i // len(FIRST) + i) % len(LAST)]
    acct = (i * 7) % size.accounts if size.accounts else None
    company = COMPANY[acct % len(COMPANY)] if acct is not None else ""
    stamp = EPOCH + timedelta(minutes=37 * n)
    domain = company.lower() or "mail"
    return {"id": n, "firstName": first, "lastName": last,
            "emailAddress": f"{first.lower()}.{last.lower()}{n}@{domain}.example",
            "companyName": company, "title": ("CTO", "Buyer", "Engineer", "Founder")[i % 4],
            "leadStatus": LEAD_STATUSES[i % len(LEAD_STATUSES)], "leadScore": (n * 13) % 100,
            "active": i % 11 != 0, "accountID": acct + 1 if acct is not None else None,
            "ownerID": i % len(USERS) + 1,
            "campaignID": i % size.campaigns + 1 if size.campaigns else None,
            "city": CITY[i % len(CITY)], "country": COUNTRY[i % len(CITY)],
            "phoneNumber": f"+47 {40000000 + n}", "isUnsubscribed": i % 17 == 0,
            "createTimestamp": stamp, "updateTimestamp": stamp + timedelta(hours=i % 48),
            REGION_FIELD.name: REGIONS[i % len(REGIONS)], SCORE_FIELD.name: (n * 3) % 11}


def opportunity(i: int, size: SampleSize) -> dict[str, Any]:
    n = i + 1
    stage = i % len(STAGES)
    acct = (i * 3) % size.accounts + 1 if size.accounts else None
    return {"id": n, "opportunityName": f"{COMPANY[i % len(COMPANY)]} "
            f"{('renewal', 'expansion', 'pilot', 'upgrade')[i % 4]} #{n}",
            "ownerID": i % len(USERS) + 1, "dealStageID": stage + 1, "accountID": acct,
            "campaignID": i % size.campaigns + 1 if size.campaigns else None,
            "closeDate": date(2026, 1 + i % 12, 1 + i % 28),
            "amount": Decimal(1_500 + (n * 4_111) % 240_000), "probability": Decimal(stage * 20),
            "isClosed": stage >= 4, "isWon": stage == 4, "isActive": stage < 4,
            "primaryLeadID": (i * 5) % size.leads + 1 if size.leads else None,
            "originatingLeadID": (i * 5) % size.leads + 1 if size.leads else None,
            "createTimestamp": EPOCH + timedelta(days=i % 200),
            "updateTimestamp": EPOCH + timedelta(days=i % 200, hours=3)}


def events(lead_id: int, count: int, size: SampleSize | None = None) -> Iterator[WatchEvent]:
    """Activity of one lead, named as the watches name it (the lead's name and email)."""
    kinds = ((WatchKind.PAGE, "Visited /pricing"),
             (WatchKind.EMAIL, "Opened “March product news”"),
             (WatchKind.FORM, "Submitted “Book a demo”"))
    who = lead(lead_id - 1, size or SampleSize())
    for k in range(count):
        kind, title = kinds[(lead_id + k) % len(kinds)]
        yield WatchEvent(key=f"sample-{lead_id}-{k}", kind=kind, entity="event",
                         record_id=lead_id * 100 + k, lead_id=lead_id, title=title,
                         lead_name=f"{who['firstName']} {who['lastName']}",
                         lead_email=who["emailAddress"], owner_id=who.get("ownerID"),
                         occurred_at=EPOCH + timedelta(days=30, hours=lead_id + k * 5))


def fill(store: MirrorStore, size: SampleSize | None = None, *, chunk: int = 20_000) -> None:
    """Fill ``store`` with a deterministic account of ``size``."""
    size = size or SampleSize()
    store.set_custom_fields("lead", [REGION_FIELD, SCORE_FIELD])
    store.upsert("user_profile", [user(i) for i in range(len(USERS))])
    store.upsert("deal_stage", [{"id": i + 1, "dealStageName": s, "defaultProbability": i * 20}
                                for i, s in enumerate(STAGES)])
    store.upsert("account", [account(i) for i in range(size.accounts)])
    store.upsert("campaign", [campaign(i) for i in range(size.campaigns)])
    for start in range(0, size.leads, chunk):
        store.upsert("lead", [lead(i, size) for i in range(start, min(start + chunk, size.leads))])
    store.upsert("opportunity", [opportunity(i, size) for i in range(size.opportunities)])
    links = []
    for i in range(size.opportunities):
        opp = opportunity(i, size)
        if opp["primaryLeadID"] is not None:
            links.append({"id": i + 1, "opportunityID": i + 1, "leadID": opp["primaryLeadID"]})
    store.upsert("opportunity_lead", links)
    evs = [e for lid in range(1, min(size.leads, size.events_for_leads) + 1)
           for e in events(lid, size.events_per_lead, size)]
    # Stored in the order they happened, as the watches store them: the feed reads like a log.
    store.add_events(sorted(evs, key=lambda e: (e.occurred_at, e.key)))


def sample_store(size: SampleSize | None = None) -> MirrorStore:
    """A fresh in-memory store holding the sample account."""
    store = MirrorStore()
    fill(store, size)
    return store
