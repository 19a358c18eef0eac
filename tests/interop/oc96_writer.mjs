// OpenClaw 2026.9.6's own auth-profile writer (its upsertAuthProfileWithLock: the SQLite transactions and the
// state-lifecycle coordinator, as its CLI uses them), for the interop tests' lost-write proofs.
// argv: <chunk module path> <export name> <count> <id prefix>. Prints {"ready": true}, then {"done": count}.
const [modulePath, exportName, countText, prefix] = process.argv.slice(2);
const upsert = (await import(modulePath))[exportName];
if (typeof upsert !== "function") {
  console.error(`no function ${exportName} in ${modulePath}`);
  process.exit(3);
}
console.log(JSON.stringify({ ready: true }));
const count = Number(countText);
for (let i = 0; i < count; i++) {
  const ok = await upsert({
    profileId: `${prefix}${i}`,
    credential: { type: "api_key", provider: "openrouter", key: "sk-or-v1-" + "d".repeat(48) },
  });
  if (!ok) {
    console.log(JSON.stringify({ failed: i }));
    process.exit(2);
  }
}
console.log(JSON.stringify({ done: count }));
process.exit(0);
