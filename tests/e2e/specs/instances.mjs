// The Instances panel as an admin meets it on the source instance: create an instance that
// points at the destination simulator, test it, break its password, break CORS, and check that
// no password is ever stored in plain text in the dataStore.

export const timeout = 150_000;

const WRONG_PASSWORD = 'wrong-password-e2e';

export default async function instances(ctx) {
  const { expect } = ctx;
  const source = ctx.sim('source');
  const dest = ctx.sim('dest');
  const appOrigin = new URL(source.url).origin;
  // Provoked on purpose below: the 401 of the wrong password and the CORS refusal.
  ctx.allowConsoleErrors(/401|Unauthorized|CORS|ERR_FAILED|Failed to fetch/i);

  const page = await ctx.login('admin');
  await page.locator('[data-test="home-card-instances"]').click();
  await expect.visible(page.locator('[data-test="instances-table"]'));
  const rows = page.locator('[data-test="data-table-row"]');
  await expect.containsText(rows.first(), 'This instance');
  await expect.count(rows.first().locator('[data-test="instance-edit"]'), 0);

  // Create: the simulator speaks plain http, so the form warns about it.
  await page.locator('[data-test="instance-new"]').click();
  await expect.visible(page.locator('[data-test="instance-form"]'));
  await page.locator('[data-test="instance-name"]').fill('E2E Destination');
  await page.locator('[data-test="instance-url"]').fill(`${dest.url}/api/`);
  await expect.visible(page.locator('[data-test="instance-http-warning"]'));
  await page.locator('[data-test="instance-description"]').fill('The 2.41 simulator');
  await page.locator('[data-test="instance-username"]').fill('admin');
  await page.locator('[data-test="instance-secret"]').fill('district');
  await page.locator('[data-test="instance-save"]').click();
  await expect.containsText(page.locator('[data-test="instances-notice"]'), 'Saved "E2E Destination"');
  const destRow = rows.filter({ hasText: 'E2E Destination' });
  await expect.count(destRow, 1);
  await expect.containsText(destRow, dest.url);

  // Test: success names the system and its version.
  await destRow.locator('[data-test="instance-test"]').click();
  await expect.attributes(page.locator('[data-test="connection-result"]'), 'data-success', ['true']);
  await expect.containsText(page.locator('[data-test="connection-message"]'), /Connected to .*DHIS2 2\.41/);
  await ctx.screenshot('tested');

  // Edit: the stored password is never shown; replace it with a wrong one.
  await destRow.locator('[data-test="instance-edit"]').click();
  await expect.visible(page.locator('[data-test="instance-secret-saved"]'));
  expect.equal(await page.locator('[data-test="instance-secret"]').inputValue(), '', 'secret field');
  await page.locator('[data-test="instance-secret"]').fill(WRONG_PASSWORD);
  await page.locator('[data-test="instance-save"]').click();
  await expect.containsText(page.locator('[data-test="instances-notice"]'), 'Saved "E2E Destination"');
  await destRow.locator('[data-test="instance-test"]').click();
  await expect.attributes(page.locator('[data-test="connection-result"]'), 'data-success', ['false']);
  await expect.containsText(page.locator('[data-test="connection-message"]'), 'username or password is wrong');

  // CORS: the destination stops allowing the app's origin; the message names the origin to add.
  const removed = await dest.admin('cors', { method: 'POST', body: { remove: appOrigin } });
  expect.equal(removed.status, 200, 'removing the origin from the CORS allowlist');
  try {
    await destRow.locator('[data-test="instance-test"]').click();
    await expect.attributes(page.locator('[data-test="connection-result"]'), 'data-success', ['false']);
    await expect.containsText(
      page.locator('[data-test="connection-message"]'),
      `add ${appOrigin} to its CORS allowlist`,
    );
    await ctx.screenshot('cors');
  } finally {
    await dest.admin('cors', { method: 'POST', body: { add: appOrigin } });
  }

  // No plaintext secret anywhere in the app's namespace.
  const { status, json: keys } = await source.api('/api/dataStore/metadata-sync');
  expect.equal(status, 200, 'listing the metadata-sync namespace');
  expect.ok(
    keys.some((key) => key.startsWith('instance-secret-')),
    `no instance-secret-* key among ${JSON.stringify(keys)}`,
  );
  for (const key of keys) {
    const { status: keyStatus, text } = await source.api(`/api/dataStore/metadata-sync/${encodeURIComponent(key)}`);
    expect.equal(keyStatus, 200, `reading dataStore key ${key}`);
    for (const secret of ['district', WRONG_PASSWORD]) {
      expect.ok(!text.includes(secret), `dataStore key ${key} holds the plaintext "${secret}"`);
    }
  }
}
