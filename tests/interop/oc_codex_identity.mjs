// OpenClaw 2026.4.26's own resolveCodexAuthIdentity (extensions/openai/openai-codex-auth-identity.js, the
// module its Codex login names profiles with), applied to access tokens read as one JSON array on stdin.
// Prints one JSON array: {email, profileName} per token, null where OpenClaw leaves them undefined.
//
//   node oc_codex_identity.mjs < tokens.json      (OPENCLAW_DIST set)
import fs from "node:fs";
import path from "node:path";

const dist = process.env.OPENCLAW_DIST;
if (!dist) throw new Error("OPENCLAW_DIST is not set");
const mod = await import(path.join(dist, "extensions", "openai", "openai-codex-auth-identity.js"));
const tokens = JSON.parse(fs.readFileSync(0, "utf8"));
const out = tokens.map((accessToken) => {
  const identity = mod.resolveCodexAuthIdentity({ accessToken });
  return { email: identity.email ?? null, profileName: identity.profileName ?? null };
});
process.stdout.write(JSON.stringify(out) + "\n");
