// The Mapping panel on the demo: the destination (2.41) holds some of the source's (2.38) data
// elements under other UIDs with the same codes. Open Mapping for the destination from the
// Instances list, auto-map the data elements, save, reload (the mapping is kept), then run a
// metadata sync with "Apply mapping" of a data set that uses a moved data element, and check on
// the destination's API that the data set points at the destination's own data element.

import { goOnPastMappingChecks } from '../lib/mapping_checks.mjs';

export const timeout = 170_000;

const INSTANCE_NAME = 'E2E Mapping Destination';
const DATA_SET = { id: 'E2eMapDs001', name: 'E2E mapped data set', code: 'E2E_MAP_DS' };

async function ok(promise, what) {
  const answer = await promise;
  if (answer.status < 200 || answer.status >= 300) {
    throw new Error(`${what}: HTTP ${answer.status} ${answer.text?.slice(0, 300)}`);
  }
  return answer.json;
}

/// A source data element whose code the destination gives to another UID.
async function findMovedDataElement(source, dest) {
  const fields = 'fields=id,name,code&paging=false&filter=domainType:eq:AGGREGATE';
  const here = await ok(source.api(`/api/dataElements?${fields}`), 'source data elements');
  const there = await ok(dest.api(`/api/dataElements?${fields}`), 'destination data elements');
  const byCode = new Map((there.dataElements ?? []).filter((de) => de.code).map((de) => [de.code, de]));
  const ids = new Set((there.dataElements ?? []).map((de) => de.id));
  const moved = (here.dataElements ?? []).find(
    (de) => de.code && byCode.has(de.code) && byCode.get(de.code).id !== de.id && !ids.has(de.id),
  );
  if (!moved) throw new Error('the demo destination has no data element moved to another UID');
  return { origin: moved, destination: byCode.get(moved.code) };
}

/// A new data set on the source holding the moved data element.
async function addDataSetToSource(source, elementId) {
  const combos = await ok(source.api('/api/categoryCombos?filter=name:eq:default&fields=id'), 'default combo');
  const comboId = combos.categoryCombos?.[0]?.id;
  if (!comboId) throw new Error('the demo seed lacks the default category combo');
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
  await row.locator('[data-test="instance-test"]').click();
  await expect.attributes(page.locator('[data-test="connection-result"]'), 'data-success', ['true']);
  return row;
}

/// The panel's row of a data element, found by a search on its code.
async function rowOf(ctx, page, element) {
  const { expect } = ctx;
  await page.locator('[data-test="mapping-search"]').fill(element.code);
  const row = page.locator(`[data-test="mapping-rows"] [data-test="data-table-row"][data-id="${element.id}"]`);
  await expect.count(row, 1, { timeout: 30_000 });
  return row;
}

export default async function mapping(ctx) {
  const { expect } = ctx;
  const source = ctx.sim('source');
  const dest = ctx.sim('dest');
  const moved = await findMovedDataElement(source, dest);
  ctx.log(`moved data element: ${moved.origin.code} ${moved.origin.id} → ${moved.destination.id}`);
  await addDataSetToSource(source, moved.origin.id);

  const page = await ctx.login('admin');
  const instanceRow = await addDestinationInstance(ctx, page, dest);
  const instanceId = await instanceRow.getAttribute('data-id');

  // "Mapping" on the destination's row opens the panel for it (its own wasm chunk).
  await instanceRow.locator('[data-test="instance-mapping"]').click();
  await expect.visible(page.locator('[data-test="panel-mapping"]'), { timeout: 30_000 });
  await expect.visible(page.locator('[data-test="mapping-rows"] [data-test="data-table-row"]').first(), { timeout: 30_000 });
  expect.equal(await page.locator('[data-test="mapping-instance"]').inputValue(), instanceId, 'the destination is chosen');
  let row = await rowOf(ctx, page, moved.origin);
  await expect.attributes(row, 'data-status', ['unmapped']);
  await page.locator('[data-test="mapping-search"]').fill('');

  // Auto-map every unmapped data element: same id for most, same code for the moved ones.
  await page.locator('[data-test="mapping-auto-map"]').click();
  await expect.visible(page.locator('[data-test="mapping-summary"]'), { timeout: 60_000 });
  await expect.containsText(page.locator('[data-test="mapping-summary-code"]'), 'by the same code');
  await expect.visible(page.locator('[data-test="mapping-summary-id"]'));
  await ctx.screenshot('auto-mapped', page);
  row = await rowOf(ctx, page, moved.origin);
  await expect.attributes(row, 'data-status', ['mapped']);
  await expect.containsText(row, moved.destination.id);
  await expect.containsText(row.locator('[data-test="mapping-rule"]'), 'same code');

  await page.locator('[data-test="mapping-save"]').click();
  await expect.containsText(page.locator('[data-test="mapping-notice"]'), 'Mapping saved');
  const stored = await ok(source.api(`/api/dataStore/metadata-sync/mappings-${instanceId}`), 'the stored mapping');
  expect.equal(
    stored.aggregatedDataElements?.[moved.origin.id]?.mappedId,
    moved.destination.id,
    'the stored mapping sends the moved data element to the destination\'s UID',
  );

  // Reload: the mapping is read back from the dataStore.
  await page.reload();
  await expect.visible(page.locator('[data-test="panel-mapping"]'), { timeout: 30_000 });
  row = await rowOf(ctx, page, moved.origin);
  await expect.attributes(row, 'data-status', ['mapped']);
  await expect.containsText(row, moved.destination.id);
  await ctx.screenshot('reloaded', page);

  // A metadata sync of the data set with "Apply mapping".
  await page.goto(page.url().replace(/#.*$/, '') + '#/sync/metadata');
  await expect.visible(page.locator('[data-test="type-group-aggregated"]'), { timeout: 30_000 });
  const apply = page.locator('[data-test="opt-apply-mapping"]');
  await expect.containsText(page.locator('[data-test="opt-apply-mapping-help"]'), 'Choose a destination');
  await page.locator(`[data-test="sync-destination-${instanceId}"]`).check();
  await apply.check({ timeout: 15_000 });
  await page.locator('[data-test="type-dataSets"]').click();
  await page.locator('[data-test="sync-search"]').fill('E2E mapped');
  const dataSetRow = page.locator('[data-test="sync-objects"] [data-test="data-table-row"]').filter({ hasText: DATA_SET.name });
  await expect.count(dataSetRow, 1);
  await dataSetRow.locator('[data-test="sync-row-check"]').check();
  await page.locator('[data-test="sync-start"]').click();
  await expect.containsText(page.locator('[data-test="confirm-dialog"]'), INSTANCE_NAME);
  await page.locator('[data-test="confirm-ok"]').click();
  // The checks before the run list what the mapping leaves unmapped at the destination (the
  // data set's other references); the user reads them and goes on.
  const results = page.locator('[data-test="sync-results"]');
  await goOnPastMappingChecks(ctx, page, results);
  await expect.containsText(results, 'Sync finished', { timeout: 60_000 });
  await expect.containsText(results.locator('[data-test="sync-target-status"]'), /Success|Warning/);
  await ctx.screenshot('synced-with-mapping', page);

  const arrived = await ok(
    dest.api(`/api/dataSets/${DATA_SET.id}?fields=id,dataSetElements%5BdataElement%5Bid%5D%5D`),
    'the data set on the destination',
  );
  const elementIds = (arrived.dataSetElements ?? []).map((e) => e.dataElement?.id);
  expect.ok(elementIds.includes(moved.destination.id), `the data set uses the destination's data element: ${elementIds}`);
  expect.ok(!elementIds.includes(moved.origin.id), `and not the source's UID: ${elementIds}`);
  expect.noErrors(page);
}
