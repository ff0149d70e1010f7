"""Decoding 100,000 lead records from their wire form (strings) into Python values.

Run: python benchmarks/bench_wire.py   (target: at most 1 s)
"""

from __future__ import annotations

import statistics
import time

from ssui.entities import LEAD, custom_field
from ssui.entities.wire import RecordCodec

SHOE = custom_field({"systemName": "shoe_size_384c1e3eacbb3", "label": "Shoe size",
                     "dataType": "int", "isCustom": "1"})

SAMPLE = {
    "id": "123", "accountID": None, "ownerID": "4", "campaignID": 5, "leadStatus": "open",
    "leadScore": "10", "leadScoreWeighted": "3", "persona": None, "active": "1",
    "firstName": "Ann", "lastName": "O&#039;Neil", "emailAddress": "ann@example.com",
    "companyName": "ACME", "title": "CEO", "street": "1 Main St", "city": "Oslo",
    "country": "NO", "state": None, "zipcode": "0150", "website": None, "phoneNumber": "555",
    "trackingID": "abc", "officePhoneNumber": None, "phoneNumberExtension": None,
    "mobilePhoneNumber": None, "faxNumber": None, "description": "x", "industry": "Tech",
    "isUnsubscribed": "0", "isQualified": "0", "isContact": "1", "isCustomer": "0",
    "status": None, "updateTimestamp": "2026-11-27 10:00:00",
    "createTimestamp": "2026-11-20 08:30:00", "shoe_size_384c1e3eacbb3": "",
}


def main() -> None:
    codec = RecordCodec(LEAD.with_custom([SHOE]))
    rows = [dict(SAMPLE, id=str(i)) for i in range(100_000)]
    runs = []
    for _ in range(5):
        t = time.perf_counter()
        codec.decode_many(rows)
        runs.append(time.perf_counter() - t)
    median = statistics.median(runs)
    print(f"decode 100,000 leads ({len(SAMPLE)} fields each): median {median:.2f} s,"
          f" best {min(runs):.2f} s")


if __name__ == "__main__":
    main()
