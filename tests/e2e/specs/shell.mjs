// The app shell as each kind of user meets it: installed through App Management, opened from
// /api/apps/metadata-sync/, with the DHIS2 header bar and the panels the user's role allows.
// How the app finds its server: from manifest.webapp on 2.38, from the URL the server writes
// into index.html on 2.41 (no manifest request).

import { installApp } from '../lib/sim.mjs';

const ALL_PANELS = ['instances', 'mapping', 'sync', 'rules', 'history', 'settings'];
const RUN_ONLY_PANELS = ['rules', 'history'];

async function expectHeaderBar(ctx, page, { username, title, screenshot }) {
  const { expect } = ctx;
  const { json: me } = await ctx.sim('source').api('/api/me?fields=name,username', { user: username });
  expect.ok(me?.name, `the simulator knows no name for ${username}`);
  await expect.text(page.locator('[data-test="headerbar-title"]'), `${title} - MetaData Sync`);
  // The profile button carries the user's name; its menu shows name and username.
  await expect.attributes(page.locator('[data-test="headerbar-profile-icon"]'), 'title', [me.name]);
  await page.locator('[data-test="headerbar-profile-icon"]').click();
  await expect.text(page.locator('[data-test="headerbar-profile-name"]'), me.name);
  await expect.text(page.locator('[data-test="headerbar-profile-username"]'), username);
  if (screenshot) await ctx.screenshot(screenshot, page);
  await page.locator('[data-test="headerbar-profile-icon"]').click();
  await expect.hidden(page.locator('[data-test="headerbar-profile-menu"]'));
}

function panelCards(page) {
  return page.locator('[data-test^="home-card-"]');
}

export default async function shell(ctx) {
  const { expect } = ctx;
  const source = ctx.sim('source');

  // Installed by the harness through POST /api/apps: App Management lists it under its key.
  const { status, json: apps } = await source.api('/api/apps');
  expect.equal(status, 200, 'GET /api/apps');
  const installed = (apps ?? []).find((app) => app.key === 'metadata-sync');
  expect.ok(installed, `metadata-sync is not among the installed apps: ${JSON.stringify(apps)}`);
  expect.equal(installed.name, 'MetaData Sync', 'installed app name');

  const { json: info } = await source.admin('info');
  const title = info?.applicationTitle;
  expect.ok(title, 'the simulator reports no application title');

  // admin (authority ALL): all panels, Settings included.
  const admin = await ctx.login('admin');
  await expectHeaderBar(ctx, admin, { username: 'admin', title, screenshot: 'admin-profile-menu' });
  await expect.attributes(
    panelCards(admin),
    'data-test',
    ALL_PANELS.map((panel) => `home-card-${panel}`),
  );
  await ctx.screenshot('admin', admin);

  // executor (METADATA_SYNC_EXECUTOR): rules and history only.
  const executor = await ctx.login('executor');
  await expectHeaderBar(ctx, executor, { username: 'executor', title });
  await expect.attributes(
    panelCards(executor),
    'data-test',
    RUN_ONLY_PANELS.map((panel) => `home-card-${panel}`),
  );
  await ctx.screenshot('executor', executor);

  // guest (no app role): no panels, and the roles to ask for.
  const guest = await ctx.login('guest');
  await expectHeaderBar(ctx, guest, { username: 'guest', title });
  await expect.visible(guest.locator('[data-test="no-access"]'));
  const message = guest.locator('[data-test="no-access-message"]');
  await expect.containsText(message, 'METADATA_SYNC_CONFIGURATOR');
  await expect.containsText(message, 'METADATA_SYNC_EXECUTOR');
  await expect.count(panelCards(guest), 0);
  await ctx.screenshot('guest', guest);

  for (const page of [admin, executor, guest]) expect.noErrors(page);

  await findsItsServer(ctx);
}

const MANIFEST = /\/api\/apps\/metadata-sync\/manifest\.webapp$/;

/** Opens the app again on `instance` and returns the URLs it asked for until the home page. */
async function startUpRequests(ctx, instance) {
  const page = await ctx.login('admin', undefined, { instance, path: '/api/system/info' });
  const urls = [];
  page.on('request', (request) => urls.push(request.url()));
  await page.goto(ctx.sim(instance).appUrl);
  await ctx.expect.visible(page.locator('[data-test="home"]'));
  return { page, urls };
}

async function findsItsServer(ctx) {
  const { expect } = ctx;
  // 2.38 leaves the page's dhis2-base-url placeholder alone: the manifest tells the server URL.
  const old = await startUpRequests(ctx, 'source');
  expect.ok(old.urls.some((url) => MANIFEST.test(url)), `2.38: manifest.webapp was not asked for:\n${old.urls.join('\n')}`);

  // 2.41 fills it in: no manifest request, and the session comes from that server.
  const dest = ctx.sim('dest');
  await installApp(dest.url, ctx.zipPath);
  try {
    const modern = await startUpRequests(ctx, 'dest');
    const manifestAsked = modern.urls.filter((url) => MANIFEST.test(url));
    expect.equal(manifestAsked.length, 0, `2.41: manifest.webapp was asked for: ${manifestAsked.join(', ')}`);
    expect.ok(
      modern.urls.some((url) => url.startsWith(`${dest.url}/api/system/info`)),
      `2.41: system/info was not asked of ${dest.url}:\n${modern.urls.join('\n')}`,
    );
    const { json: info } = await dest.admin('info');
    await expect.text(modern.page.locator('[data-test="headerbar-title"]'), `${info.applicationTitle} - MetaData Sync`);
    expect.noErrors(modern.page);
  } finally {
    await dest.api('/api/apps/metadata-sync', { method: 'DELETE' });
  }
}
