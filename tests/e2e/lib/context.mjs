// The `ctx` every spec receives. One per spec: the browser contexts and pages it opens are
// tracked, checked for errors and closed when the spec ends.

import fs from 'node:fs';
import path from 'node:path';

import { errorsOf, watchErrors } from './errors.mjs';
import { expect, AssertionError } from './expect.mjs';
import { instanceHelpers, PASSWORD } from './sim.mjs';

const VIEWPORT = { width: 1280, height: 800 };
const LOGIN_PAGE = '/dhis-web-commons/security/login.action';

export class SpecContext {
  constructor({ specName, browser, sim, outDir, zipPath, instanceNames }) {
    this.specName = specName;
    this.browser = browser;
    this.outDir = outDir;
    this.zipPath = zipPath;
    this.expect = expect;
    this.AssertionError = AssertionError;
    /** {source: {name, version, url, appUrl, api, admin}, dest: {...}} */
    this.sims = Object.fromEntries(instanceNames.map((name) => [name, instanceHelpers(sim.instance(name))]));
    this.contexts = [];
    this.pages = [];
    this.allowedErrors = [];
    this.lastPage = undefined;
  }

  /** The helpers of one simulator instance (`ctx.sim('dest').admin('requests')`). */
  sim(name = 'source') {
    const found = this.sims[name];
    if (!found) throw new Error(`no simulator instance "${name}" (have: ${Object.keys(this.sims).join(', ')})`);
    return found;
  }

  /** A fresh browser context (own cookies), tracked for clean-up. */
  async newContext(options = {}) {
    const context = await this.browser.newContext({ viewport: VIEWPORT, ...options });
    context.setDefaultTimeout(15_000);
    this.contexts.push(context);
    return context;
  }

  /** A page whose console errors and page errors are recorded (and fail the spec). */
  async newPage(context) {
    const page = await (context ?? (await this.newContext())).newPage();
    watchErrors(page);
    this.pages.push(page);
    this.lastPage = page;
    return page;
  }

  /**
   * Logs in through the instance's login form in a fresh browser context and returns a page
   * with the app open (or `path` on that instance, when given).
   */
  async login(username, password = PASSWORD, { instance = 'source', path: target } = {}) {
    const sim = this.sim(instance);
    const context = await this.newContext();
    const form = await context.newPage();
    await form.goto(`${sim.url}${LOGIN_PAGE}`);
    await form.fill('#j_username', username);
    await form.fill('#j_password', password);
    await Promise.all([
      form.waitForResponse((response) => response.url().includes('/dhis-web-commons-security/login.action')),
      form.click('#submit'),
    ]);
    await form.waitForLoadState();
    const me = await context.request.get(`${sim.url}/api/me`, {
      headers: { 'X-Requested-With': 'XMLHttpRequest', Accept: 'application/json' },
    });
    if (me.status() !== 200) {
      throw new AssertionError(`login as ${username} on ${instance} failed: /api/me answered ${me.status()}`);
    }
    await form.close();
    const page = await this.newPage(context);
    const url = target ? `${sim.url}${target}` : sim.appUrl;
    const response = await page.goto(url);
    if (response && !response.ok()) {
      throw new AssertionError(`${url} answered HTTP ${response.status()} to ${username}: ${(await response.text()).slice(0, 200)}`);
    }
    return page;
  }

  /** Errors matching `pattern` (RegExp) do not fail the spec (e.g. a 401 a spec provokes). */
  allowConsoleErrors(pattern) {
    this.allowedErrors.push(pattern);
  }

  /** Saves a full-page PNG as tests/e2e/out/<spec>-<name>.png and returns its path. */
  async screenshot(name, page = this.lastPage) {
    if (!page) throw new Error('screenshot: no page open yet');
    const file = path.join(this.outDir, `${this.specName}-${name}.png`);
    await page.screenshot({ path: file, fullPage: true });
    return file;
  }

  log(...parts) {
    console.log(`    [${this.specName}]`, ...parts);
  }

  /** Every error seen on the spec's pages that no `allowConsoleErrors` pattern covers. */
  unexpectedErrors() {
    const found = [];
    for (const page of this.pages) {
      const { consoleErrors, pageErrors } = errorsOf(page);
      for (const error of [...pageErrors, ...consoleErrors]) {
        if (!this.allowedErrors.some((pattern) => pattern.test(error))) found.push(error);
      }
    }
    return found;
  }

  /** After a failure: a screenshot of every open page and the simulators' request logs. */
  async saveFailureEvidence() {
    const saved = [];
    for (const [index, page] of this.pages.entries()) {
      if (page.isClosed()) continue;
      const file = path.join(this.outDir, `${this.specName}-failure-${index + 1}.png`);
      try {
        await page.screenshot({ path: file, fullPage: true, timeout: 5000 });
        saved.push(file);
      } catch {
        // The page may be gone with its context; the other evidence still helps.
      }
    }
    for (const [name, sim] of Object.entries(this.sims)) {
      try {
        const { json } = await sim.admin('requests');
        const file = path.join(this.outDir, `${this.specName}-requests-${name}.json`);
        fs.writeFileSync(file, JSON.stringify(Array.isArray(json) ? json.slice(-200) : json, null, 2));
        saved.push(file);
      } catch {
        // The simulator may have stopped; nothing more to save.
      }
    }
    return saved;
  }

  async close() {
    for (const context of this.contexts) {
      await context.close().catch(() => {});
    }
  }
}
