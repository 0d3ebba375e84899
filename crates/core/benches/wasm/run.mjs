// `node run.mjs PKG_DIR BODIES_FILE`: times the wasm build of the aggregated read + map + encode
// (lib.rs) over the answers the native bench wrote (u32 little-endian length, then the bytes, for
// each). Fastest of five rounds, as natively (the first ones also let V8 finish optimising the
// module); prints one line of JSON last for `cargo xtask bench`.
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { join, resolve } from "node:path";

const [pkgDir, bodiesFile] = process.argv.slice(2);
const require = createRequire(import.meta.url);
const { Pipeline } = require(join(resolve(pkgDir), "mdsync_bench_wasm.js"));

const file = readFileSync(bodiesFile);
const bodies = [];
for (let at = 0; at + 4 <= file.length; ) {
  const length = file.readUInt32LE(at);
  bodies.push(file.subarray(at + 4, at + 4 + length));
  at += 4 + length;
}

let best = { wallMs: Infinity, cpuMs: Infinity, values: 0, encoded: 0 };
const ROUNDS = 5; // as `ROUNDS` in ../aggregated_sync.rs
for (let round = 0; round < ROUNDS; round++) {
  const pipeline = new Pipeline();
  let values = 0;
  let wallMs = 0;
  let cpuMicros = 0;
  for (const body of bodies) {
    const cpu = process.cpuUsage();
    const started = performance.now();
    values += pipeline.run(body);
    wallMs += performance.now() - started;
    const spent = process.cpuUsage(cpu);
    cpuMicros += spent.user + spent.system;
  }
  const cpuMs = cpuMicros / 1000;
  if (cpuMs < best.cpuMs) best = { wallMs, cpuMs, values, encoded: pipeline.encoded() };
  pipeline.free();
}
console.log(JSON.stringify(best));
