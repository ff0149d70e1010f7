"""The sandbox's fast row encoding is exactly the registry's wire encoding."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest

from ssui.entities import Kind
from ssui.entities.wire import RecordCodec
from ssui.sandbox import SandboxApp


@pytest.mark.parametrize("zone", ["UTC", "America/New_York"])
def test_rows_encode_exactly_like_record_codec_encode_read(app: SandboxApp, zone: str) -> None:
    tz = UTC if zone == "UTC" else ZoneInfo(zone)
    for key in ("lead", "account", "campaign", "opportunity", "event", "field", "email_job"):
        entity = app.store.entity(key)
        fields = app.store.visible_fields(key)
        rows = app.store.select(key, [f.name for f in fields], limit=60)
        encode = app.store.encoder(key, fields, tz)
        codec = RecordCodec(entity, tz)
        for row in rows:
            record = {}
            for f, v in zip(fields, row, strict=True):
                if f.kind is Kind.DATETIME and isinstance(v, str):
                    v = datetime.fromisoformat(v).replace(tzinfo=UTC)
                record[f.name] = v
            assert encode(row) == codec.encode_read(record), key
