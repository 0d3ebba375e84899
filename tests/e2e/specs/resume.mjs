// A metadata sync cut short, then resumed from the offer the app makes when it opens again.
//
// The destination (2.41) answers the first metadata import with DHIS2's HTML login page, as a
// server does when the session behind it expired: the run stops there, keeps its journal, and
// reports the destination as interrupted. Reloading the app (as after closing the tab) offers
// to resume it; Resume sends what had not arrived, the destination's API then has the data
// set, the journal is gone, and History holds the run once, as a success.

export const timeout = 170_000;

const INSTANCE_NAME = 'E2E Resume Destination';
const DATA_SET = { id: 'E2eResumDs1', name: 'E2E resume data set', code: 'E2E_RESUME_DS' };

async function ok(promise, what) {
  const answer = await promise;
  if (answer.status < 200 || answer.status >= 300) {
    throw new Error(`${what}: HTTP ${answer.status} ${answer.text?.slice(0, 300)}`);
  }
  return answer.json;
}

/// A data set the destination does not have, built from demo objects.
async function addDataSetToSource(source) {
  const combos = await ok(source.api('/api/categoryCombos?filter=name:eq:default&fields=id'), 'default combo');
  const elements = await ok(
    source.api('/api/dataElements?filter=domainType:eq:AGGREGATE&fields=id&pageSize=1'),
    'a data element',
  );
  const comboId = combos.categoryCombos?.[0]?.id;
  const elementId = elements.dataElements?.[0]?.id;
  if (!comboId || !elementId) throw new Error('the demo seed lacks a default combo or a data element');
  const body = {
    dataSets: [{
      id: DATA_SET.id,
      name: DATA_SET.name,
      shortName: DATA_SET.name,
      code: DATA_SET.code,
      periodType: 'Monthly',
      categoryCombo: { id: comboId },
      dataSetElements: [{ dataElement: { id: elementId }, dataSet: { id: DATA_SET.id } }],
    }],
  };
  const report = await ok(source.api('/api/metadata', { method: 'POST', body }), 'creating the data set');
  const status = report?.status ?? report?.response?.status;
  if (status === 'ERROR') throw new Error(`creating the data set: ${JSON.stringify(report).slice(0, 400)}`);
}

async function addDestinationInstance(ctx, page, dest) {
  const { expect } = ctx;
  await page.locator('[data-test="home-card-instances"]').click();
  await expect.visible(page.locator('[data-test="instances-table"]'));
  await page.locator('[data-test="instance-new"]').click();
  await page.locator('[data-test="instance-name"]').fill(INSTANCE_NAME);
  await page.locator('[data-test="instance-url"]').fill(dest.url);
  await page.locator('[data-test="instance-username"]').fill('admin');
  await page.locator('[data-test="instance-secret"]').fill('district');
  await page.locator('[data-test="instance-save"]').click();
  await expect.containsText(page.locator('[data-test="instances-notice"]'), `Saved "${INSTANCE_NAME}"`);
  const row = page.locator('[data-test="data-table-row"]').filter({ hasText: INSTANCE_NAME });
  return row.getAttribute('data-id');
}

async function runKeys(source) {
  const keys = await ok(source.api('/api/dataStore/metadata-sync'), 'the keys of the namespace');
  return keys.filter((key) => key.startsWith('run-'));
}

export default async function resume(ctx) {
  const { expect } = ctx;
  const source = ctx.sim('source');
  const dest = ctx.sim('dest');

  await addDataSetToSource(source);
  expect.equal((await dest.api(`/api/dataSets/${DATA_SET.id}`)).status, 404, 'the destination lacks the data set');

  const page = await ctx.login('admin');
  const instanceId = await addDestinationInstance(ctx, page, dest);
  expect.ok(instanceId, 'the new instance row has an id');
  const appUrl = page.url().replace(/#.*$/, '');

  // The sync, with the destination's session "expiring" at the first import.
  await dest.admin('faults', {
    method: 'POST',
    body: { pathPattern: '/api/metadata*', method: 'POST', kind: 'loginPage', times: 1 },
  });
  await page.goto(`${appUrl}#/sync/metadata`);
  await expect.visible(page.locator('[data-test="panel-sync-metadata"]'));
  await page.locator(`[data-test="sync-destination-${instanceId}"]`).check();
  await page.locator('[data-test="type-dataSets"]').click();
  await page.locator('[data-test="sync-search"]').fill('E2E resume');
  const row = page.locator('[data-test="sync-objects"] [data-test="data-table-row"]').filter({ hasText: DATA_SET.name });
  await expect.count(row, 1);
  await row.locator('[data-test="sync-row-check"]').check();
  await page.locator('[data-test="sync-start"]').click();
  await page.locator('[data-test="confirm-ok"]').click();
  const results = page.locator('[data-test="sync-results"]');
  await expect.containsText(results, 'Sync finished', { timeout: 60_000 });
  await ctx.screenshot('interrupted', page);
  const status = await results.locator('[data-test="sync-target-status"]').first().textContent();
  expect.ok(!/Success|Warning/.test(status ?? ''), `the interrupted run is not reported as a success: ${status}`);
  expect.equal((await dest.api(`/api/dataSets/${DATA_SET.id}`)).status, 404, 'nothing arrived before the stop');
  const journals = await runKeys(source);
  expect.equal(journals.length, 1, `one journal kept: ${journals.join(', ')}`);
  const runId = journals[0].slice('run-'.length);

  // Reopening the app offers to resume it.
  await page.goto(`${appUrl}#/`);
  await page.reload();
  const offer = page.locator('[data-test="resume-offer"]');
  await expect.containsText(offer, 'A sync was interrupted', { timeout: 20_000 });
  await ctx.screenshot('offer', page);
  await page.locator('[data-test="resume-offer-resume"]').click();
  const resumed = page.locator('[data-test="resume-results"]');
  await expect.visible(resumed, { timeout: 60_000 });
  await expect.containsText(resumed.locator('[data-test="resume-status"]'), /Success|Warning/);
  await ctx.screenshot('resumed', page);

  // On the destination's API: the data set, as on the source.
  const synced = await ok(dest.api(`/api/dataSets/${DATA_SET.id}?fields=id,name,code`), 'the resumed data set');
  expect.equal(synced.name, DATA_SET.name, 'data set name on the destination');
  expect.equal(synced.code, DATA_SET.code, 'data set code on the destination');
  expect.equal((await runKeys(source)).length, 0, 'the finished run left no journal');

  // In History: the run once, now a success, with its details.
  await page.locator('[data-test="resume-history-link"]').click();
  const entry = page.locator('[data-test="history-entry"]');
  await expect.visible(entry);
  await expect.containsText(entry.locator('[data-test="history-fact-resumed"]'), '1');
  // The parameters of the run as they were: the data set picked.
  expect.ok(
    (await entry.locator('[data-test="history-parameters"] pre').textContent()).includes(DATA_SET.id),
    'the run keeps what it was asked to sync',
  );
  await expect.count(
    entry.locator('[data-test="history-target"]:is([data-status="success"], [data-status="warning"])'),
    1,
  );
  await page.goto(`${appUrl}#/history`);
  const listed = page.locator(`[data-test="history-row"][data-id="${runId}"]`);
  await expect.count(listed, 1);
  await expect.containsText(listed.locator('[data-test="history-status"]'), /Success|Warning/);
  await expect.count(page.locator('[data-test="history-unfinished"]'), 0);
  await ctx.screenshot('history', page);
  const stored = await ok(source.api(`/api/dataStore/metadata-sync/history-${runId}`), 'the history entry');
  expect.equal(stored.report.resumed, 1, 'the report covers the resumed run');
  expect.noErrors(page);
}
