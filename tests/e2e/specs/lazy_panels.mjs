// The release build splits the Instances and Sync panels into wasm chunks fetched on first use
// (xtask/src/web_build.rs, src/pages/lazy_panel.rs). This spec watches what the browser fetches:
// the home page loads the main module only; a panel fetches its chunks when it first opens; a
// chunk that cannot be fetched shows an error with Retry, and Retry loads the panel; a chunk
// served without the application/wasm type still loads; pointing at a card prefetches its chunk;
// after the session expired the page says so and links to the login.

const CHUNK = /\/api\/apps\/metadata-sync\/app-[0-9a-f]+\/(split_[a-z_]+|chunk_\d+)\.wasm$/;
const MAIN_WASM = /\/api\/apps\/metadata-sync\/app-[0-9a-f]+\/metadata-sync_bg\.wasm$/;

function chunkName(url) {
  return url.match(CHUNK)?.[1];
}

async function waitFor(condition, message, timeoutMs = 10_000) {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(message);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

export default async function lazyPanels(ctx) {
  const { expect } = ctx;
  const fetched = [];
  // Logged in on a plain API page first, so the app's own requests are all watched.
  const page = await ctx.login('admin', undefined, { path: '/api/system/info' });
  page.on('request', (request) => fetched.push(request.url()));
  await page.goto(ctx.sim('source').appUrl);
  await expect.visible(page.locator('[data-test="home-card-instances"]'));

  expect.ok(fetched.some((url) => MAIN_WASM.test(url)), `the main module was not fetched: ${fetched.join('\n')}`);
  const chunksAtHome = fetched.filter((url) => CHUNK.test(url));
  expect.equal(chunksAtHome.length, 0, `the home page fetched panel chunks: ${chunksAtHome.join(', ')}`);

  // Instances: its chunk comes when the panel opens. It is served as a servlet container that
  // does not know .wasm would serve it (no application/wasm): the loader still instantiates it.
  let retyped = 0;
  await page.route(/split_instances_panel\.wasm$/, async (route) => {
    const response = await route.fetch();
    retyped += 1;
    await route.fulfill({
      response,
      headers: { ...response.headers(), 'content-type': 'application/octet-stream' },
    });
  });
  // Pointing at the card starts the download before any click.
  await page.locator('[data-test="home-card-instances"]').hover();
  await waitFor(() => retyped === 1, 'hovering the Instances card did not prefetch its chunk');
  await expect.visible(page.locator('[data-test="home"]'));
  await page.locator('[data-test="home-card-instances"]').click();
  await expect.visible(page.locator('[data-test="panel-instances"]'));
  const instanceChunks = fetched.filter((url) => CHUNK.test(url)).map(chunkName);
  expect.ok(
    instanceChunks.includes('split_instances_panel'),
    `opening Instances did not fetch its chunk: ${instanceChunks.join(', ')}`,
  );
  expect.ok(
    !instanceChunks.includes('split_sync_panel'),
    'opening Instances fetched the Sync panel chunk too',
  );
  expect.equal(retyped, 1, 'the Instances chunk served as application/octet-stream');

  // Sync, after the DHIS2 session expired (every /api request answers with the login page):
  // the page says so, with a link to log in again.
  const source = ctx.sim('source');
  ctx.allowConsoleErrors(/split_sync_panel\.wasm|Failed to fetch|ERR_FAILED|net::ERR_|has the session expired/);
  await source.admin('faults', { method: 'POST', body: { pathPattern: '/api/*', kind: 'loginPage' } });
  await page.goto(`${page.url().split('#')[0]}#/`);
  await page.locator('[data-test="home-card-sync"]').click();
  const failure = page.locator('[data-test="panel-load-error"]');
  await expect.visible(failure);
  await expect.containsText(page.locator('[data-test="panel-load-message"]'), 'session has probably expired');
  await expect.visible(page.locator('[data-test="panel-load-login"]'));
  await ctx.screenshot('session-expired', page);
  await source.admin('faults', { method: 'DELETE' });

  // Sync, while the network is down for its chunk: the hover's prefetch fails silently, the
  // click shows an error with Retry; once the network is back, Retry loads the panel.
  let networkDown = true;
  let dropped = 0;
  await page.route(/split_sync_panel\.wasm$/, async (route) => {
    if (networkDown) {
      dropped += 1;
      await route.abort('connectionfailed');
    } else {
      await route.continue();
    }
  });
  await page.goto(`${page.url().split('#')[0]}#/`);
  const beforeNetworkDown = fetched.length;
  await page.locator('[data-test="home-card-sync"]').click();
  await expect.visible(failure);
  await expect.containsText(page.locator('[data-test="panel-load-message"]'), 'could not be downloaded');
  await expect.hidden(page.locator('[data-test="panel-load-login"]'));
  await ctx.screenshot('chunk-failed', page);
  expect.ok(dropped >= 1, 'the Sync chunk was never requested');

  networkDown = false;
  await page.locator('[data-test="panel-load-retry"]').click();
  await expect.visible(page.locator('[data-test="panel-sync"]'));
  await expect.hidden(failure);
  const syncFetches = fetched
    .slice(beforeNetworkDown)
    .filter((url) => chunkName(url) === 'split_sync_panel');
  expect.equal(syncFetches.length, dropped + 1, 'the Sync chunk is fetched again on Retry, once');

  // Back to Instances: its chunk is already there, nothing is fetched again.
  const before = fetched.length;
  await page.locator('a[href="#/"]').first().click();
  await page.locator('[data-test="home-card-instances"]').click();
  await expect.visible(page.locator('[data-test="panel-instances"]'));
  const again = fetched.slice(before).filter((url) => CHUNK.test(url));
  expect.equal(again.length, 0, `reopening Instances fetched chunks again: ${again.join(', ')}`);
}
