"""The one error the config layer raises."""


class ConfigError(Exception):
    """A problem with the saved profiles or the environment, told in one line.

    The message names the file (or environment variable) and, where it helps, how to fix it.
    It never contains a secret key.
    """
