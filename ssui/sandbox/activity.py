"""A living account: new leads, page visits, form fills, email opens and opportunities keep
arriving while the sandbox is served, as ordinary inserts that every API method sees.

The choices come from ``random.Random("activity:<seed>")``, so a given seed produces the same
sequence of kinds of activity; timestamps are the real time of each insert. Between inserts
the task sleeps (about 1/rate seconds, jittered), so an idle sandbox costs next to no CPU.
"""

from __future__ import annotations

import asyncio
import logging
import random
from datetime import UTC
from typing import Any

from .config import SandboxConfig
from .params import Call
from .records import insert_record
from .seed import CAMPAIGN_TOPICS, PRODUCTS, Generator, domain_of
from .store import Store

log = logging.getLogger("ssui.sandbox.activity")

KINDS = ("lead", "pageVisit", "formSubmit", "emailOpened", "opportunity")
WEIGHTS = (20, 40, 15, 20, 5)


class ActivityStream:
    """Makes one piece of account activity per ``step()``."""

    def __init__(self, store: Store, seed: int) -> None:
        self.store = store
        self.gen = Generator(seed, rng=random.Random(f"activity:{seed}"))
        self.rng = self.gen.rng
        self.call = Call(store, UTC)

    def step(self) -> str:
        """Insert one new thing; returns its kind (lead, pageVisit, formSubmit, ...)."""
        kind = self.rng.choices(KINDS, weights=WEIGHTS)[0]
        with self.store.transaction():
            lead = self._some_lead()
            if kind == "lead" or lead is None:
                kind = "lead"
                self._new_lead()
            elif kind == "pageVisit":
                self._event(lead, "pageVisit", *self.gen.page_visit())
            elif kind == "formSubmit":
                self._event(lead, "formSubmit", *self.gen.form_submit())
                self.store.db.execute(
                    "UPDATE lead SET leadScore = COALESCE(leadScore, 0) + 5, updateTimestamp = ? "
                    "WHERE id = ?", (self.store.now(), lead),
                )
            elif kind == "emailOpened":
                self._email_open(lead)
            else:
                self._opportunity(lead)
        return kind

    def _some_lead(self) -> int | None:
        top = self.store.db.execute("SELECT MAX(id) FROM lead").fetchone()[0]
        if not top:
            return None
        row = self.store.db.execute(
            "SELECT id FROM lead WHERE id >= ? AND COALESCE(active, 1) != 0 ORDER BY id LIMIT 1",
            (self.rng.randrange(1, int(top) + 1),),
        ).fetchone()
        return None if row is None else int(row[0])

    def _owner(self) -> int | None:
        row = self.store.db.execute(
            "SELECT id FROM user_profile WHERE isActive = 1 ORDER BY id LIMIT 1 OFFSET ?",
            (self.rng.randrange(0, 7),),
        ).fetchone() or self.store.db.execute("SELECT MIN(id) FROM user_profile").fetchone()
        return None if row is None or row[0] is None else int(row[0])

    def _event(self, lead: int, source: str, name: str, what: str, what_type: str,
               data: str | None) -> None:
        self.store.insert("event", {
            "leadID": lead, "eventSource": source, "eventName": name, "whatID": what,
            "whatType": what_type, "eventData": data, "createTimestamp": self.store.now(),
        })

    def _new_lead(self) -> int:
        first, last = self.gen.person()
        company = self.rng.choice(self.gen.pools.companies)
        _street, city, state, zipcode = self.rng.choice(self.gen.pools.places)
        taken: set[str] = set()
        while True:
            email = self.gen.email(first, last, domain_of(company), taken)
            if self.store.lead_id_by_email(email) is None:
                break
        values: dict[str, Any] = {
            "emailAddress": email, "firstName": first, "lastName": last,
            "companyName": company, "title": self.rng.choice(self.gen.pools.titles),
            "leadStatus": "unqualified", "leadScore": self.rng.randrange(0, 30),
            "city": city, "state": state, "zipcode": zipcode, "country": "US",
            "ownerID": self._owner(),
        }
        lead = insert_record(self.call, self.store.entity("lead"), values)
        self._event(lead, "leadCreation", "Lead created", str(lead), "lead", None)
        return lead

    def _email_open(self, lead: int) -> None:
        job = self.store.db.execute(
            "SELECT id, emailID FROM email_job ORDER BY id LIMIT 1 OFFSET ?",
            (self.rng.randrange(0, 30),),
        ).fetchone() or self.store.db.execute("SELECT id, emailID FROM email_job").fetchone()
        if job is None:
            self._event(lead, "pageVisit", *self.gen.page_visit())
            return
        email = self.store.db.execute("SELECT emailAddress FROM lead WHERE id=?", (lead,))
        address = email.fetchone()[0]
        self._event(lead, "emailOpened", f"Opened email #{job[1]}", str(job[1]), "email",
                    f'{{"emailJobID":{job[0]}}}')
        self.store.insert("email_event", {
            "leadID": lead, "emailID": job[1], "emailJobID": job[0],
            "createDate": self.store.now(), "emailAddress": address, "_eventType": "open",
        })

    def _opportunity(self, lead: int) -> None:
        row = self.store.db.execute(
            "SELECT ownerID, accountID, companyName FROM lead WHERE id=?", (lead,)
        ).fetchone()
        stage = self.store.db.execute("SELECT MIN(id) FROM deal_stage").fetchone()[0]
        owner = row[0] or self._owner()
        if stage is None or owner is None:
            self._event(lead, "pageVisit", *self.gen.page_visit())
            return
        now = self.store.now()
        name = f"{row[2] or self.rng.choice(CAMPAIGN_TOPICS)} - {self.rng.choice(PRODUCTS)}"
        opp = insert_record(self.call, self.store.entity("opportunity"), {
            "opportunityName": name, "ownerID": owner, "dealStageID": stage,
            "accountID": row[1], "closeDate": f"{now[:10]} 00:00:00",
            "amount": f"{self.rng.randrange(10, 500) * 100}.00", "probability": 10.0,
            "originatingLeadID": lead, "primaryLeadID": lead,
        })
        insert_record(self.call, self.store.entity("opportunity_lead"),
                      {"opportunityID": opp, "leadID": lead})
        self.store.db.execute(
            "UPDATE lead SET leadStatus='contactWithOpp', updateTimestamp=? WHERE id=?",
            (now, lead),
        )
        self._event(lead, "oppCreate", f"Opportunity created: {name}", str(opp),
                    "opportunity", None)


async def run_activity(store: Store, config: SandboxConfig) -> None:
    """Insert activity at ``config.activity`` per second until cancelled."""
    stream = ActivityStream(store, config.seed)
    rate = config.activity
    while True:
        await asyncio.sleep(stream.rng.uniform(0.5, 1.5) / rate)
        try:
            stream.step()
        except Exception:  # keep the account alive whatever one insert does
            log.exception("sandbox activity step failed")
