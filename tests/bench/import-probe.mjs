// One cold-init sample: the time to import a function bundle, measured inside a fresh process.
// Usage: node tests/bench/import-probe.mjs <bundle file URL>  → prints milliseconds.
const url = process.argv[2];
const started = performance.now();
await import(url);
const elapsed = performance.now() - started;
process.stdout.write(`${elapsed}\n`);
