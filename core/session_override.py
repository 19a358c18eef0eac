"""`/model <alias>@<profileId>`: pin a session to one credential, with OpenClaw's error texts."""

from __future__ import annotations

from openclaw_onboard.core.errors import ProfileNotFoundError, ValidationError
from openclaw_onboard.core.models import AuthProfileStore


def split_model_ref(text: str) -> tuple[str, str | None]:
    """`Opus@anthropic:work` -> ("Opus", "anthropic:work").

    The profile part starts after the first `@` that follows the last `/`, so model ids that
    contain `@` before a slash (`org@x/model`) keep it.
    """
    text = (text or "").strip()
    if text.startswith("/model"):
        text = text[len("/model"):].strip()
    slash = text.rfind("/")
    at = text.find("@", slash + 1)
    if at < 0:
        return text, None
    model, profile = text[:at], text[at + 1:].strip()
    return model, (profile or None)


def resolve(text: str, store: AuthProfileStore, provider: str | None = None) -> tuple[str, str | None]:
    """Validate the profile part against the store (and the model's provider, when known)."""
    model, profile_id = split_model_ref(text)
    if not model:
        raise ValidationError("No model given before '@'.")
    if profile_id is None:
        return model, None
    cred = store.profiles.get(profile_id)
    if cred is None:
        raise ProfileNotFoundError(f'Auth profile "{profile_id}" not found.')
    if provider is None and "/" in model:
        provider = model.split("/", 1)[0]
    if provider is not None and cred.provider != provider:
        raise ValidationError(f'Auth profile "{profile_id}" is for {cred.provider}, not {provider}.')
    return model, profile_id
