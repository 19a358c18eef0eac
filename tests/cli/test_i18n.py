"""The command line speaks the reader's language, and its machine interfaces never change with it.

--json (models status, order get, agents list, doctor), --plain and exit codes are byte-identical
under every language, whether chosen by OPENCLAW_LANG or by the POSIX locale variables; the human
text is translated with the docs' own terms (core/locale/GLOSSARY.md).
"""

from __future__ import annotations

import pytest

from tests.conftest import EXAMPLE_STORE

# How a language reaches the CLI: OPENCLAW_LANG, or the locale variables a shell sets.
LANG_ENVS = {
    "en": {"OPENCLAW_LANG": "en"},
    "ko": {"OPENCLAW_LANG": "ko"},
    "ja": {"OPENCLAW_LANG": "ja"},
    "zh_TW": {"OPENCLAW_LANG": "zh_TW"},
    "LANG=ko_KR.UTF-8": {"LANG": "ko_KR.UTF-8"},
    "LC_ALL=ja_JP.UTF-8": {"LC_ALL": "ja_JP.UTF-8"},
    "LC_MESSAGES=zh_TW.UTF-8": {"LC_MESSAGES": "zh_TW.UTF-8"},
}

MACHINE_COMMANDS = [
    ("models", "status", "--json"),
    ("models", "status", "--json", "--check"),
    ("models", "status", "--plain"),
    ("models", "status", "--plain", "--check"),
    ("models", "auth", "order", "get", "--provider", "anthropic", "--json"),
    ("agents", "list", "--json"),
    ("doctor", "--json"),
    ("channels", "list", "--json"),
]


@pytest.fixture
def populated(make_agent, openclaw_files):
    make_agent(config=True)  # the facts doc's store: ok, expiring and static profiles
    return EXAMPLE_STORE


@pytest.mark.parametrize("args", MACHINE_COMMANDS, ids=lambda a: " ".join(a))
def test_machine_output_identical_in_every_language(cli, populated, args) -> None:
    english = cli(*args, env=LANG_ENVS["en"])
    assert english.out.strip(), english.err
    for name, env in LANG_ENVS.items():
        res = cli(*args, env=env)
        assert res.out == english.out, f"{' '.join(args)} differs under {name}"
        assert res.rc == english.rc, f"{' '.join(args)} exit code differs under {name}"


def test_check_exit_code_identical_in_every_language(cli, populated) -> None:
    codes = {name: cli("models", "status", "--check", env=env).rc for name, env in LANG_ENVS.items()}
    assert set(codes.values()) == {2}, codes  # the example store has a profile expiring within 24h


@pytest.mark.parametrize(("env", "words"), [
    ({"OPENCLAW_LANG": "ko"}, ["에이전트: main", "프로바이더:", "만료 예정", "5시간 후 만료",
                               "인증 누락: 없음"]),
    ({"LANG": "ko_KR.UTF-8"}, ["에이전트: main", "5시간 후 만료"]),
    ({"OPENCLAW_LANG": "ja"}, ["Auth store:", "まもなく期限切れ", "あと 5時間 で期限切れ",
                               "auth がない provider: なし"]),
    ({"OPENCLAW_LANG": "zh_TW"}, ["智慧代理：main", "供應商：", "即將過期", "5小時後過期", "缺少授權：無"]),
], ids=["ko", "LANG=ko", "ja", "zh_TW"])
def test_status_text_translated(cli, populated, env, words) -> None:
    res = cli("models", "status", env=env)
    assert res.rc == 0, res.err
    for word in words:
        assert word in res.out, f"{word!r} not in:\n{res.out}"
    assert "Missing auth" not in res.out and "expires in" not in res.out
    # ids, types and masked secrets are never translated
    assert "anthropic:work" in res.out and "openai-codex:me@example.com" in res.out


def test_c_locale_and_unknown_language_speak_english(cli, populated) -> None:
    for env in ({"LC_ALL": "C", "LANG": "ko_KR.UTF-8"}, {"LANG": "fr_FR.UTF-8"}, {"OPENCLAW_LANG": "xx"}):
        out = cli("models", "status", env=env).out
        assert "Agent: main" in out and "Missing auth: none" in out, env


def test_openclaw_lang_beats_locale(cli, populated) -> None:
    out = cli("models", "status", env={"OPENCLAW_LANG": "ja", "LC_ALL": "ko_KR.UTF-8"}).out
    assert "まもなく期限切れ" in out and "만료" not in out


@pytest.mark.parametrize(("lang", "words"), [
    ("ko", ["사용법: openclaw", "인증 프로파일", "옵션"]),
    ("ja", ["使い方: openclaw", "auth profile とその有効期限", "オプション"]),
    ("zh_TW", ["用法：openclaw", "授權設定檔", "選項"]),
])
def test_help_translated(cli, lang, words) -> None:
    res = cli("models", "status", "--help", env={"OPENCLAW_LANG": lang})
    assert res.rc == 0
    for word in words:
        assert word in res.out, f"{word!r} not in:\n{res.out}"
    assert "--check" in res.out and "--json" in res.out  # options are never translated


def test_documented_error_lines_stay_english(cli, populated) -> None:
    """`Auth profile "x" not found.` is the exact line OpenClaw documents; scripts match it."""
    for lang in ("en", "ko", "ja", "zh_TW"):
        res = cli("models", "auth", "order", "set", "--provider", "anthropic", "anthropic:nope",
                  env={"OPENCLAW_LANG": lang})
        assert res.rc == 1
        assert res.err == 'openclaw: Auth profile "anthropic:nope" not found.\n', lang


@pytest.mark.parametrize("args", [("models", "status", "--json"), ("models", "status", "--plain", "--check"),
                                  ("agents", "list", "--json")], ids=lambda a: " ".join(a))
def test_machine_output_loads_no_catalog(cli_env, populated, args) -> None:
    """`--json`/`--plain` never touch the catalogs, even in Korean: no language is even detected."""
    import subprocess
    import sys

    from tests.cli.conftest import ROOT

    code = (
        "import sys\n"
        "from openclaw_onboard.app.cli import main\n"
        f"rc = main({list(args)!r})\n"
        "from openclaw_onboard.core import i18n\n"
        "sys.stderr.write(f'LANG-STATE {i18n._current} {i18n._translations}')\n"
        "raise SystemExit(rc)\n"
    )
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60, cwd=ROOT,
                          env={**cli_env, "OPENCLAW_LANG": "ko"})
    assert proc.stdout.strip()
    assert "LANG-STATE None None" in proc.stderr, proc.stderr


def test_doctor_and_order_text_translated(cli, populated) -> None:
    res = cli("models", "auth", "order", "get", "--provider", "anthropic", env={"OPENCLAW_LANG": "ko"})
    assert res.rc == 0 and "적용 순서" in res.out and "anthropic:work" in res.out
    res = cli("doctor", env={"OPENCLAW_LANG": "zh_TW"})
    english = cli("doctor", env={"OPENCLAW_LANG": "en"})
    assert res.rc == english.rc
    assert "項發現" in res.out and "憑證將在 24 小時內過期" in res.out, res.out  # core's finding, translated
    assert "credential expires within 24h" in english.out


def test_core_errors_translated_documented_ones_not(cli) -> None:
    res = cli("models", "auth", "paste-token", "--provider", "openrouter", "--expires-in", "soon",
              input="sk-or-v1-" + "x" * 40, env={"OPENCLAW_LANG": "ko"})
    assert res.rc == 1 and res.err.startswith("openclaw: 잘못된 기간 'soon':"), res.err
    res = cli("models", "auth", "setup-token", input="sk-ant-oat01-short", env={"OPENCLAW_LANG": "ja"},
              one_line=False)  # the setup-token guidance comes first, on stderr
    assert res.rc == 1
    assert "claude setup-token` を実行してください" in res.err
    assert res.err_lines[-1] == "openclaw: Token looks too short; paste the full setup-token"  # OpenClaw's words
