// Manual metadata sync, as an admin on the source (2.38) meets it: add the destination (2.41)
// on the Instances page, pick a data set, dry run (nothing written), sync (confirmed, then
// checked through the destination's API), download the payload and the raw response, pull
// a program from the destination back into the source, and replay a deletion.
//
// Both simulators start from the same demo seed, so every demo object already exists on both
// sides. To see a creation and a real change, the spec first adds a data set to the source and
// renames a program on the destination, through the Web API.

import fs from 'node:fs';

export const timeout = 170_000;

const INSTANCE_NAME = 'E2E Sync Destination';
const DATA_SET = { id: 'E2eSyncDs01', name: 'E2E sync data set' };
const PULLED_PROGRAM_NAME = 'E2E pulled program';

async function ok(promise, what) {
  const answer = await promise;
  if (answer.status < 200 || answer.status >= 300) {
    throw new Error(`${what}: HTTP ${answer.status} ${answer.text?.slice(0, 300)}`);
  }
  return answer.json;
}

/// A new data set on the source, built from demo objects (default category combo, one data
/// element), so that the destination does not have it yet.
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
      code: 'E2E_SYNC_DS',
      periodType: 'Monthly',
      categoryCombo: { id: comboId },
      dataSetElements: [{ dataElement: { id: elementId }, dataSet: { id: DATA_SET.id } }],
    }],
  };
  const report = await ok(source.api('/api/metadata', { method: 'POST', body }), 'creating the data set');
  const status = report?.status ?? report?.response?.status;
  if (status === 'ERROR') throw new Error(`creating the data set: ${JSON.stringify(report).slice(0, 400)}`);
}

/// Renames the first program of the destination; returns its id.
async function renameProgramOnDestination(dest) {
  const list = await ok(dest.api('/api/programs?fields=id&pageSize=1&order=name:asc'), 'listing programs');
  const id = list.programs?.[0]?.id;
  if (!id) throw new Error('the demo seed has no program on the destination');
  const program = await ok(dest.api(`/api/programs/${id}?fields=:owner`), 'reading the program');
  program.name = PULLED_PROGRAM_NAME;
  const report = await ok(
    dest.api('/api/metadata?importStrategy=UPDATE', { method: 'POST', body: { programs: [program] } }),
    'renaming the program',
  );
  const status = report?.status ?? report?.response?.status;
  if (status === 'ERROR') throw new Error(`renaming the program: ${JSON.stringify(report).slice(0, 400)}`);
  return id;
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
  // Testing the connection records the destination's version (the page warns about merge mode).
  await row.locator('[data-test="instance-test"]').click();
  await expect.attributes(page.locator('[data-test="connection-result"]'), 'data-success', ['true']);
  return row.getAttribute('data-id');
}

async function pickType(ctx, page, plural, search, rowText) {
  const { expect } = ctx;
  await page.locator(`[data-test="type-${plural}"]`).click();
  await expect.visible(page.locator('[data-test="sync-objects"]'));
  await page.locator('[data-test="sync-search"]').fill(search);
  const row = page.locator('[data-test="sync-objects"] [data-test="data-table-row"]').filter({ hasText: rowText });
  await expect.count(row, 1);
  await row.locator('[data-test="sync-row-check"]').check();
  await expect.containsText(page.locator('[data-test="sync-picked"]'), rowText);
}

async function waitForResults(ctx, page, kind) {
  const { expect } = ctx;
  const results = page.locator('[data-test="sync-results"]');
  await expect.containsText(results, `${kind} finished`, { timeout: 60_000 });
  return results;
}

export default async function syncMetadata(ctx) {
  const { expect } = ctx;
  const source = ctx.sim('source');
  const dest = ctx.sim('dest');

  await addDataSetToSource(source);
  const programId = await renameProgramOnDestination(dest);
  const before = await dest.api(`/api/dataSets/${DATA_SET.id}`);
  expect.equal(before.status, 404, 'the destination does not have the new data set yet');

  const page = await ctx.login('admin');
  const instanceId = await addDestinationInstance(ctx, page, dest);
  expect.ok(instanceId, 'the new instance row has an id');

  // The Sync panel: a menu, then the metadata page.
  await page.goto(page.url().replace(/#.*$/, '') + '#/sync');
  await expect.visible(page.locator('[data-test="sync-menu-metadata"]'));
  await page.locator('[data-test="sync-menu-metadata"]').click();
  await expect.visible(page.locator('[data-test="panel-sync-metadata"]'));
  await expect.visible(page.locator('[data-test="type-group-aggregated"]'));
  await expect.visible(page.locator('[data-test="type-group-tracker"]'));

  // Push: this instance → the destination; merge mode is ignored by 2.41.
  await page.locator(`[data-test="sync-destination-${instanceId}"]`).check();
  await expect.containsText(page.locator('[data-test="opt-merge-note"]'), '2.41+ ignores merge mode');
  await pickType(ctx, page, 'dataSets', 'E2E sync', DATA_SET.name);
  await ctx.screenshot('selection', page);

  // Dry run: the report says what would be created; nothing is written.
  await page.locator('[data-test="sync-dry-run"]').click();
  let results = await waitForResults(ctx, page, 'Dry run');
  const target = results.locator('[data-test="sync-target"]');
  await expect.containsText(target.locator('[data-test="sync-target-status"]'), /Success|Warning/);
  // DHIS2 counts nothing in a dry run (VALIDATE); the report shows what the payload holds
  // and, per type, what a sync would create or update.
  const dataSetStats = target.locator('[data-test="sync-type-stats"][data-type="dataSets"]');
  await expect.count(dataSetStats, 1);
  await expect.text(dataSetStats.locator('[data-test="sync-type-sent"]'), '1');
  await expect.visible(target.locator('[data-test="sync-dry-run-note"]'));
  // What a sync would create and update, checked against the destination: the new data set
  // does not exist there yet.
  const preview = target.locator('[data-test="sync-preview-row"][data-type="dataSets"]');
  await expect.count(preview, 1);
  await expect.text(preview.locator('[data-test="sync-preview-create"]'), '1');
  await expect.text(preview.locator('[data-test="sync-preview-update"]'), '0');
  await expect.visible(results.locator('[data-test="sync-history-saved"]'));
  await ctx.screenshot('dry-run', page);
  const afterDryRun = await dest.api(`/api/dataSets/${DATA_SET.id}`);
  expect.equal(afterDryRun.status, 404, 'a dry run writes nothing');

  // Download payload: the JSON each destination would receive.
  const [payloadDownload] = await Promise.all([
    page.waitForEvent('download', { timeout: 30_000 }),
    page.locator('[data-test="sync-download-payload"]').click(),
  ]);
  expect.ok(/^metadata-payload.*\.json$/.test(payloadDownload.suggestedFilename()), payloadDownload.suggestedFilename());
  const payloadPath = await payloadDownload.path();
  const payload = JSON.parse(fs.readFileSync(payloadPath, 'utf8'));
  expect.equal(payload.length, 1, 'one payload per destination');
  expect.equal(payload[0].target, INSTANCE_NAME, 'payload target');
  expect.ok(
    (payload[0].payload.dataSets ?? []).some((ds) => ds.id === DATA_SET.id),
    'the payload holds the data set',
  );
  expect.ok((payload[0].payload.dataElements ?? []).length >= 1, 'and its data element (dependency)');

  // Sync: confirmation naming the destination, then the data set is on the destination.
  await page.locator('[data-test="sync-start"]').click();
  await expect.containsText(page.locator('[data-test="confirm-dialog"]'), INSTANCE_NAME);
  await page.locator('[data-test="confirm-ok"]').click();
  results = await waitForResults(ctx, page, 'Sync');
  await expect.containsText(results.locator('[data-test="sync-target-status"]'), /Success|Warning/);
  await expect.text(
    results.locator('[data-test="sync-type-stats"][data-type="dataSets"] [data-test="sync-type-created"]'),
    '1',
  );
  await ctx.screenshot('synced', page);
  const synced = await ok(dest.api(`/api/dataSets/${DATA_SET.id}?fields=id,name,code`), 'the synced data set');
  expect.equal(synced.name, DATA_SET.name, 'data set name on the destination');
  expect.equal(synced.code, 'E2E_SYNC_DS', 'data set code on the destination');

  // Raw response of the destination, as received.
  const [rawDownload] = await Promise.all([
    page.waitForEvent('download', { timeout: 30_000 }),
    results.locator('[data-test="sync-download-raw"]').first().click(),
  ]);
  const raw = JSON.parse(fs.readFileSync(await rawDownload.path(), 'utf8'));
  expect.ok(Array.isArray(raw) && raw.length >= 1, 'one raw response per chunk');

  // Pull: the destination is the origin, this instance the destination.
  await page.locator('[data-test="sync-origin"]').selectOption(instanceId);
  await expect.visible(page.locator('[data-test="type-programs"]'), { timeout: 30_000 });
  await page.locator('[data-test="sync-destination-LOCAL"]').check();
  await pickType(ctx, page, 'programs', PULLED_PROGRAM_NAME, PULLED_PROGRAM_NAME);
  await page.locator('[data-test="sync-start"]').click();
  await expect.containsText(page.locator('[data-test="confirm-dialog"]'), 'This instance');
  await page.locator('[data-test="confirm-ok"]').click();
  results = await waitForResults(ctx, page, 'Sync');
  await expect.containsText(results.locator('[data-test="sync-target-status"]'), /Success|Warning/);
  await ctx.screenshot('pulled', page);
  const pulled = await ok(source.api(`/api/programs/${programId}?fields=id,name`), 'the pulled program');
  expect.equal(pulled.name, PULLED_PROGRAM_NAME, 'program name on the source after the pull');

  // Deleted objects: delete the data set here, then replay the deletion on the destination.
  await ok(source.api(`/api/dataSets/${DATA_SET.id}`, { method: 'DELETE' }), 'deleting the data set on the source');
  await page.goto(page.url().replace(/#.*$/, '') + '#/sync');
  await page.locator('[data-test="sync-menu-deleted"]').click();
  await page.locator('[data-test="deleted-list"]').click();
  await expect.count(page.locator(`[data-test="deleted-row"][data-id="${DATA_SET.id}"]`), 1);
  await page.locator(`[data-test="deleted-destination-${instanceId}"]`).check();
  await page.locator('[data-test="deleted-start"]').click();
  await expect.containsText(page.locator('[data-test="confirm-dialog"]'), INSTANCE_NAME);
  await page.locator('[data-test="confirm-ok"]').click();
  results = await waitForResults(ctx, page, 'Deletion');
  await expect.containsText(results.locator('[data-test="sync-target-status"]'), /Success|Warning/);
  await ctx.screenshot('deleted', page);
  const gone = await dest.api(`/api/dataSets/${DATA_SET.id}`);
  expect.equal(gone.status, 404, 'the data set is deleted on the destination too');

  // Every run is in the history: one dataStore key per run, `history-<id>`.
  const keys = await ok(source.api('/api/dataStore/metadata-sync'), 'the keys of the namespace');
  const runs = keys.filter((key) => key.startsWith('history-'));
  expect.ok(runs.length >= 4, `four runs in the history, found ${runs.length}`);
  const entry = await ok(source.api(`/api/dataStore/metadata-sync/${runs[0]}`), 'a history entry');
  expect.ok(entry.summary && entry.report, 'a history entry holds its summary and its report');
  expect.noErrors(page);
}
