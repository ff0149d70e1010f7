"""The wire codec under arbitrary input (hypothesis).

Whatever a server sends, decoding never raises: a value that does not parse is kept as it
came. Encoding raises nothing but ``WireValueError``, which callers catch to say which field
is wrong. And a valid value comes back equal after a trip over the wire.
"""

from __future__ import annotations

import contextlib
from datetime import UTC, date, datetime, timedelta, timezone, tzinfo
from decimal import Decimal
from html import unescape
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ssui.entities import LEAD, OPPORTUNITY
from ssui.entities.model import Field, Kind
from ssui.entities.wire import (
    RecordCodec,
    WireValueError,
    decoder_for,
    encode_read,
    encode_write,
)

FEW = settings(max_examples=100, deadline=None)

ZONES: list[tzinfo] = [UTC, timezone(timedelta(hours=-5)), timezone(timedelta(hours=5, minutes=30)),
                       ZoneInfo("America/New_York"), ZoneInfo("Pacific/Kiritimati")]

# Every kind, standard and custom (they encode empty values differently).
FIELDS = [Field(f"f_{kind}", f"A {kind}", kind, custom=custom)
          for kind in Kind for custom in (False, True)]

# What a JSON parser can hand the codec, and then some: text that looks like a number, a date
# or JSON but is not quite one, numbers too big for a float or any id, non-finite numbers.
NASTY: list[Any] = [
    "Infinity", "-Infinity", "inf", "nan", "NaN", "sNaN", "1e999999999", "-1e999999999",
    "1E+400", "9" * 5000, 10**5000, -(10**400), 2**64, float("inf"), float("-inf"),
    float("nan"), Decimal("Infinity"), Decimal("NaN"), Decimal("sNaN"), Decimal("1E+999999999"),
    Decimal("1E-999999999"), "0x1f", "1_000", " 12 ", "١٢", "12.50", "-0", "1e5", "", "&amp;",
    "0000-00-00", "0000-00-00 00:00:00", "2026-02-30", "2026-11-27T10:00:00+05:00",
    "9999-12-31 23:59:59", "0001-01-01 00:00:00", "2026-13-01", "[" * 5000, "{" * 5000,
    '{"a": ' * 3000, "[1, 2", "{}", "[]", [], {}, {"a": 1}, [1, [2]], {1, 2}, b"bytes",
    True, False, 0, 1, -1, 0.5, object(), date.min, date.max, datetime.min, datetime.max,
    datetime.max.replace(tzinfo=UTC), datetime.min.replace(tzinfo=UTC),
    datetime(2026, 11, 1, 1, 30, fold=1, tzinfo=ZoneInfo("America/New_York")),
]
# Hypothesis prints the examples it draws; an int of 5,000 digits has no repr, so those few
# are left to the test that tries every nasty value in turn.
PRINTABLE = [v for v in NASTY if not isinstance(v, int) or abs(v) < 10**4000]
SCALARS = st.one_of(
    st.none(), st.booleans(), st.integers(), st.floats(), st.text(), st.sampled_from(PRINTABLE),
    st.decimals(), st.dates(), st.datetimes(), st.datetimes(timezones=st.sampled_from(ZONES)),
)
ANYTHING = st.recursive(
    SCALARS,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=5), inner,
                                                               max_size=4),
    max_leaves=12,
)


def _encode_all(field: Field, value: Any, tz: tzinfo) -> None:
    for encode in (encode_read, encode_write):
        with contextlib.suppress(WireValueError):
            encode(field, value, tz)


@pytest.mark.parametrize("field", FIELDS, ids=lambda f: f"{f.kind}{'-custom' * f.custom}")
def test_every_nasty_value_of_every_kind_decodes_and_encodes_without_a_crash(
    field: Field,
) -> None:
    # The values hypothesis would take long to hit by chance, each tried against each kind.
    for tz in (UTC, ZoneInfo("Pacific/Kiritimati")):
        decode = decoder_for(field, tz)
        for value in NASTY:
            decode(value)
            _encode_all(field, value, tz)


@pytest.mark.parametrize("kind", list(Kind))
@FEW
@given(custom=st.booleans(), value=ANYTHING, tz=st.sampled_from(ZONES))
def test_decoding_any_value_of_any_kind_never_raises(
    kind: Kind, custom: bool, value: Any, tz: tzinfo
) -> None:
    decoder_for(Field("f", "F", kind, custom=custom), tz)(value)


@pytest.mark.parametrize("kind", list(Kind))
@FEW
@given(custom=st.booleans(), value=ANYTHING, tz=st.sampled_from(ZONES))
def test_encoding_any_value_raises_nothing_but_wire_value_error(
    kind: Kind, custom: bool, value: Any, tz: tzinfo
) -> None:
    _encode_all(Field("f", "F", kind, custom=custom), value, tz)


@FEW
@given(raw=st.dictionaries(st.sampled_from([f.name for f in LEAD.fields] + ["stray"]),
                           ANYTHING, max_size=8))
def test_a_whole_record_of_anything_decodes(raw: dict[str, Any]) -> None:
    decoded = RecordCodec(LEAD).decode(raw)
    assert decoded.keys() == raw.keys()


# -- round trips ---------------------------------------------------------------------------

# JSON-kind values are structures: a string is what the wire carries them as.
JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers(-(2**53), 2**53) | st.text()
    | st.floats(allow_nan=False, allow_infinity=False),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=5), inner,
                                                               max_size=3),
    max_leaves=8,
)


def valid_values(kind: Kind, tz: tzinfo) -> st.SearchStrategy[Any]:
    """Values of ``kind`` that a person could save and expect to read back unchanged."""
    match kind:
        case Kind.TEXT | Kind.LONG_TEXT | Kind.ENUM:
            # Text arrives HTML-encoded at times, so "&amp;" reads back as "&" by design.
            return st.text(min_size=1).filter(lambda s: unescape(s) == s)
        case Kind.INT | Kind.REFERENCE:
            return st.integers(-(2**63), 2**63)
        case Kind.DECIMAL:
            return st.floats(allow_nan=False, allow_infinity=False)
        case Kind.MONEY:
            return st.decimals(allow_nan=False, allow_infinity=False, places=2,
                               min_value=Decimal("-1e15"), max_value=Decimal("1e15"))
        case Kind.BOOL:
            return st.booleans()
        case Kind.DATE:
            return st.dates()
        case Kind.DATETIME:
            # Whole seconds (the wire has no fractions), any instant whose local time exists.
            return st.datetimes(min_value=datetime(1, 1, 2), max_value=datetime(9999, 12, 30),
                                timezones=st.just(UTC)).map(
                lambda d: d.replace(microsecond=0))
        case Kind.JSON:
            return st.one_of(st.lists(JSON_VALUES, max_size=3),
                             st.dictionaries(st.text(max_size=5), JSON_VALUES, max_size=3))
    raise AssertionError(kind)


# v1 speaks the account's zone without an offset, so an instant in the hour a zone repeats
# (the autumn change) cannot come back; fixed offsets and UTC have no such hour.
FIXED_ZONES: list[tzinfo] = [UTC, timezone(timedelta(hours=-5)), timezone(timedelta(hours=14))]


@st.composite
def field_and_value(draw: st.DrawFn) -> tuple[Field, tzinfo, Any]:
    field = draw(st.sampled_from(FIELDS))
    tz = draw(st.sampled_from(FIXED_ZONES))
    return field, tz, draw(valid_values(field.kind, tz))


@FEW
@given(case=field_and_value())
def test_a_valid_value_reads_back_equal_after_a_read_encoding(
    case: tuple[Field, tzinfo, Any]
) -> None:
    field, tz, value = case
    assert decoder_for(field, tz)(encode_read(field, value, tz)) == value


@FEW
@given(case=field_and_value())
def test_a_valid_value_reads_back_equal_after_a_write_encoding(
    case: tuple[Field, tzinfo, Any]
) -> None:
    field, tz, value = case
    assert decoder_for(field, tz)(encode_write(field, value, tz)) == value


@FEW
@given(amount=valid_values(Kind.MONEY, UTC), close=valid_values(Kind.DATE, UTC),
       won=st.booleans(), stage=st.integers(1, 2**31))
def test_a_record_round_trips_through_its_codec(
    amount: Decimal, close: date, won: bool, stage: int
) -> None:
    codec = RecordCodec(OPPORTUNITY)
    record = {"amount": amount, "isWon": won, "dealStageID": stage, "closeDate": close}
    assert codec.decode(codec.encode_read(record)) == record
