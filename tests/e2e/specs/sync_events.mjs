// Events and tracker sync, as an admin on the source (2.38, the old-style `/api/tracker` of
// 2.36–2.40) meets it, toward the destination (2.41, renamed parameters and envelopes): add the
// destination, open Sync → Events, sync the demo's event program ("Inpatient morbidity and
// mortality") for the demo year in a district of the Southern Province, then three tracked
// entities of its tracker program ("Child programme"); check through the destination's API that
// they arrived, and that each run is in the history with its per-program figures.
//
// The demo seed's events and enrollments are dated in 2024 (DEMO_YEAR) and only the source has
// them, so the period is fixed to 2024 rather than "last year", which depends on the day the
// test runs.

import { goOnPastMappingChecks } from '../lib/mapping_checks.mjs';

export const timeout = 175_000;

const INSTANCE_NAME = 'E2E Events Destination';
const EVENT_PROGRAM = 'Inpatient morbidity and mortality';
const TRACKER_PROGRAM = 'Child programme';
const START = '2024-01-01';
const END = '2024-12-31';

async function ok(promise, what) {
  const answer = await promise;
  if (answer.status < 200 || answer.status >= 300) {
    throw new Error(`${what}: HTTP ${answer.status} ${answer.text?.slice(0, 300)}`);
  }
  return answer.json;
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
  return row.getAttribute('data-id');
}

async function programId(sim, name) {
  const list = await ok(
    sim.api(`/api/programs?filter=name:eq:${encodeURIComponent(name)}&fields=id`),
    `the program ${name}`,
  );
  return list.programs?.[0]?.id;
}

/// The list of a tracker answer, whatever the version's envelope.
function items(body, key) {
  return body?.[key] ?? body?.instances ?? [];
}

async function waitForResults(ctx, page) {
  const results = page.locator('[data-test="sync-results"]');
  await ctx.expect.containsText(results, 'Sync finished', { timeout: 90_000 });
  return results;
}

async function historyEntry(ctx, results, source) {
  const saved = await results.locator('[data-test="sync-history-saved"]').textContent();
  const id = /\(([A-Za-z0-9]+)\)/.exec(saved ?? '')?.[1];
  ctx.expect.ok(id, `the history id is shown: ${saved}`);
  return ok(source.api(`/api/dataStore/metadata-sync/history-${id}`), 'the history entry');
}

export default async function syncEvents(ctx) {
  const { expect } = ctx;
  const source = ctx.sim('source');
  const dest = ctx.sim('dest');
  const eventProgram = await programId(source, EVENT_PROGRAM);
  const trackerProgram = await programId(source, TRACKER_PROGRAM);
  expect.ok(eventProgram && trackerProgram, 'the demo seed has both programs');
  expect.equal(await programId(dest, EVENT_PROGRAM), eventProgram, 'the destination has the event program');

  const page = await ctx.login('admin');
  const instanceId = await addDestinationInstance(ctx, page, dest);
  expect.ok(instanceId, 'the new instance row has an id');

  // Sync → Events (its own chunk).
  await page.goto(page.url().replace(/#.*$/, '') + '#/sync');
  await page.locator('[data-test="sync-menu-events"]').click();
  await expect.visible(page.locator('[data-test="panel-sync-events"]'));
  await page.locator(`[data-test="sync-destination-${instanceId}"]`).check();
  await page.locator(`[data-test="events-program-${eventProgram}"]`).check();

  // Where: Lakeland → Southern Province → its first district, with the units below it.
  const tree = page.locator('[data-test="org-unit-tree"]');
  const root = tree.locator('[data-test="org-unit-node"]').first();
  await expect.containsText(root, 'Lakeland');
  await root.locator('[data-test="org-unit-open"]').first().click();
  const province = tree.locator('[data-test="org-unit-node"]').filter({ hasText: 'Southern Province' }).last();
  await province.locator('[data-test="org-unit-open"]').first().click();
  const district = province.locator('[data-test="org-unit-children"] > [data-test="org-unit-node"]').first();
  await expect.visible(district);
  const districtId = await district.getAttribute('data-id');
  await district.locator('[data-test="org-unit-check"]').first().check();
  await expect.containsText(page.locator('[data-test="org-unit-tree-selected"]'), '1 unit chosen');

  // When: the demo year, by event date.
  await page.locator('[data-test="period-picker-kind"]').selectOption('fixed');
  await page.locator('[data-test="period-picker-start"]').fill(START);
  await page.locator('[data-test="period-picker-end"]').fill(END);

  // The chosen-events table lists the district's events, paged by the source's server.
  await page.locator('[data-test="events-only-chosen"]').check();
  await expect.visible(page.locator('[data-test="events-table"] [data-test="data-table-row"]').first(), { timeout: 30_000 });
  await expect.containsText(page.locator('[data-test="events-table"] [data-test="data-table-page-info"]'), /Page 1 of \d+/);
  await ctx.screenshot('chosen-events', page);
  await page.locator('[data-test="events-all"]').check();

  // What the source has there, and what of it the destination can take (its units).
  const sourceEvents = items(
    await ok(
      source.api(`/api/tracker/events?program=${eventProgram}&orgUnit=${districtId}&ouMode=DESCENDANTS&occurredAfter=${START}&occurredBefore=${END}&page=1&pageSize=1000&fields=event,orgUnit`),
      'the source events',
    ),
    'events',
  );
  expect.ok(sourceEvents.length > 0, 'the source has events in the district in 2024');
  const destUnits = await ok(
    dest.api(`/api/organisationUnits?paging=false&fields=id&filter=path:like:${districtId}`),
    'the units of the district on the destination',
  );
  const known = new Set((destUnits.organisationUnits ?? []).map((unit) => unit.id));
  const arriving = sourceEvents.filter((e) => known.has(e.orgUnit)).map((e) => e.event).sort();
  expect.ok(arriving.length > 0, 'the destination has units of the district');
  const destEvents = async () =>
    items(
      await ok(
        dest.api(`/api/tracker/events?program=${eventProgram}&orgUnit=${districtId}&orgUnitMode=DESCENDANTS&page=1&pageSize=1000&fields=event`),
        'the destination events',
      ),
      'events',
    ).map((e) => e.event).sort();
  expect.equal((await destEvents()).length, 0, 'the destination has no events there yet');

  // Sync the event program, after the confirmation.
  await page.locator('[data-test="events-start"]').click();
  await expect.containsText(page.locator('[data-test="confirm-dialog"]'), INSTANCE_NAME);
  await page.locator('[data-test="confirm-ok"]').click();
  await goOnPastMappingChecks(ctx, page, page.locator('[data-test="sync-results"]'));
  let results = await waitForResults(ctx, page);
  const target = results.locator('[data-test="sync-target"]');
  await expect.text(
    target.locator('[data-test="events-type-stats"][data-type="events"] [data-test="events-created"]'),
    arriving.length.toLocaleString('en'),
  );
  await ctx.screenshot('events-report', page);
  const after = await destEvents();
  expect.equal(JSON.stringify(after), JSON.stringify(arriving), 'every event the destination can take arrived');
  let entry = await historyEntry(ctx, results, source);
  const stats = entry.report?.events?.programs?.find((p) => p.program === eventProgram);
  expect.ok(stats && stats.events === sourceEvents.length, `per-program figures in history: ${JSON.stringify(entry).slice(0, 400)}`);

  // A few tracked entities of the tracker program: three of the district's children whose
  // unit the destination has.
  const children = items(
    await ok(
      source.api(`/api/tracker/trackedEntities?program=${trackerProgram}&orgUnit=${districtId}&ouMode=DESCENDANTS&page=1&pageSize=200&fields=trackedEntity,orgUnit`),
      'the source children',
    ),
    'trackedEntities',
  ).filter((te) => known.has(te.orgUnit)).slice(0, 3).map((te) => te.trackedEntity);
  expect.equal(children.length, 3, 'the district has three children the destination can take');
  for (const id of children) {
    const answer = await dest.api(`/api/tracker/trackedEntities/${id}?program=${trackerProgram}`);
    expect.ok(answer.status === 404, `${id} is not on the destination yet (${answer.status})`);
  }
  await page.locator(`[data-test="events-program-${eventProgram}"]`).uncheck();
  await page.locator(`[data-test="events-program-${trackerProgram}"]`).check();
  await page.locator('[data-test="events-only-entities"]').check();
  await page.locator('[data-test="events-entity-ids"]').fill(children.join('\n'));
  await expect.containsText(page.locator('[data-test="events-entities"]'), '3 tracked entities listed');
  await page.locator('[data-test="events-start"]').click();
  await page.locator('[data-test="confirm-ok"]').click();
  await expect.hidden(page.locator('[data-test="confirm-dialog"]'));
  await goOnPastMappingChecks(ctx, page, page.locator('[data-test="sync-results"]'), 'mapping-checks-tracker');
  results = await waitForResults(ctx, page);
  await expect.text(
    results.locator('[data-test="events-type-stats"][data-type="trackedEntities"] [data-test="events-created"]'),
    '3',
  );
  await ctx.screenshot('tracker-report', page);
  for (const id of children) {
    const te = await ok(
      dest.api(`/api/tracker/trackedEntities/${id}?program=${trackerProgram}&fields=trackedEntity,enrollments[enrollment,program,events[event]]`),
      `${id} on the destination`,
    );
    expect.equal(te.trackedEntity, id, 'the tracked entity arrived');
    const enrollment = (te.enrollments ?? []).find((e) => e.program === trackerProgram);
    expect.ok(enrollment && (enrollment.events ?? []).length > 0, `${id} arrived with its enrollment and events`);
  }
  entry = await historyEntry(ctx, results, source);
  const tracker = entry.report?.events?.programs?.find((p) => p.program === trackerProgram);
  expect.ok(tracker && tracker.trackedEntities === 3, `tracked entities in history: ${JSON.stringify(entry).slice(0, 400)}`);
}
