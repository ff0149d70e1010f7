"""Where calls go, and the rule that keeps the secret key off plain HTTP."""

from __future__ import annotations

import ipaddress
from datetime import UTC, tzinfo

import httpx

API_VERSIONS = ("v1", "v1.2")
DEFAULT_API_VERSION = "v1.2"
DEFAULT_BASE_URL = "https://api.sharpspring.com/pubapi"


def is_loopback(host: str) -> bool:
    """True for localhost, 127.0.0.0/8 and ::1: traffic that never leaves the machine."""
    host = host.strip("[]").lower().rstrip(".")
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def split_version(base_url: str) -> tuple[str, str | None]:
    """``base_url`` without the API version its path may end with, and that version.

    People paste the endpoint itself (``https://api.sharpspring.com/pubapi/v1.2/``) as often
    as its base: ``("https://api.sharpspring.com/pubapi", "v1.2")``. A URL without one comes
    back as it is (trailing slashes and spaces dropped) with ``None``.
    """
    text = base_url.strip().rstrip("/")
    head, _slash, last = text.rpartition("/")
    version = next((v for v in API_VERSIONS if v == last.lower()), None)
    scheme_end = text.find("://")
    if version is None or scheme_end < 0 or "?" in text or "#" in text:
        return text, None
    path_start = text.find("/", scheme_end + 3)
    if path_start < 0 or len(head) < path_start:  # "https://v1": that is the host
        return text, None
    return head, version


def version_conflict(base_url: str, in_url: str, api_version: str) -> str:
    """The one line for a base URL whose version is not the API version asked for."""
    return (f"the base URL {base_url.strip()!r} names API version {in_url} but the API version"
            f" is set to {api_version}; drop /{in_url} from the URL or set one version")


def endpoint_url(base_url: str, api_version: str) -> httpx.URL:
    """The one URL every call is POSTed to, after checking version and scheme.

    A base URL may end with the version already (``.../pubapi/v1.2/``); it must then be
    ``api_version``. Plain http is allowed only to loopback hosts (the sandbox): anywhere
    else it would send the secret key, which travels in the query string, across the network
    in clear text.
    """
    if api_version not in API_VERSIONS:
        raise ValueError(
            f"unknown SharpSpring API version {api_version!r}; use one of {', '.join(API_VERSIONS)}"
        )
    base, in_url = split_version(base_url)
    if in_url is not None and in_url != api_version:
        raise ValueError(version_conflict(base_url, in_url, api_version))
    try:
        url = httpx.URL(f"{base}/{api_version}/")
    except httpx.InvalidURL as exc:
        raise ValueError(f"not a usable base URL {base_url!r}: {exc}") from None
    if not url.host:
        raise ValueError(f"the base URL {base_url!r} has no host")
    if url.scheme == "http" and not is_loopback(url.host):
        raise ValueError(
            f"refusing plain http to {url.host}: the secret key would travel unencrypted; "
            "use https (http is allowed only for localhost)"
        )
    if url.scheme not in ("http", "https"):
        raise ValueError(f"the base URL must start with https://, got {base_url!r}")
    if url.query:
        raise ValueError("the base URL must not carry a query string; credentials are added")
    return url


def zone_for(api_version: str, account_tz: tzinfo | None) -> tzinfo:
    """The zone the API speaks: UTC for v1.2, the account's profile zone for v1 (§5)."""
    return UTC if api_version == "v1.2" else (account_tz or UTC)
