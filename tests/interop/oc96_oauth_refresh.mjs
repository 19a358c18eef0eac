// The real OpenClaw 2026.9.6 refreshing an OAuth profile with its OWN code: resolveApiKeyForProfile, whose
// OAuth manager runs refreshOAuthTokenWithLock (its refresh lock, the fence claim, the openai plugin's token
// call, the settlement) exactly as its gateway and CLI do. Read-only use of its dist/.
//
//   node oc96_oauth_refresh.mjs seed <profileId>      credential JSON on stdin -> upsertAuthProfileWithLock
//   node oc96_oauth_refresh.mjs refresh <profileId>   prints {"ready"}, waits for a "go" line, refreshes,
//                                                     prints {"result": ...}
//
// Environment: OPENCLAW_DIST, OPENCLAW_STATE_DIR, OC96_TOKEN_URL (the loopback test server's token endpoint),
// OC96_CLIENT_ID (the client id registered there), optionally OC96_WATCH_CLAIM (below).
//
// The token endpoint is hard-coded in 9.6 (https://auth.openai.com/oauth/token, SSRF-guarded with a host
// allowlist). 9.6's guarded fetch keeps a test-injected global fetch (a function with a `mock` property, the
// Vitest convention its fetch-guard / runtime-fetch honour) and then calls it with the real URL and no
// DNS pinning; that fetch forwards exactly that one request to the loopback server (refusing any other URL),
// with 9.6's client id swapped for the test server's. Every line printed is one JSON object; tokens are
// never printed, only a fingerprint (sha256 hex, first 16, as tests/support/oauth_server.token_fingerprint).
import crypto from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import readline from "node:readline";
import { StatementSync } from "node:sqlite";

const dist = process.env.OPENCLAW_DIST;
if (!dist) throw new Error("OPENCLAW_DIST is not set");
const OPENAI_TOKEN_URL = "https://auth.openai.com/oauth/token";
const OPENAI_CLIENT_ID = "app_EMoamEEZ73f0CkXaXp7hrann";  // 9.6's (openai-chatgpt-oauth-token.runtime)
const FENCE = "openclaw-oauth-refresh-fence:v1:";

const out = (obj) => process.stdout.write(JSON.stringify(obj) + "\n");
const fingerprint = (token) => crypto.createHash("sha256").update(token ?? "").digest("hex").slice(0, 16);

// --- the token request, redirected ------------------------------------------------------------------------
const realFetch = globalThis.fetch;
let tokenCalls = 0;
const redirect = async (input, init = {}) => {
  const url = typeof input === "string" ? input : input instanceof URL ? input.href : input.url;
  if (url !== OPENAI_TOKEN_URL) throw new Error(`unexpected fetch of ${url}`);
  const form = new URLSearchParams(String(init.body ?? ""));
  if (form.get("client_id") !== OPENAI_CLIENT_ID) throw new Error("9.6 did not send its own client id");
  form.set("client_id", process.env.OC96_CLIENT_ID);
  tokenCalls += 1;
  out({ tokenCall: form.get("grant_type") });
  return await realFetch(process.env.OC96_TOKEN_URL, {
    method: init.method ?? "POST",
    headers: init.headers,
    body: form.toString(),
    signal: init.signal,
  });
};
redirect.mock = { calls: [] };  // what 9.6's isMockedFetch looks for
globalThis.fetch = redirect;

// --- seeing 9.6 read someone else's pending fence (so a test knows it is waiting, without sleeping) ---------
// 9.6 reads its stores through node:sqlite in this thread. With OC96_WATCH_CLAIM set (the claim id of a pending
// fence someone else wrote), each read whose rows hold that claim's marker is reported, numbered: a refresher
// that keeps reading it is waiting for that refresh to settle.
// Without it, reads of any pending fence are only counted (`pendingFenceReads` in the result).
const watchClaim = process.env.OC96_WATCH_CLAIM;
const PENDING = /openclaw-oauth-refresh-fence:v1:[a-f0-9]{32}:access:/;
let fenceReads = 0;
let pendingFenceReads = 0;
const watchRows = (rows) => {
  const text = JSON.stringify(rows ?? null);
  if (!text.includes(FENCE)) return rows;
  if (PENDING.test(text)) pendingFenceReads += 1;
  if (watchClaim && text.includes(`${FENCE}${watchClaim}:access:`)) {
    fenceReads += 1;
    out({ sawPendingFence: fenceReads });
  }
  return rows;
};
for (const method of ["get", "all"]) {
  const original = StatementSync.prototype[method];
  StatementSync.prototype[method] = function (...args) {
    return watchRows(original.apply(this, args));
  };
}

// --- 9.6's bundled functions, found by name (as oc96_refresh.mjs does) -------------------------------------
async function binding(chunkPrefix, name, reexport = false) {
  const escaped = name.replace(/[$]/g, "\\$");
  const decl = new RegExp(`^(?:async )?(?:function|const|let|class) ${escaped}(?![\\w$])`, "m");
  for (const file of fs.readdirSync(dist).sort()) {
    if (!file.startsWith(chunkPrefix) || !file.endsWith(".mjs")) continue;
    const full = path.join(dist, file);
    const src = fs.readFileSync(full, "utf8");
    if (!decl.test(src) && !reexport) continue;
    const exp = src.match(/^export \{([^}]*)\};?\s*$/m);
    if (!exp) continue;
    for (const part of exp[1].split(",")) {
      const [local, alias] = part.trim().split(/\s+as\s+/);
      if (local === name) return (await import(full))[alias ?? local];
    }
  }
  throw new Error(`${name} not found in ${dist}/${chunkPrefix}*.mjs`);
}

const readStdin = async () => {
  const chunks = [];
  for await (const chunk of process.stdin) chunks.push(chunk);
  return Buffer.concat(chunks).toString("utf8");
};

const [command, profileId] = process.argv.slice(2);
switch (command) {
  case "seed": {
    const upsert = await binding("profiles-", "upsertAuthProfileWithLock");
    const credential = JSON.parse(await readStdin());
    const ok = await upsert({ profileId, credential });
    out({ seeded: Boolean(ok) });
    break;
  }
  case "refresh": {
    const resolveApiKeyForProfile = await binding("oauth-", "resolveApiKeyForProfile");
    const ensureAuthProfileStore = await binding("store-runtime-", "ensureAuthProfileStore", true);
    // Warm up what the first refresh would load (the plugin runtime, the openai plugin), so that the race
    // starts at "go" for both tools rather than after 9.6's module loading.
    const refreshCapability = await binding("provider-runtime.runtime-", "resolveProviderOAuthRefreshCapabilityWithPlugin");
    const capability = await refreshCapability({ provider: "openai" });
    if (capability?.status !== "available") throw new Error(`9.6 cannot refresh openai: ${JSON.stringify(capability)}`);
    const lines = readline.createInterface({ input: process.stdin })[Symbol.asyncIterator]();
    out({ ready: true, pid: process.pid });
    const go = await lines.next();
    if (go.done || go.value.trim() !== "go") process.exit(0);
    try {
      const store = ensureAuthProfileStore();
      const resolved = await resolveApiKeyForProfile({ store, profileId });
      const cred = resolved?.credential;
      out({ result: true, ok: Boolean(resolved), tokenCalls, pendingFenceReads, access: resolved ? fingerprint(resolved.apiKey) : null,
        credentialAccess: cred ? fingerprint(cred.access) : null, expires: cred?.expires ?? null });
    } catch (err) {
      out({ result: true, ok: false, tokenCalls, pendingFenceReads, error: String(err?.message ?? err).slice(0, 2000) });
    }
    break;
  }
  default:
    throw new Error(`unknown command ${command}`);
}
process.exit(0);
