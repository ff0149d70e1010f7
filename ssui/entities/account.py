"""Account: a company that leads and opportunities belong to."""

from .build import integer, money, phone, record_id, ref, text, timestamps, url
from .model import Entity, Field, Method, Methods

_PARTS = ("StreetAddress", "City", "State", "PostalCode", "Country")


def _address(prefix: str, label: str) -> tuple[Field, ...]:
    return (
        text(f"{prefix}StreetAddress", f"{label} street"),
        text(f"{prefix}City", f"{label} city", searchable=prefix == "billing"),
        text(f"{prefix}State", f"{label} state"),
        text(f"{prefix}PostalCode", f"{label} postal code"),
        text(f"{prefix}Country", f"{label} country"),
    )


ACCOUNT = Entity(
    key="account",
    label="Account",
    plural="Accounts",
    methods=Methods(
        get=Method("getAccount", "account"),
        list=Method("getAccounts", "account"),
        date_range=Method("getAccountsDateRange", "account"),
        create="createAccounts",
        update="updateAccounts",
        delete="deleteAccounts",
        where_keys=("id", "ownerID"),
    ),
    fields=(
        record_id(),
        text("accountName", "Name", required=True, searchable=True),
        ref("ownerID", "Owner", "user_profile"),
        text("industry", "Industry"),
        phone("phone", "Phone"),
        money("annualRevenue", "Annual revenue"),
        integer("numberOfEmployees", "Employees"),
        url("website", "Website"),
        integer("yearStarted", "Year started"),
        phone("fax", "Fax"),
        *_address("billing", "Billing"),
        *_address("shipping", "Shipping"),
        *timestamps(),
    ),
    name_fields=("accountName",),
    sections=(
        ("Account", ("accountName", "ownerID", "industry", "phone", "fax", "website")),
        ("Size", ("annualRevenue", "numberOfEmployees", "yearStarted")),
        ("Billing address", tuple(f"billing{p}" for p in _PARTS)),
        ("Shipping address", tuple(f"shipping{p}" for p in _PARTS)),
    ),
    columns=("id", "accountName", "industry", "billingCity", "billingCountry", "annualRevenue",
             "numberOfEmployees", "ownerID", "updateTimestamp"),
    custom_relationship="account",
)
