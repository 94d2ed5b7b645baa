"""Reading the environment in one place, so a missing production variable fails with a hint."""

import os

from django.core.exceptions import ImproperlyConfigured

TRUE_WORDS = {"1", "true", "yes", "on"}


def env_str(
    name: str, default: str | None = None, *, required: bool = False, hint: str = ""
) -> str:
    value = os.environ.get(name, "").strip()
    if value:
        return value
    if required:
        raise ImproperlyConfigured(
            f"The environment variable {name} must be set in production. {hint} "
            "See .env.example for every variable the portal reads."
        )
    return default or ""


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None or not value.strip():
        return default
    return value.strip().lower() in TRUE_WORDS


def env_int(name: str, default: int) -> int:
    value = os.environ.get(name, "").strip()
    if not value:
        return default
    try:
        return int(value)
    except ValueError as exc:
        raise ImproperlyConfigured(f"{name} must be a whole number, not {value!r}.") from exc


def env_list(name: str, default: list[str] | None = None) -> list[str]:
    value = os.environ.get(name, "").strip()
    if not value:
        return list(default or [])
    return [item.strip() for item in value.split(",") if item.strip()]
