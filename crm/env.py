"""Read Tend's configuration from environment variables, and from a .env file beneath them.

``load_env_file`` fills in, from a file of ``NAME=value`` lines, the variables the environment
does not set: a variable set in the environment always wins, so
``DATABASE_URL=postgres://… make test`` means PostgreSQL whatever ``.env`` says.

Every reader raises ``ImproperlyConfigured`` naming the variable when its value is malformed, so
a typo in a deployment fails at start-up with a message that says what to fix, never later.
"""

import os
import re
import zoneinfo
from collections.abc import Mapping, MutableMapping
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

TRUE_WORDS = {"1", "true", "yes", "on"}
FALSE_WORDS = {"0", "false", "no", "off"}
ENV_LINE = re.compile(r"^(?:export\s+)?([A-Za-z_][A-Za-z0-9_]*)\s*=\s*(.*)$")


def read_env_file(path: Path) -> dict[str, str]:
    """Return the ``NAME=value`` pairs of a .env file; an absent file gives none.

    Blank lines and lines starting with ``#`` are skipped, an ``export`` prefix is allowed, a
    value may be wrapped in single or double quotes (kept as written inside them), and an
    unquoted value ends at a blank followed by ``#``. Nothing is expanded.
    """
    try:
        text = path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        return {}
    values = {}
    for number, line in enumerate(text.splitlines(), start=1):
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        match = ENV_LINE.match(line)
        if not match:
            raise ImproperlyConfigured(
                f"{path}, line {number}: expected NAME=value, not {line[:40]!r}."
            )
        name, value = match.groups()
        if len(value) >= 2 and value[0] == value[-1] and value[0] in "'\"":
            value = value[1:-1]
        else:
            value = re.split(r"\s+#", value, maxsplit=1)[0].strip()
        values[name] = value
    return values


def load_env_file(path: Path, environ: MutableMapping[str, str] | None = None) -> None:
    """Set each variable of the file that the environment does not set already."""
    environ = os.environ if environ is None else environ
    for name, value in read_env_file(path).items():
        environ.setdefault(name, value)


def env_str(name: str, default: str = "", *, environ: Mapping[str, str] = os.environ) -> str:
    """Return the variable's value stripped of surrounding blanks, or the default when unset."""
    value = environ.get(name)
    if value is None or not value.strip():
        return default
    return value.strip()


def env_bool(name: str, default: bool, *, environ: Mapping[str, str] = os.environ) -> bool:
    """Return the variable as a boolean; accepts 1/0, true/false, yes/no, on/off."""
    value = env_str(name, environ=environ).lower()
    if not value:
        return default
    if value in TRUE_WORDS:
        return True
    if value in FALSE_WORDS:
        return False
    raise ImproperlyConfigured(
        f"{name} must be one of {sorted(TRUE_WORDS | FALSE_WORDS)}, not {value!r}."
    )


def env_int(
    name: str, default: int, *, minimum: int = 0, environ: Mapping[str, str] = os.environ
) -> int:
    """Return the variable as a whole number no smaller than ``minimum``."""
    value = env_str(name, environ=environ)
    if not value:
        return default
    try:
        number = int(value)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be a whole number, not {value!r}.") from None
    if number < minimum:
        raise ImproperlyConfigured(f"{name} must be at least {minimum}, not {number}.")
    return number


def env_choice(
    name: str, default: str, choices: set[str], *, environ: Mapping[str, str] = os.environ
) -> str:
    """Return the variable's value, which must be one of ``choices`` (compared in upper case)."""
    value = env_str(name, default, environ=environ).upper()
    if value not in choices:
        raise ImproperlyConfigured(f"{name} must be one of {sorted(choices)}, not {value!r}.")
    return value


def env_list(
    name: str, default: list[str], *, environ: Mapping[str, str] = os.environ
) -> list[str]:
    """Return a comma-separated variable as a list of non-empty items."""
    value = env_str(name, environ=environ)
    if not value:
        return list(default)
    return [item.strip() for item in value.split(",") if item.strip()]


def env_origins(
    name: str, default: list[str], *, environ: Mapping[str, str] = os.environ
) -> list[str]:
    """Return a list of origins, each with its scheme (Django refuses bare host names)."""
    origins = env_list(name, default, environ=environ)
    for origin in origins:
        if not origin.startswith(("http://", "https://")):
            raise ImproperlyConfigured(
                f"{name} must list origins with their scheme, e.g. https://tend.example.com; "
                f"{origin!r} has none."
            )
    return origins


def env_phone_region(name: str, default: str, *, environ: Mapping[str, str] = os.environ) -> str:
    """Return a region code that the phone number library knows, such as US or GB."""
    import phonenumbers

    value = env_str(name, default, environ=environ).upper()
    if value not in phonenumbers.SUPPORTED_REGIONS:
        raise ImproperlyConfigured(
            f"{name} must be a two-letter region code such as US, GB or DE, not {value!r}."
        )
    return value


def env_time_zone(name: str, default: str, *, environ: Mapping[str, str] = os.environ) -> str:
    """Return an IANA time zone name, checked against the zone database."""
    value = env_str(name, default, environ=environ)
    try:
        zoneinfo.ZoneInfo(value)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        raise ImproperlyConfigured(
            f"{name} must be an IANA time zone such as Europe/Berlin, not {value!r}."
        ) from None
    return value


def env_database(name: str, default: str, *, environ: Mapping[str, str] = os.environ) -> dict:
    """Return a Django DATABASES entry parsed from a database URL.

    SQLite gets WAL mode and immediate transactions: the web server and the Celery worker write
    to the same file, and without them concurrent writers fail with "database is locked".
    """
    url = env_str(name, default, environ=environ)
    try:
        config = dj_database_url.parse(url, conn_max_age=60, conn_health_checks=True)
    except (ValueError, KeyError) as error:
        raise ImproperlyConfigured(f"{name} is not a usable database URL: {error}") from None
    if not config.get("ENGINE"):
        raise ImproperlyConfigured(f"{name} names no database engine: {url!r}.")
    if config["ENGINE"] == "django.db.backends.sqlite3":
        config["CONN_MAX_AGE"] = 0
        config.setdefault("OPTIONS", {}).update(
            {
                "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
                "transaction_mode": "IMMEDIATE",
                "timeout": 20,
            }
        )
    return config


def env_broker_url(name: str, default: str, *, environ: Mapping[str, str] = os.environ) -> str:
    """Return a Celery broker URL; only the transports Tend is tested on are accepted."""
    url = env_str(name, default, environ=environ)
    scheme = url.split("://", 1)[0] if "://" in url else ""
    if scheme not in {"filesystem", "redis", "rediss", "memory"}:
        raise ImproperlyConfigured(
            f"{name} must be filesystem://, redis://host:port/db or rediss://…, not {url!r}."
        )
    return url
