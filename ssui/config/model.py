"""What a connection is: a saved profile, plus the secret key that signs its calls."""

import re
from typing import Any

from pydantic import (
    BaseModel,
    ConfigDict,
    SecretStr,
    ValidationError,
    ValidationInfo,
    field_validator,
    model_validator,
)

from ssui.api.endpoint import (
    API_VERSIONS,
    DEFAULT_API_VERSION,
    DEFAULT_BASE_URL,
    endpoint_url,
    split_version,
)

# Names ssui itself creates: they are typed on the command line and used as TOML keys, so
# keep them to characters that need no quoting in either place.
_PROFILE_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9_-]{0,63}")


class Profile(BaseModel):
    """A saved connection without its secret: what config.toml holds for one name."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    name: str
    account_id: str
    api_version: str = DEFAULT_API_VERSION
    base_url: str = DEFAULT_BASE_URL
    # Who the user is in the account (a user id or an email): the API does not say, and the
    # watches' and the Activity filter's "mine" needs it.
    me: str | None = None

    @model_validator(mode="before")
    @classmethod
    def _version_from_base_url(cls, data: Any) -> Any:
        # A base URL pasted with its version (".../pubapi/v1.2/") means that version, unless
        # api_version says another: then the base_url check below names both. No api_version
        # (or None) means the URL's, else the default.
        if not isinstance(data, dict):
            return data
        data = dict(data)
        if data.get("api_version", "") is None:
            del data["api_version"]
        url = data.get("base_url")
        if isinstance(url, str):
            base, in_url = split_version(url)
            given = data.get("api_version")
            if in_url is not None and given in (None, in_url):
                data.update(base_url=base, api_version=in_url)
        return data

    @field_validator("account_id", mode="before")
    @classmethod
    def _account_id_is_text_or_number(cls, value: Any) -> Any:
        # TOML users write `account_id = 12345` as readily as a string; both mean the same id.
        if isinstance(value, int) and not isinstance(value, bool):
            return str(value)
        if not isinstance(value, str):
            raise ValueError("must be a string or a whole number")
        value = value.strip()
        if not value or any(ch.isspace() for ch in value):
            raise ValueError("must be a non-empty id without spaces")
        return value

    @field_validator("me", mode="before")
    @classmethod
    def _me_is_a_user_id_or_email(cls, value: Any) -> Any:
        if isinstance(value, int) and not isinstance(value, bool) and value > 0:
            return str(value)
        if isinstance(value, str) and (value.strip().isdigit() or "@" in value):
            return value.strip()
        if value is None:
            return None
        raise ValueError("must be your user id or your email address in the account")

    @field_validator("api_version")
    @classmethod
    def _api_version_is_known(cls, value: str) -> str:
        if value not in API_VERSIONS:
            raise ValueError(f"unknown API version {value!r}; use one of {', '.join(API_VERSIONS)}")
        return value

    @field_validator("base_url")
    @classmethod
    def _base_url_is_usable(cls, value: str, info: ValidationInfo) -> str:
        # The client's own rule (https, or http to loopback only; a version in the URL must be
        # the profile's), checked when the profile is read rather than on its first call.
        value = value.strip().rstrip("/")
        version = info.data.get("api_version")
        if version not in API_VERSIONS:  # refused on its own already
            version = split_version(value)[1] or DEFAULT_API_VERSION
        endpoint_url(value, version)
        return value

    def with_secret(self, secret_key: str | SecretStr) -> "Connection":
        """This profile plus its secret key."""
        if isinstance(secret_key, str):
            secret_key = SecretStr(secret_key)
        return Connection(**self.model_dump(), secret_key=secret_key)


class Connection(Profile):
    """Everything needed to call the API. repr, str and dumps show the secret as stars."""

    secret_key: SecretStr

    @field_validator("secret_key")
    @classmethod
    def _secret_is_not_blank(cls, value: SecretStr) -> SecretStr:
        stripped = value.get_secret_value().strip()
        if not stripped:
            raise ValueError("must not be empty")
        return SecretStr(stripped)

    @property
    def profile(self) -> Profile:
        """The part of the connection that may be shown and saved in config.toml."""
        return Profile(**self.model_dump(exclude={"secret_key"}))


def check_profile_name(name: str) -> str:
    """Return `name` if ssui may save a profile under it; raise ValueError saying why not."""
    if not _PROFILE_NAME.fullmatch(name):
        raise ValueError(
            f"profile name {name!r} must start with a letter or digit and hold only letters, "
            "digits, '-' and '_' (at most 64)"
        )
    return name


def describe_validation_error(
    exc: ValidationError, field_names: dict[str, str] | None = None
) -> str:
    """One line for the first problem pydantic found, e.g. `api_version: Input should be ...`.

    `field_names` renames fields in the message (to an env var name, for instance).
    """
    errors = exc.errors(include_url=False)
    first = errors[0]
    field = ".".join(str(part) for part in first["loc"]) or "value"
    field = (field_names or {}).get(field, field)
    if first["type"] == "value_error":
        message = str(first.get("ctx", {}).get("error", first["msg"]))
    elif first["type"] == "extra_forbidden":
        message = "unknown key"
    elif first["type"] == "missing":
        message = "missing"
    else:
        message = first["msg"]
    more = f" (and {len(errors) - 1} more)" if len(errors) > 1 else ""
    return f"{field}: {message}{more}"
