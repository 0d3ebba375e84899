// Assertions that poll until they hold or time out. The app renders asynchronously, so a
// spec never reads the DOM once and compares; it waits for the state it expects.
// While polling, an error already seen on the page (a panic, a failed wasm load) fails the
// assertion at once instead of waiting for the timeout.

import { errorsOf } from './errors.mjs';

export const DEFAULT_TIMEOUT_MS = 15_000;
const INTERVAL_MS = 100;

export class AssertionError extends Error {}

function describe(locator) {
  return String(locator).replace(/^Locator@/, '');
}

function pageOf(target) {
  if (!target) return undefined;
  if (typeof target.page === 'function') return target.page();
  return target;
}

function failEarlyOnPageErrors(target) {
  const page = pageOf(target);
  if (!page) return;
  const { pageErrors } = errorsOf(page);
  if (pageErrors.length > 0) {
    throw new AssertionError(`the page threw while waiting: ${pageErrors.join(' | ')}`);
  }
}

/**
 * Polls `probe` until it returns a truthy value (returned) or `timeout` ms pass.
 * `describeFailure(lastValue, lastError)` words the failure.
 */
export async function poll(probe, describeFailure, { timeout = DEFAULT_TIMEOUT_MS, target } = {}) {
  const deadline = Date.now() + timeout;
  let lastValue;
  let lastError;
  for (;;) {
    failEarlyOnPageErrors(target);
    try {
      lastValue = await probe();
      lastError = undefined;
      if (lastValue) return lastValue;
    } catch (error) {
      if (error instanceof AssertionError) throw error;
      lastError = error;
    }
    if (Date.now() >= deadline) {
      const why = typeof describeFailure === 'function' ? describeFailure(lastValue, lastError) : describeFailure;
      throw new AssertionError(`${why} (after ${timeout} ms)${lastError ? `; last error: ${lastError.message}` : ''}`);
    }
    await new Promise((resolve) => setTimeout(resolve, INTERVAL_MS));
  }
}

function matches(actual, expected) {
  if (expected instanceof RegExp) return expected.test(actual);
  return actual === expected;
}

async function visibleTexts(locator) {
  const count = await locator.count();
  const texts = [];
  for (let i = 0; i < count; i++) {
    const item = locator.nth(i);
    if (await item.isVisible()) texts.push((await item.innerText()).trim());
  }
  return texts;
}

export const expect = {
  poll,

  /** The one element the locator finds has exactly this (trimmed) text, or matches the RegExp. */
  async text(locator, expected, options = {}) {
    let seen;
    await poll(
      async () => {
        const count = await locator.count();
        if (count !== 1) {
          seen = `${count} elements`;
          return false;
        }
        const actual = (await locator.innerText()).trim();
        seen = JSON.stringify(actual);
        return matches(actual, expected);
      },
      () => `expected ${describe(locator)} to have text ${expected}, found ${seen}`,
      { ...options, target: locator },
    );
  },

  /** The one element the locator finds contains this text (or matches the RegExp). */
  async containsText(locator, expected, options = {}) {
    let seen;
    await poll(
      async () => {
        const texts = await visibleTexts(locator);
        seen = JSON.stringify(texts);
        return texts.some((text) => (expected instanceof RegExp ? expected.test(text) : text.includes(expected)));
      },
      () => `expected ${describe(locator)} to contain ${expected}, found ${seen}`,
      { ...options, target: locator },
    );
  },

  async visible(locator, options = {}) {
    await poll(
      async () => (await locator.count()) > 0 && (await locator.first().isVisible()),
      `expected ${describe(locator)} to be visible`,
      { ...options, target: locator },
    );
  },

  /** Nothing the locator finds is visible (absent counts as hidden). */
  async hidden(locator, options = {}) {
    await poll(
      async () => (await visibleTexts(locator)).length === 0,
      `expected ${describe(locator)} to be hidden or absent`,
      { ...options, target: locator },
    );
  },

  async count(locator, expected, options = {}) {
    let seen;
    await poll(
      async () => {
        seen = await locator.count();
        return seen === expected;
      },
      () => `expected ${describe(locator)} to find ${expected} elements, found ${seen}`,
      { ...options, target: locator },
    );
  },

  /** The values of `attribute` on the visible elements, in order, equal `expected`. */
  async attributes(locator, attribute, expected, options = {}) {
    let seen;
    await poll(
      async () => {
        const count = await locator.count();
        const values = [];
        for (let i = 0; i < count; i++) {
          if (await locator.nth(i).isVisible()) values.push(await locator.nth(i).getAttribute(attribute));
        }
        seen = values;
        return JSON.stringify(values) === JSON.stringify(expected);
      },
      () => `expected ${attribute} of ${describe(locator)} to be ${JSON.stringify(expected)}, found ${JSON.stringify(seen)}`,
      { ...options, target: locator },
    );
  },

  async url(page, expected, options = {}) {
    await poll(
      () => matches(page.url(), expected),
      () => `expected the page URL to match ${expected}, it is ${page.url()}`,
      { ...options, target: page },
    );
  },

  /** Immediate comparison (deep, through JSON) for values that are already known. */
  equal(actual, expected, message = 'values differ') {
    const a = JSON.stringify(actual);
    const b = JSON.stringify(expected);
    if (a !== b) throw new AssertionError(`${message}: expected ${b}, got ${a}`);
  },

  ok(value, message = 'expected a truthy value') {
    if (!value) throw new AssertionError(message);
  },

  /** No console error and no uncaught error on the page so far. */
  noErrors(page) {
    const { consoleErrors, pageErrors } = errorsOf(page);
    const all = [...pageErrors, ...consoleErrors];
    if (all.length > 0) throw new AssertionError(`errors on ${page.url()}:\n  ${all.join('\n  ')}`);
  },
};
