// Drives the real OpenClaw 2026.9.6's own OAuth refresh-lock and fence code (read-only use of its dist/).
// Its dist files are bundler chunks `<name>-<hash>.mjs` exporting minified aliases: a binding is found by
// the chunk that defines it and the alias its export line gives it (as oc_bridge.mjs does for 4.26).
//
//   node oc96_refresh.mjs <command> [args...]     (OPENCLAW_DIST, OPENCLAW_STATE_DIR set)
//
// Batch commands read one JSON array on stdin and print one JSON array; lock commands print one JSON
// line per event, so the Python side synchronises on them (never on sleeps).
import fs from "node:fs";
import path from "node:path";
import readline from "node:readline";

const dist = process.env.OPENCLAW_DIST;
if (!dist) throw new Error("OPENCLAW_DIST is not set");
const fsSafe = path.join(dist, "..", "..", "@openclaw", "fs-safe", "dist");

async function binding(chunkPrefix, name) {
  const escaped = name.replace(/[$]/g, "\\$");
  const decl = new RegExp(`^(?:async )?(?:function|const|let|class) ${escaped}(?![\\w$])`, "m");
  for (const file of fs.readdirSync(dist).sort()) {
    if (!file.startsWith(chunkPrefix) || !file.endsWith(".mjs")) continue;
    const full = path.join(dist, file);
    const src = fs.readFileSync(full, "utf8");
    if (!decl.test(src)) continue;
    const exp = src.match(/^export \{([^}]*)\};?\s*$/m);
    if (!exp) continue;
    for (const part of exp[1].split(",")) {
      const [local, alias] = part.trim().split(/\s+as\s+/);
      if (local === name) return (await import(full))[alias ?? local];
    }
  }
  throw new Error(`${name} not found in ${dist}/${chunkPrefix}*.mjs`);
}

const out = (obj) => process.stdout.write(JSON.stringify(obj) + "\n");
const readStdin = async () => {
  const chunks = [];
  for await (const chunk of process.stdin) chunks.push(chunk);
  return Buffer.concat(chunks).toString("utf8");
};
const waitForStdinEnd = () => new Promise((resolve) => {
  const rl = readline.createInterface({ input: process.stdin });
  rl.on("close", resolve);
  rl.on("line", () => {});
});

const [command, ...args] = process.argv.slice(2);
const env = { ...process.env };

switch (command) {
  case "lock-names": {
    // [[provider, profileId], ...] -> basenames of resolveOAuthRefreshLockPath (lock-<digest>)
    const resolveOAuthRefreshLockPath = await binding("path-resolve-", "resolveOAuthRefreshLockPath");
    const pairs = JSON.parse(await readStdin());
    out(pairs.map(([provider, profileId]) => path.basename(resolveOAuthRefreshLockPath(provider, profileId, env))));
    break;
  }
  case "lock-path": {
    const resolveOAuthRefreshLockPath = await binding("path-resolve-", "resolveOAuthRefreshLockPath");
    out({ path: `${resolveOAuthRefreshLockPath(args[0], args[1], env)}.lock` });
    break;
  }
  case "fences": {
    // [{profileId, credential}, ...] -> [{fence, failed, isFence, isPending, failedIsFence}, ...]
    const createOAuthRefreshFence = await binding("credential-state-", "createOAuthRefreshFence");
    const createFailedOAuthRefreshFence = await binding("credential-state-", "createFailedOAuthRefreshFence");
    const isOAuthRefreshFence = await binding("credential-state-", "isOAuthRefreshFence");
    const isPendingOAuthRefreshFence = await binding("credential-state-", "isPendingOAuthRefreshFence");
    const items = JSON.parse(await readStdin());
    out(items.map(({ profileId, credential }) => {
      const fence = createOAuthRefreshFence({ profileId, credential });
      const failed = createFailedOAuthRefreshFence(fence);
      return {
        fence: JSON.stringify(fence),
        failed: JSON.stringify(failed),
        isFence: isOAuthRefreshFence(fence),
        isPending: isPendingOAuthRefreshFence(fence),
        failedIsFence: isOAuthRefreshFence(failed),
        failedIsPending: isPendingOAuthRefreshFence(failed),
      };
    }));
    break;
  }
  case "classify": {
    // [credential, ...] -> [{fence, pending}, ...]: 9.6's own reading of arbitrary credentials
    const isOAuthRefreshFence = await binding("credential-state-", "isOAuthRefreshFence");
    const isPendingOAuthRefreshFence = await binding("credential-state-", "isPendingOAuthRefreshFence");
    const items = JSON.parse(await readStdin());
    out(items.map((c) => ({ fence: isOAuthRefreshFence(c), pending: isPendingOAuthRefreshFence(c) })));
    break;
  }
  case "stale": {
    // [{raw} | {payload}, ...] -> [bool, ...]: shouldRemoveDeadOwnerOrExpiredLock as the refresh lock calls it
    const { parseSidecarLockPayload } = await import(path.join(fsSafe, "sidecar-lock-reclaim.js"));
    const shouldRemove = await binding("stale-lock-file-", "shouldRemoveDeadOwnerOrExpiredLock");
    const options = await binding("persisted-", "OAUTH_REFRESH_LOCK_OPTIONS");
    const items = JSON.parse(await readStdin());
    out(items.map((item) => shouldRemove({
      payload: "raw" in item ? parseSidecarLockPayload(item.raw) : item.payload,
      staleMs: options.stale,
      nowMs: Date.now(),
    })));
    break;
  }
  case "payload": {
    // What 9.6 writes into a refresh lock for this process, and its own reading of a pid's start time.
    const { serializeSidecarLockPayload } = await import(path.join(fsSafe, "sidecar-lock-reclaim.js"));
    const getFileLockProcessStartTime = await binding("pid-alive-", "getFileLockProcessStartTime");
    const starttime = getFileLockProcessStartTime(process.pid);
    const { raw } = serializeSidecarLockPayload({ pid: process.pid, createdAt: new Date().toISOString(), starttime });
    const pids = args.map(Number);
    out({ raw, pid: process.pid, starttime, others: pids.map((pid) => getFileLockProcessStartTime(pid)) });
    break;
  }
  case "options": {
    out(await binding("persisted-", "OAUTH_REFRESH_LOCK_OPTIONS"));
    break;
  }
  case "hold": {
    // hold <provider> <profileId>: 9.6's withOAuthProfileLock, held until stdin closes.
    const withOAuthProfileLock = await binding("profiles-", "withOAuthProfileLock");
    const started = Date.now();
    await withOAuthProfileLock({ provider: args[0], profileId: args[1] }, async () => {
      out({ held: true, waitedMs: Date.now() - started, pid: process.pid });
      await waitForStdinEnd();
      out({ releasing: true, at: Date.now() });
    }, { env });
    out({ released: true, at: Date.now() });
    break;
  }
  case "take": {
    // take <provider> <profileId> [retries]: the lock function withOAuthProfileLock uses (acquireFileLock
    // of plugin-sdk/file-lock, OAUTH_REFRESH_LOCK_OPTIONS), reporting its second attempt (the first one
    // found the lock taken), then when it got the lock; released at once.
    const resolveOAuthRefreshLockPath = await binding("path-resolve-", "resolveOAuthRefreshLockPath");
    const acquireFileLock = await binding("file-lock-", "acquireFileLock$1");
    const base = await binding("persisted-", "OAUTH_REFRESH_LOCK_OPTIONS");
    const retries = args[2] === undefined ? base.retries : { ...base.retries, retries: Number(args[2]) };
    let attempts = 0;
    const options = {
      ...base,
      retries,
      // A hook with no behaviour: acquireFileLock calls it from its per-attempt payload callback (and
      // before and after acquisition); the second payload call means the first attempt found the lock taken.
      assertResourceUnborrowed: () => {
        if (!/\bpayload\b/.test(new Error().stack.split("\n").slice(2, 3).join(""))) return;
        attempts += 1;
        if (attempts === 2) out({ retrying: true, at: Date.now() });
      },
    };
    const started = Date.now();
    try {
      const lock = await acquireFileLock(resolveOAuthRefreshLockPath(args[0], args[1], env), options);
      out({ acquired: true, at: Date.now(), waitedMs: Date.now() - started, lockPath: lock.lockPath,
        raw: fs.readFileSync(lock.lockPath, "utf8") });
      await lock.release();
    } catch (err) {
      out({ acquired: false, code: err.code ?? null, message: String(err.message), waitedMs: Date.now() - started });
    }
    break;
  }
  case "count": {
    // count <provider> <profileId> <file> <n>: says ready, waits for a "go" line, then n times under 9.6's
    // withOAuthProfileLock reads the number in <file> and writes it plus one (a lost update shows).
    const withOAuthProfileLock = await binding("profiles-", "withOAuthProfileLock");
    const rl = readline.createInterface({ input: process.stdin });
    const lines = rl[Symbol.asyncIterator]();
    out({ ready: true, pid: process.pid });
    await lines.next();
    for (let i = 0; i < Number(args[3]); i += 1) {
      await withOAuthProfileLock({ provider: args[0], profileId: args[1] }, async () => {
        const value = Number(fs.readFileSync(args[2], "utf8"));
        await new Promise((resolve) => setImmediate(resolve));  // let a broken exclusion show
        fs.writeFileSync(args[2], String(value + 1));
      }, { env });
    }
    rl.close();
    out({ done: true });
    break;
  }
  default:
    throw new Error(`unknown command ${command}`);
}
