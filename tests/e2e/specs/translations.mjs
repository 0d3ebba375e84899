// The app in the user's DHIS2 language: the French- and the Portuguese-speaking configurators
// (user setting keyUiLocale fr / pt) get the home page, the Instances panel and a connection
// diagnosis from core in their language, with no English word left on those screens. A user
// who switches language as in DHIS2's profile app (POST /api/userSettings/keyUiLocale) gets it
// at the next start, and a locale that is no locale speaks English without an error.

import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const timeout = 150_000;

const LOCALES_DIR = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', '..', '..', 'locales');

// Names, not words of a language: product and DHIS2 names, and the simulators' data shown on
// these screens (instance titles, the fake instance typed into the form).
const NOT_ENGLISH = new Set([
  'dhis2', 'metadata', 'sync', 'url', 'api', 'http', 'https', 'cors', 'e2e', 'source',
  'destination', 'destino', 'admin', 'district', 'example', 'org', 'dhis',
]);

/** Every word of a locale file's texts, lower-cased (placeholders and code left out). */
function wordsOf(language) {
  const json = JSON.parse(fs.readFileSync(path.join(LOCALES_DIR, `${language}.json`), 'utf8'));
  const words = new Set();
  const walk = (node) => {
    if (typeof node === 'string') {
      const text = node.replace(/\{\{[^}]*\}\}/g, ' ').replace(/`[^`]*`/g, ' ');
      for (const word of text.toLowerCase().match(/\p{L}+/gu) ?? []) words.add(word);
    } else {
      Object.values(node).forEach(walk);
    }
  };
  walk(json);
  return words;
}

/** English words of the app that the language does not also use: what must not show. */
function englishOnly(language) {
  const theirs = wordsOf(language);
  return new Set(
    [...wordsOf('en')].filter((word) => word.length > 2 && !theirs.has(word) && !NOT_ENGLISH.has(word)),
  );
}

/** The visible text of the page but the header bar (its title is the server's setting). */
async function pageText(page) {
  return page.evaluate(() => {
    const main = document.querySelector('main') ?? document.body;
    const inputs = [...main.querySelectorAll('input, textarea')].map((input) => input.placeholder ?? '');
    const labels = [...main.querySelectorAll('[title], [aria-label]')]
      .map((element) => `${element.getAttribute('title') ?? ''} ${element.getAttribute('aria-label') ?? ''}`);
    return [main.innerText, ...inputs, ...labels].join('\n');
  });
}

async function expectNoEnglish(ctx, page, language, screen) {
  const english = englishOnly(language);
  const text = await pageText(page);
  const left = [...new Set((text.toLowerCase().match(/\p{L}+/gu) ?? []).filter((word) => english.has(word)))];
  ctx.expect.ok(left.length === 0, `${screen} in ${language} still shows English words ${JSON.stringify(left)}:\n${text}`);
}

const LANGUAGES = [
  {
    user: 'configurateur',
    language: 'fr',
    instances: 'Instances',
    sync: 'Synchronisation',
    openInstances: 'Ouvrir : Instances',
    newInstance: 'Nouvelle instance',
    thisInstance: 'Cette instance',
    wrongPassword: 'Le nom d’utilisateur ou le mot de passe est incorrect',
    failed: 'La connexion a échoué',
  },
  {
    user: 'configurador',
    language: 'pt',
    instances: 'Instâncias',
    sync: 'Sincronização',
    openInstances: 'Abrir: Instâncias',
    newInstance: 'Nova instância',
    thisInstance: 'Esta instância',
    wrongPassword: 'O nome de utilizador ou a palavra-passe estão errados',
    failed: 'A ligação falhou',
  },
];

async function speaks(ctx, expected) {
  const { expect } = ctx;
  const { user, language } = expected;
  const dest = ctx.sim('dest');
  const page = await ctx.login(user);

  // Home: the cards in the user's language, <html lang> set for screen readers.
  await expect.containsText(page.locator('[data-test="home-card-sync"]'), expected.sync);
  await expect.containsText(page.locator('[data-test="home-card-instances"]'), expected.openInstances);
  expect.equal(await page.evaluate(() => document.documentElement.lang), language, '<html lang>');
  await expectNoEnglish(ctx, page, language, 'the home page');
  await ctx.screenshot(`${language}-home`, page);

  // The Instances panel.
  await page.locator('[data-test="home-card-instances"]').click();
  await expect.visible(page.locator('[data-test="instances-table"]'));
  await expect.containsText(page.locator('[data-test="data-table-row"]').first(), expected.thisInstance);
  await expect.containsText(page.locator('[data-test="instance-new"]'), expected.newInstance);
  await expectNoEnglish(ctx, page, language, 'the Instances panel');
  await ctx.screenshot(`${language}-instances`, page);

  // A diagnosis built in core: a wrong password, tested from the form (nothing is saved).
  await page.locator('[data-test="instance-new"]').click();
  await expect.visible(page.locator('[data-test="instance-form"]'));
  await page.locator('[data-test="instance-name"]').fill('Destino');
  await page.locator('[data-test="instance-url"]').fill(dest.url);
  await page.locator('[data-test="instance-username"]').fill('admin');
  await page.locator('[data-test="instance-secret"]').fill('not-the-password');
  await page.locator('[data-test="instance-form-test"]').click();
  await expect.attributes(page.locator('[data-test="connection-result"]'), 'data-success', ['false']);
  await expect.containsText(page.locator('[data-test="connection-result"]'), expected.failed);
  await expect.containsText(page.locator('[data-test="connection-message"]'), expected.wrongPassword);
  await expectNoEnglish(ctx, page, language, 'the diagnosis');
  await ctx.screenshot(`${language}-diagnosis`, page);
}

export default async function translations(ctx) {
  const { expect } = ctx;
  const source = ctx.sim('source');
  // The wrong password of the diagnosis is refused with 401 on purpose.
  ctx.allowConsoleErrors(/401|Unauthorized/i);

  for (const expected of LANGUAGES) {
    const { json: settings } = await source.api('/api/userSettings', { user: expected.user });
    expect.equal(settings?.keyUiLocale, expected.language, `${expected.user}'s keyUiLocale`);
    await speaks(ctx, expected);
  }

  // Switching language as DHIS2's profile app does, then starting the app again.
  const switched = await source.api('/api/userSettings/keyUiLocale?value=es', {
    user: 'configurator',
    method: 'POST',
  });
  expect.equal(switched.status, 200, 'POST /api/userSettings/keyUiLocale');
  try {
    const spanish = await ctx.login('configurator');
    await expect.containsText(spanish.locator('[data-test="home-card-sync"]'), 'Sincronización');
    await expectNoEnglish(ctx, spanish, 'es', 'the home page');
    await ctx.screenshot('es-home', spanish);

    // Something that is no locale (set by an administrator for the user): English, no error.
    const garbage = await source.api('/api/userSettings/keyUiLocale?user=configurator', {
      method: 'POST',
      body: 'fr!!_not_a_locale',
      headers: { 'Content-Type': 'text/plain' },
    });
    expect.equal(garbage.status, 200, 'an administrator sets a malformed locale');
    const english = await ctx.login('configurator');
    await expect.containsText(english.locator('[data-test="home-card-sync"]'), 'Open Sync');
    expect.equal(await english.evaluate(() => document.documentElement.lang), 'en', '<html lang>');
    await expect.noErrors(english);
  } finally {
    await source.api('/api/userSettings/keyUiLocale?value=en', { user: 'configurator', method: 'POST' });
  }
}
