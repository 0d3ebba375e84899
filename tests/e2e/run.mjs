#!/usr/bin/env node
// End-to-end tests: the built app zip installed into the DHIS2 simulator, driven in Debian's
// Chromium through playwright-core. See tests/e2e/README.md for the spec contract.
//
//   DHIS2_SIM_BIN=target/debug/dhis2-sim MDSYNC_ZIP=dist/metadata-sync-0.1.0.zip \
//     node tests/e2e/run.mjs [spec ...]
//
// `cargo xtask test --only e2e` sets both variables.

import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

import { chromium } from 'playwright-core';

import { SpecContext } from './lib/context.mjs';
import { installApp, startSim } from './lib/sim.mjs';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const SPECS_DIR = path.join(HERE, 'specs');
const OUT_DIR = path.join(HERE, 'out');
const CHROMIUM = process.env.CHROMIUM_BIN ?? '/usr/bin/chromium';
const SPEC_TIMEOUT_MS = Number(process.env.E2E_SPEC_TIMEOUT_MS ?? 180_000);

// Without the background-networking flags Chromium keeps trying to reach Google's hosts,
// which this machine's closed network refuses.
const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-dev-shm-usage',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--disable-quic',
];

/** The app runs on `source`; `dest` allows its origin (CORS). */
const INSTANCES = [
  { name: 'source', version: '2.38', title: 'E2E Source' },
  { name: 'dest', version: '2.41', title: 'E2E Destination' },
];

function required(name) {
  const value = process.env[name];
  if (!value) {
    console.error(`${name} is not set. Run the end-to-end tests with \`cargo xtask test --only e2e\`, or set ${name} yourself.`);
    process.exit(2);
  }
  if (!fs.existsSync(value)) {
    console.error(`${name}=${value} does not exist. \`cargo xtask dist\` builds the zip; \`cargo build -p dhis2-sim\` the simulator.`);
    process.exit(2);
  }
  return path.resolve(value);
}

function listSpecs(wanted) {
  const all = fs
    .readdirSync(SPECS_DIR)
    .filter((file) => file.endsWith('.mjs'))
    .sort()
    .map((file) => ({ name: file.replace(/\.mjs$/, ''), file: path.join(SPECS_DIR, file) }));
  if (all.length === 0) {
    console.error(`no spec found in ${SPECS_DIR}: the end-to-end step must test something`);
    process.exit(1);
  }
  if (wanted.length === 0) return all;
  const unknown = wanted.filter((name) => !all.some((spec) => spec.name === name));
  if (unknown.length > 0) {
    console.error(`no such spec: ${unknown.join(', ')} (have: ${all.map((spec) => spec.name).join(', ')})`);
    process.exit(2);
  }
  return all.filter((spec) => wanted.includes(spec.name));
}

function withTimeout(promise, ms, what) {
  let timer;
  const timeout = new Promise((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} did not finish within ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

async function runSpec(spec, shared) {
  const ctx = new SpecContext({ specName: spec.name, ...shared });
  const started = Date.now();
  let failure;
  try {
    const module = await import(pathToFileURL(spec.file).href);
    if (typeof module.default !== 'function') {
      throw new Error(`${spec.file} must export a default async function (ctx)`);
    }
    await withTimeout(module.default(ctx), module.timeout ?? SPEC_TIMEOUT_MS, `spec ${spec.name}`);
    const unexpected = ctx.unexpectedErrors();
    if (unexpected.length > 0) {
      failure = new Error(`console or page errors:\n      ${unexpected.join('\n      ')}`);
    }
  } catch (error) {
    failure = error;
  }
  const seconds = ((Date.now() - started) / 1000).toFixed(1);
  if (failure) {
    const evidence = await ctx.saveFailureEvidence();
    console.log(`FAIL ${spec.name} (${seconds}s)`);
    console.log(`    ${String(failure.stack ?? failure).split('\n').join('\n    ')}`);
    if (evidence.length > 0) console.log(`    evidence: ${evidence.map((file) => path.relative(process.cwd(), file)).join(', ')}`);
  } else {
    console.log(`PASS ${spec.name} (${seconds}s)`);
  }
  await ctx.close();
  return !failure;
}

async function main() {
  const simBinary = required('DHIS2_SIM_BIN');
  const zipPath = required('MDSYNC_ZIP');
  const specs = listSpecs(process.argv.slice(2));
  fs.rmSync(OUT_DIR, { recursive: true, force: true });
  fs.mkdirSync(OUT_DIR, { recursive: true });

  const sim = await startSim({ binary: simBinary, instances: INSTANCES, logFile: path.join(OUT_DIR, 'sim.log') });
  let browser;
  const stopAll = async () => {
    await browser?.close().catch(() => {});
    await sim.stop();
  };
  for (const signal of ['SIGINT', 'SIGTERM']) {
    process.once(signal, () => stopAll().finally(() => process.exit(130)));
  }

  let passed = 0;
  let failed = 0;
  try {
    const source = sim.instance('source');
    await installApp(source.url, zipPath);
    console.log(`installed ${path.basename(zipPath)} into source (${source.version}, ${source.url})`);
    browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS });
    const shared = { browser, sim, outDir: OUT_DIR, zipPath, instanceNames: INSTANCES.map((i) => i.name) };
    for (const spec of specs) {
      if (await runSpec(spec, shared)) passed++;
      else failed++;
    }
  } catch (error) {
    console.log(`FAIL harness: ${error.stack ?? error}`);
    failed++;
  } finally {
    await stopAll();
  }
  console.log(`${passed} passed, ${failed} failed`);
  process.exit(failed === 0 && passed > 0 ? 0 : 1);
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
