// Starting `dhis2-sim serve`, installing the app zip, and talking to the simulator's API and
// its `/__sim/*` controls.

import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import readline from 'node:readline';

export const PASSWORD = 'district';
export const APP_KEY = 'metadata-sync';

/**
 * Starts the simulator with the given instances ({name, version, title?}) on ports the system
 * picks (`@0`), and waits for a `ready NAME VERSION URL` line from each. Output goes to
 * `logFile`. Every instance but the first then allows the first one's origin (CORS), since the
 * app runs there and calls the others from the browser.
 */
export async function startSim({ binary, instances, seed = 'demo', logFile, timeoutMs = 60_000 }) {
  const args = ['serve'];
  for (const instance of instances) {
    args.push('--instance', `${instance.name}=${instance.version}@0`);
    if (instance.title) args.push('--title', `${instance.name}=${instance.title}`);
  }
  if (seed) args.push('--seed', seed);

  fs.mkdirSync(path.dirname(logFile), { recursive: true });
  const log = fs.createWriteStream(logFile, { flags: 'a' });
  log.write(`$ ${binary} ${args.join(' ')}\n`);
  const child = spawn(binary, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  child.stderr.on('data', (chunk) => log.write(chunk));

  const ready = new Map();
  const lines = readline.createInterface({ input: child.stdout });
  const onExit = (code, signal) => failReady(new Error(`dhis2-sim exited (${signal ?? code}) before it was ready; see ${logFile}`));
  let failReady;
  const allReady = new Promise((resolve, reject) => {
    failReady = reject;
    const timer = setTimeout(
      () => reject(new Error(`dhis2-sim: no "ready" line for every instance within ${timeoutMs} ms (see ${logFile})`)),
      timeoutMs,
    );
    lines.on('line', (line) => {
      log.write(`${line}\n`);
      const [word, name, version, url] = line.trim().split(/\s+/);
      if (word !== 'ready' || !url) return;
      ready.set(name, { name, version, url: url.replace(/\/$/, '') });
      if (instances.every((instance) => ready.has(instance.name))) {
        clearTimeout(timer);
        resolve();
      }
    });
    child.on('error', (error) => {
      clearTimeout(timer);
      reject(new Error(`dhis2-sim could not start (${binary}): ${error.message}`));
    });
  });
  child.on('exit', onExit);
  const sim = new RunningSim(child, ready, log);
  try {
    await allReady;
    child.off('exit', onExit);
    const appOrigin = sim.instance(instances[0].name).url;
    for (const instance of instances.slice(1)) {
      const { status, text } = await instanceHelpers(sim.instance(instance.name)).admin('cors', {
        method: 'POST',
        body: { add: appOrigin },
      });
      if (status !== 200) throw new Error(`allowing ${appOrigin} on ${instance.name} failed: HTTP ${status} ${text}`);
    }
  } catch (error) {
    await sim.stop();
    throw error;
  }
  return sim;
}

export class RunningSim {
  constructor(child, ready, log) {
    this.child = child;
    this.ready = ready;
    this.log = log;
  }

  instance(name) {
    const found = this.ready.get(name);
    if (!found) throw new Error(`no simulator instance called "${name}" (have: ${[...this.ready.keys()].join(', ')})`);
    return found;
  }

  async stop() {
    if (this.child.exitCode === null && this.child.signalCode === null) {
      const exited = new Promise((resolve) => this.child.once('exit', resolve));
      this.child.kill('SIGTERM');
      const timer = setTimeout(() => this.child.kill('SIGKILL'), 3000);
      await exited;
      clearTimeout(timer);
    }
    this.log.end();
  }
}

export function basicAuth(username, password = PASSWORD) {
  return `Basic ${Buffer.from(`${username}:${password}`).toString('base64')}`;
}

/** `POST /api/apps` with the zip as multipart field `file`, as App Management does. */
export async function installApp(baseUrl, zipPath) {
  const zip = fs.readFileSync(zipPath);
  const form = new FormData();
  form.append('file', new Blob([zip], { type: 'application/zip' }), path.basename(zipPath));
  const response = await fetch(`${baseUrl}/api/apps`, {
    method: 'POST',
    body: form,
    headers: { Authorization: basicAuth('admin') },
  });
  if (!response.ok) {
    throw new Error(`installing ${zipPath} into ${baseUrl} failed: HTTP ${response.status} ${await response.text()}`);
  }
}

/**
 * The helpers a spec gets for one instance: `api` (the DHIS2 Web API, Basic auth) and
 * `admin` (the `/__sim/*` controls, no auth).
 */
export function instanceHelpers(instance) {
  const call = async (url, { method = 'GET', body, headers = {} } = {}) => {
    const init = { method, headers: { Accept: 'application/json', ...headers } };
    if (body !== undefined) {
      init.body = typeof body === 'string' ? body : JSON.stringify(body);
      init.headers['Content-Type'] ??= 'application/json';
    }
    const response = await fetch(url, init);
    const text = await response.text();
    let json;
    try {
      json = text ? JSON.parse(text) : undefined;
    } catch {
      json = undefined;
    }
    return { status: response.status, headers: response.headers, text, json };
  };
  return {
    ...instance,
    appUrl: `${instance.url}/api/apps/${APP_KEY}/index.html`,
    /** `api('/api/me', {user: 'executor'})` → {status, json, text, headers}. */
    api: (apiPath, { user = 'admin', password = PASSWORD, ...rest } = {}) =>
      call(`${instance.url}${apiPath}`, {
        ...rest,
        headers: { Authorization: basicAuth(user, password), 'X-Requested-With': 'XMLHttpRequest', ...rest.headers },
      }),
    /** `admin('requests')`, `admin('faults', {method: 'POST', body: {...}})`. */
    admin: (control, options) => call(`${instance.url}/__sim/${control.replace(/^\//, '')}`, options),
  };
}
