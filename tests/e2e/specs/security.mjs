// The run-only user as an attacker would try it: the panels they may not use answer "not
// allowed" even when typed into the address bar, and DHIS2 itself refuses their direct writes
// to the app's stored configuration (the keys carry explicit sharing).

export const timeout = 120_000;

const NAMESPACE = 'metadata-sync';

export default async function security(ctx) {
  const { expect } = ctx;
  const source = ctx.sim('source');
  // Provoked on purpose: the 403s of the forged writes below.
  ctx.allowConsoleErrors(/403|Forbidden/i);

  // A configurator opens the app first: the stored layout is created and protected.
  const configurator = await ctx.login('configurator');
  await configurator.locator('[data-test="home-card-instances"]').click();
  await expect.visible(configurator.locator('[data-test="instances-table"]'));

  const executor = await ctx.login('executor');
  await expect.count(executor.locator('[data-test="home-card-instances"]'), 0);
  for (const route of ['#/instances', '#/sync', '#/mapping']) {
    await executor.evaluate((hash) => {
      window.location.hash = hash;
    }, route);
    await expect.visible(executor.locator('[data-test="not-allowed"]'));
  }
  await ctx.screenshot('executor-not-allowed', executor);

  // Straight at the API with the executor's session: reading the configuration is allowed
  // (names of instances, for rules), changing it is not.
  const attempt = (method, key, body) =>
    executor.evaluate(
      async ({ url, method, body }) => {
        const response = await fetch(url, {
          method,
          credentials: 'include',
          headers: { 'Content-Type': 'application/json', 'X-Requested-With': 'XMLHttpRequest' },
          body,
        });
        return response.status;
      },
      { url: `${source.url}/api/dataStore/${NAMESPACE}/${key}`, method, body },
    );
  expect.ok((await attempt('GET', 'instances')) === 200, 'the executor cannot read the instance names');
  const forged = JSON.stringify([{ id: 'aaaaaaaaaaa', name: 'Decoy', url: 'http://127.0.0.1:9', auth: 'basic' }]);
  const put = await attempt('PUT', 'instances', forged);
  expect.ok(put === 403, `the executor rewrote the instances (HTTP ${put})`);
  const settings = await attempt('PUT', 'settings', '{"historyRetentionDays":1}');
  expect.ok(settings === 403, `the executor changed the settings (HTTP ${settings})`);
  const schema = await attempt('DELETE', 'schema');
  expect.ok(schema === 403, `the executor deleted the schema key (HTTP ${schema})`);
}
