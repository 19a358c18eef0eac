// Drives the real OpenClaw 2026.4.26's own functions from its published dist/ (read-only use).
// The dist files are bundler chunks named <name>-<hash>.js that export minified aliases; a
// function is found by the file that defines it and the alias its export line gives it.
//
//   node oc_bridge.mjs <command> [args...]      (OPENCLAW_DIST, OPENCLAW_STATE_DIR, HOME set)
//
// Commands print one JSON line per result, so the Python side can read them.
import fs from "node:fs";
import path from "node:path";
import readline from "node:readline";

const dist = process.env.OPENCLAW_DIST;
if (!dist) throw new Error("OPENCLAW_DIST is not set");

const cache = new Map();
async function fn(name) {
  if (cache.has(name)) return cache.get(name);
  for (const file of fs.readdirSync(dist)) {
    if (!file.endsWith(".js")) continue;
    const full = path.join(dist, file);
    const src = fs.readFileSync(full, "utf8");
    if (!new RegExp(`(async )?function ${name}\\(`).test(src)) continue;
    const exp = src.match(/export \{([^}]*)\};?\s*$/m);
    if (!exp) continue;
    for (const part of exp[1].split(",")) {
      const [local, alias] = part.trim().split(/\s+as\s+/);
      if (local === name) {
        const mod = await import(full);
        const value = mod[alias ?? local];
        cache.set(name, value);
        return value;
      }
    }
  }
  throw new Error(`function ${name} not found in ${dist}`);
}

if (process.env.OC_BRIDGE_TRACE) {
  // Debugging aid: log every removal of a lock file with who asked for it.
  const fsp = (await import("node:fs/promises")).default;
  const original = fsp.rm.bind(fsp);
  fsp.rm = async (target, opts) => {
    if (String(target).endsWith(".lock")) {
      const where = new Error().stack.split("\n").slice(2, 4).map((l) => l.trim()).join(" < ");
      let content = "";
      try { content = fs.readFileSync(target, "utf8").replace(/\s+/g, ""); } catch (e) { content = e.code; }
      fs.appendFileSync(process.env.OC_BRIDGE_TRACE, `${Date.now()} oc-rm ${content} ${where}\n`);
    }
    return original(target, opts);
  };
}

const out = (obj) => process.stdout.write(JSON.stringify(obj) + "\n");
const waitForStdinEnd = () => new Promise((resolve) => {
  const rl = readline.createInterface({ input: process.stdin });
  rl.on("close", resolve);
  rl.on("line", () => {});
});
const STORE_LOCK = { retries: { retries: 10, factor: 2, minTimeout: 100, maxTimeout: 10000, randomize: true }, stale: 30000 };
const REFRESH_LOCK = { retries: { retries: 20, factor: 2, minTimeout: 100, maxTimeout: 10000, randomize: true }, stale: 180000 };

const [command, ...args] = process.argv.slice(2);
const agentDir = (value) => (value && value !== "-" ? value : undefined);

switch (command) {
  case "hold-lock": {
    // hold-lock <file> <store|refresh>: take OpenClaw's lock on <file>, say so, hold until stdin closes.
    const acquireFileLock = await fn("acquireFileLock");
    const started = Date.now();
    const lock = await acquireFileLock(args[0], args[1] === "refresh" ? REFRESH_LOCK : STORE_LOCK);
    out({ held: lock.lockPath, waitedMs: Date.now() - started, pid: process.pid });
    await waitForStdinEnd();
    await lock.release();
    out({ released: true });
    break;
  }
  case "try-lock": {
    // try-lock <file> <retries> <stale_ms>: acquire and release at once, reporting how long it waited.
    const acquireFileLock = await fn("acquireFileLock");
    const started = Date.now();
    try {
      const lock = await acquireFileLock(args[0], {
        retries: { retries: Number(args[1]), factor: 2, minTimeout: 100, maxTimeout: 10000, randomize: true },
        stale: Number(args[2]),
      });
      await lock.release();
      out({ acquired: true, waitedMs: Date.now() - started });
    } catch (err) {
      out({ acquired: false, code: err.code, waitedMs: Date.now() - started });
    }
    break;
  }
  case "refresh-lock-path": {
    const resolveOAuthRefreshLockPath = await fn("resolveOAuthRefreshLockPath");
    out({ path: resolveOAuthRefreshLockPath(args[0], args[1]) + ".lock" });
    break;
  }
  case "mark-failures": {
    // mark-failures <agentDir|-> <profileId> <reason> <count>: OpenClaw's own usage writer in a loop.
    const markAuthProfileFailure = await fn("markAuthProfileFailure");
    const loadStore = await fn("ensureAuthProfileStoreWithoutExternalProfiles");
    const dir = agentDir(args[0]);
    out({ ready: true });
    let done = 0;
    for (let i = 0; i < Number(args[3]); i += 1) {
      const store = loadStore(dir);
      await markAuthProfileFailure({ store, profileId: args[1], reason: args[2], agentDir: dir });
      done += 1;
    }
    out({ done });
    break;
  }
  case "set-orders": {
    // set-orders <agentDir|-> <provider> <count> <id>...: setAuthProfileOrder in a loop, rotating the ids.
    const setAuthProfileOrder = await fn("setAuthProfileOrder");
    const dir = agentDir(args[0]);
    const ids = args.slice(3);
    out({ ready: true });
    let failed = 0;
    for (let i = 0; i < Number(args[2]); i += 1) {
      const order = [...ids.slice(i % ids.length), ...ids.slice(0, i % ids.length)];
      const result = await setAuthProfileOrder({ agentDir: dir, provider: args[1], order });
      if (!result) failed += 1;
    }
    out({ done: Number(args[2]), failed });
    break;
  }
  case "upsert-locked": {
    // upsert-locked <agentDir|-> <count> <prefix>: upsertAuthProfileWithLock of <count> new api_key profiles.
    const upsertAuthProfileWithLock = await fn("upsertAuthProfileWithLock");
    const dir = agentDir(args[0]);
    out({ ready: true });
    let failed = 0;
    for (let i = 0; i < Number(args[1]); i += 1) {
      const result = await upsertAuthProfileWithLock({
        agentDir: dir,
        profileId: `${args[2]}:n${i}`,
        credential: { type: "api_key", provider: args[2], key: `sk-oc-${i}` },
      });
      if (!result) failed += 1;
    }
    out({ done: Number(args[1]), failed });
    break;
  }
  case "writers": {
    // writers <agentDir|-> <failures> <upserts> <orders>: one loop taking turns between three of OpenClaw's
    // own writers (markAuthProfileFailure, upsertAuthProfileWithLock, setAuthProfileOrder).
    // One loop, awaited step by step: two waiters of OpenClaw's at once can both take its lock (its stale
    // check `rm -f`s a lock another waiter just created), which is OpenClaw's own race, not ours.
    const markAuthProfileFailure = await fn("markAuthProfileFailure");
    const upsertAuthProfileWithLock = await fn("upsertAuthProfileWithLock");
    const setAuthProfileOrder = await fn("setAuthProfileOrder");
    const loadStore = await fn("ensureAuthProfileStoreWithoutExternalProfiles");
    const dir = agentDir(args[0]);
    const [failures, upserts, orders] = args.slice(1, 4).map(Number);
    out({ ready: true });
    const failed = { upserts: 0, orders: 0 };
    for (let i = 0; i < Math.max(failures, upserts, orders); i += 1) {
      if (i < failures) {
        await markAuthProfileFailure({ store: loadStore(dir), profileId: "openai:default", reason: "billing", agentDir: dir });
      }
      if (i < upserts) {
        const ok = await upsertAuthProfileWithLock({
          agentDir: dir, profileId: `ocw:n${i}`, credential: { type: "api_key", provider: "ocw", key: `sk-oc-${i}` },
        });
        if (!ok) failed.upserts += 1;
      }
      if (i < orders && !(await setAuthProfileOrder({ agentDir: dir, provider: "anthropic", order: ["anthropic:work"] }))) {
        failed.orders += 1;
      }
    }
    out({ failures, upserts, orders, failed });
    break;
  }
  case "load": {
    // load <agentDir|->: the store as OpenClaw's runtime sees it (auth-state merged; sub-agents over main).
    const ensureAuthProfileStoreWithoutExternalProfiles = await fn("ensureAuthProfileStoreWithoutExternalProfiles");
    out(ensureAuthProfileStoreWithoutExternalProfiles(agentDir(args[0]), { readOnly: true }));
    break;
  }
  case "order": {
    // order <agentDir|-> <provider>...: resolveAuthProfileOrder with the config at $OPENCLAW_STATE_DIR.
    const resolveAuthProfileOrder = await fn("resolveAuthProfileOrder");
    const ensureAuthProfileStoreWithoutExternalProfiles = await fn("ensureAuthProfileStoreWithoutExternalProfiles");
    const loadConfig = await fn("loadConfig");
    const cfg = loadConfig();
    const store = ensureAuthProfileStoreWithoutExternalProfiles(agentDir(args[0]), { readOnly: true });
    const result = {};
    for (const provider of args.slice(1)) result[provider] = resolveAuthProfileOrder({ cfg, store, provider });
    out(result);
    break;
  }
  default:
    throw new Error(`unknown command ${command}`);
}
