"""Which connection a command uses: a saved profile, the environment, or both."""

import os

from pydantic import SecretStr, ValidationError

from ssui.api.endpoint import split_version
from ssui.config.errors import ConfigError
from ssui.config.model import Connection, Profile, describe_validation_error
from ssui.config.paths import config_paths
from ssui.config.profiles import no_such_profile, read_config, saved_secret

PROFILE_ENV = "SSUI_PROFILE"
ACCOUNT_ID_ENV = "SHARPSPRING_ACCOUNT_ID"
SECRET_KEY_ENV = "SHARPSPRING_SECRET_KEY"
BASE_URL_ENV = "SHARPSPRING_BASE_URL"
API_VERSION_ENV = "SHARPSPRING_API_VERSION"

# The name shown for a connection made from the environment alone; not a valid profile name,
# so it can never be mistaken for a saved one.
ENVIRONMENT_ONLY = "(environment)"

_OVERRIDES = {
    "account_id": ACCOUNT_ID_ENV,
    "base_url": BASE_URL_ENV,
    "api_version": API_VERSION_ENV,
}


def env_overrides() -> list[str]:
    """The SHARPSPRING_* variables set (non-empty) in the environment, by name."""
    return [name for name in (*_OVERRIDES.values(), SECRET_KEY_ENV) if os.environ.get(name)]


def resolve_profile(profile_name: str | None = None) -> Profile:
    """The profile a command should use, with the environment's overrides applied.

    Choice: `profile_name` > $SSUI_PROFILE > default_profile > the only saved profile;
    with none of those, SHARPSPRING_ACCOUNT_ID alone makes a profile.
    """
    chosen = _choose_profile(profile_name)
    overrides = {field: os.environ[var] for field, var in _OVERRIDES.items() if os.environ.get(var)}
    base = {} if chosen is None else chosen.model_dump()
    if "api_version" not in overrides and split_version(overrides.get("base_url", ""))[1]:
        # $SHARPSPRING_BASE_URL with its version (".../pubapi/v1") overrides the profile's
        # version too; only $SHARPSPRING_API_VERSION saying another is a conflict.
        base.pop("api_version", None)
    try:
        return Profile.model_validate({"name": ENVIRONMENT_ONLY, **base, **overrides})
    except ValidationError as exc:
        raise ConfigError(describe_validation_error(exc, _OVERRIDES)) from None


def find_secret(profile: Profile) -> SecretStr | None:
    """The secret key for `profile`: $SHARPSPRING_SECRET_KEY, else the saved one."""
    from_env = os.environ.get(SECRET_KEY_ENV, "").strip()
    if from_env:
        return SecretStr(from_env)
    if profile.name == ENVIRONMENT_ONLY:
        return None
    return saved_secret(profile.name)


def resolve_connection(profile_name: str | None = None) -> Connection:
    """The connection a command should use (see resolve_profile); ConfigError if incomplete."""
    profile = resolve_profile(profile_name)
    secret = find_secret(profile)
    if secret is None:
        if profile.name == ENVIRONMENT_ONLY:
            raise ConfigError(f"{ACCOUNT_ID_ENV} is set but {SECRET_KEY_ENV} is not")
        raise ConfigError(
            f"no secret key for profile {profile.name!r} in {config_paths().credentials_file}; "
            f"run `ssui login --name {profile.name}` or set {SECRET_KEY_ENV}"
        )
    return profile.with_secret(secret)


def _choose_profile(explicit: str | None) -> Profile | None:
    config = read_config()
    for name, source in ((explicit, None), (os.environ.get(PROFILE_ENV), PROFILE_ENV)):
        if name:
            if name not in config.profiles:
                message = no_such_profile(name, config.profiles)
                raise ConfigError(f"{source}: {message}" if source else message)
            return config.profiles[name]
    if config.default is not None:
        if config.default not in config.profiles:
            problem = no_such_profile(config.default, config.profiles)
            raise ConfigError(f"{config.path}: default_profile: {problem}")
        return config.profiles[config.default]
    if len(config.profiles) == 1:
        return next(iter(config.profiles.values()))
    if os.environ.get(ACCOUNT_ID_ENV):
        return None
    if config.profiles:
        raise ConfigError(
            f"several profiles ({', '.join(config.profiles)}) and no default; pass --profile NAME "
            "or run `ssui config set-default NAME`"
        )
    if os.environ.get(SECRET_KEY_ENV):
        raise ConfigError(f"{SECRET_KEY_ENV} is set but {ACCOUNT_ID_ENV} is not")
    raise ConfigError(
        f"no connection yet: run `ssui login`, or set {ACCOUNT_ID_ENV} and {SECRET_KEY_ENV}"
    )
