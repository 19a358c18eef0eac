"""The documented `--json` outputs of the `openclaw` command line (pydantic models).

Only masked secrets ever appear here. Field names are camelCase, as in OpenClaw's own files.
Each model forbids unknown fields so that the tests notice any drift between output and model.

- `openclaw models status --json`        -> StatusOutput
- `openclaw models auth order get --json` -> OrderOutput
- `openclaw agents list --json`           -> AgentsOutput
- `openclaw channels list --json`         -> ChannelsOutput
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Literal

from pydantic import BaseModel, ConfigDict

if TYPE_CHECKING:
    from openclaw_onboard.core.status import AgentStatus, ProfileStatus

StatusKind = Literal["ok", "expiring", "expired", "missing", "static"]


class _Out(BaseModel):
    model_config = ConfigDict(extra="forbid")

    def json_text(self) -> str:
        """The document, indented. A lone surrogate (JSON may carry `\\ud800` in an id or an email, and it has
        no UTF-8 form) makes pydantic's serialiser refuse; json.dumps keeps it, and the caller's clean_block
        shows it as `?`."""
        try:
            return self.model_dump_json(indent=2)
        except ValueError:  # pydantic_core.PydanticSerializationError
            import json

            return json.dumps(self.model_dump(mode="json"), indent=2, ensure_ascii=False)


class ProfileOut(_Out):
    id: str
    provider: str
    type: Literal["oauth", "token", "api_key"]
    status: StatusKind
    expires: int | None  # ms since the epoch
    remainingMs: int | None
    remaining: str | None  # "5h" (absolute value; see `expiry` for the sign)
    expiry: str  # "expires in 5h" | "expired 3d ago" | "static" | "no expiry recorded"
    masked: str  # e.g. "sk-ant-o...Gg3eWffP"; never the secret
    email: str | None
    accountId: str | None
    source: str  # store | legacy | claude-cli | codex-cli
    cooldownUntil: int | None
    unusable: Literal["cooldown", "disabled"] | None  # while cooldownUntil is ahead
    unusableReason: str | None  # e.g. billing, rate_limit
    eligibility: str  # OpenClaw's reason code: ok | missing_credential | expired | invalid_expires | ...
    position: int | None  # 1-based place in the effective order; None = not used
    ref: str | None = None  # "source:provider:id" when the secret is a SecretRef (never its value)
    reason: str | None = None  # "unresolved_ref" when that ref does not resolve


class EnvKeyOut(_Out):
    name: str  # the variable name only, never its value
    source: Literal["shell", ".env"]


class ProviderOut(_Out):
    provider: str
    effective: str | None  # "profile <id>" | "env: VAR" | None
    orderSource: str  # override | config-order | config-profiles | default
    envKeys: list[EnvKeyOut]
    profiles: list[ProfileOut]


class ModelsOut(_Out):
    defaultModel: str
    resolvedDefault: str
    fallbacks: list[str]
    imageModel: str | None
    imageFallbacks: list[str]


class EraOut(_Out):
    kind: Literal["file", "sqlite"]  # file: auth-profiles.json (<= 2026.6.4); sqlite: 2026.6.5+ (read-only here)
    release: str | None  # e.g. 2026.9.6, from the state database; None when it does not say


class StatusOutput(_Out):
    agent: str
    storePath: str
    storeExists: bool
    now: int
    providers: list[ProviderOut]
    missing: list[str]  # providers in use (see `models`) without any auth: OpenClaw's missingProvidersInUse
    models: ModelsOut
    providersInUse: list[str]
    inheritsMain: bool  # a sub-agent also uses main's profiles
    problems: list[str]
    warnings: list[str]
    exitCode: Literal[0, 1, 2]  # what --check exits with
    era: EraOut  # which OpenClaw owns the state dir (core.era)


class OrderOutput(_Out):
    agent: str
    provider: str
    override: list[str] | None  # the per-agent override, as stored
    effective: list[str]
    source: str  # override | config-order | config-profiles | default


class AgentOut(_Out):
    id: str
    default: bool
    profileCount: int
    worstStatus: StatusKind | None
    storePath: str
    error: str | None


class AgentsOutput(_Out):
    agents: list[AgentOut]


class ChatChannelOut(_Out):
    id: str
    enabled: bool | None


class AuthProfileOut(_Out):
    id: str
    provider: str
    type: Literal["oauth", "token", "api_key"]


class ChannelsOutput(_Out):
    chat: list[ChatChannelOut]
    auth: list[AuthProfileOut]


def _profile_out(p: ProfileStatus) -> ProfileOut:
    return ProfileOut(
        id=p.profile_id, provider=p.provider, type=p.type, status=p.status, expires=p.expires_ms,
        remainingMs=p.remaining_ms, remaining=p.remaining_human, expiry=p.expiry_text, masked=p.masked,
        email=p.email, accountId=p.account_id, source=p.source, cooldownUntil=p.cooldown_until or None,
        unusable=p.unusable_kind, unusableReason=p.unusable_reason, eligibility=p.reason_code, position=p.position,
        ref=p.ref, reason=p.reason,
    )


def status_output(status: AgentStatus, exit_code: int) -> StatusOutput:
    from openclaw_onboard.core.agentconfig import model_lines

    m = status.models or model_lines({})
    return StatusOutput(
        agent=status.agent_id,
        storePath=str(status.store_path),
        storeExists=status.store_exists,
        era=EraOut(kind=status.era, release=status.era_release),
        now=status.now_ms,
        providers=[
            ProviderOut(
                provider=ps.provider, effective=ps.effective, orderSource=ps.order_source,
                envKeys=[EnvKeyOut(name=k.var, source=k.source) for k in ps.env],
                profiles=[_profile_out(p) for p in ps.profiles],
            )
            for ps in status.providers
        ],
        missing=list(status.missing_providers),
        models=ModelsOut(defaultModel=m.default, resolvedDefault=m.resolved, fallbacks=list(m.fallbacks),
                         imageModel=m.image, imageFallbacks=list(m.image_fallbacks)),
        providersInUse=list(status.providers_in_use),
        inheritsMain=status.inherits_main,
        problems=list(status.problems),
        warnings=list(status.warnings),
        exitCode=exit_code,
    )
