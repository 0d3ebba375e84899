// Rules, as a configurator and a run-only user meet them: the configurator adds a destination,
// creates a rule in the editor (each step, a schedule in words with its next runs), shares it
// for running (the app offers to share its private destination read-only too), runs it and
// reads its report; the executor sees the shared rule, runs it (the destination changes, the
// history names them), has no way to edit it in the app, and DHIS2 refuses their direct writes
// to the rule's keys and to the instance's.

export const timeout = 170_000;

const NAMESPACE = 'metadata-sync';
// No English word in the name: the translations spec reads the Instances panel after this one.
const INSTANCE_NAME = 'E2E Destination 2';
const RULE_NAME = 'E2E rule: indicator type';
// An object without references, with the same id on both demo instances: the run updates it.
const INDICATOR_TYPE = 'Per thousand';

async function indicatorType(source) {
  const { json } = await source.api(
    `/api/indicatorTypes?fields=id,name&filter=name:eq:${encodeURIComponent(INDICATOR_TYPE)}`,
  );
  const found = json?.indicatorTypes?.[0];
  if (!found) throw new Error(`the demo seed has no indicator type "${INDICATOR_TYPE}"`);
  return found;
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

async function ok(promise, what) {
  const answer = await promise;
  if (answer.status < 200 || answer.status >= 300) {
    throw new Error(`${what}: HTTP ${answer.status} ${answer.text?.slice(0, 300)}`);
  }
  return answer.json;
}

/// Renames the indicator type on the destination, so that a run visibly puts it back.
async function renameOnDestination(dest, id, name) {
  const object = await ok(dest.api(`/api/indicatorTypes/${id}?fields=:owner`), 'reading the indicator type');
  object.name = name;
  const report = await ok(
    dest.api('/api/metadata?importStrategy=UPDATE', { method: 'POST', body: { indicatorTypes: [object] } }),
    'renaming the indicator type',
  );
  const status = report?.status ?? report?.response?.status;
  if (status === 'ERROR') throw new Error(`renaming the indicator type: ${JSON.stringify(report).slice(0, 400)}`);
}

function openRules(page) {
  return page.evaluate(() => {
    window.location.hash = '#/rules';
  });
}

async function runFromTheList(ctx, page) {
  const { expect } = ctx;
  const row = page.locator('[data-test="data-table-row"]').filter({ hasText: RULE_NAME });
  await row.locator('[data-test="rule-run"]').click();
  await expect.containsText(page.locator('[data-test="confirm-dialog"]'), INSTANCE_NAME);
  await page.locator('[data-test="confirm-ok"]').click();
  const report = page.locator('[data-test="rule-run-report"]');
  await expect.containsText(report, 'Sync finished', { timeout: 60_000 });
  await expect.containsText(report.locator('[data-test="sync-target-status"]'), /Success|Warning/);
  return report;
}

export default async function rules(ctx) {
  const { expect } = ctx;
  const source = ctx.sim('source');
  const dest = ctx.sim('dest');
  // Provoked on purpose: the 403s of the executor's forged writes.
  ctx.allowConsoleErrors(/403|Forbidden/i);
  const picked = await indicatorType(source);

  // The configurator: a destination, then a rule in the editor.
  const page = await ctx.login('configurator');
  const instanceId = await addDestinationInstance(ctx, page, dest);
  expect.ok(instanceId, 'the new instance row has an id');
  await openRules(page);
  await expect.visible(page.locator('[data-test="panel-rules"]'));
  await expect.attributes(page.locator('[data-test="scheduler-status"]'), 'data-state', ['down']);
  await page.locator('[data-test="rules-new"]').click();

  // General: the name is checked at its field.
  await page.locator('[data-test="rule-next"]').click();
  await expect.containsText(page.locator('[data-test="rule-name-error"]'), 'Enter a name');
  await page.locator('[data-test="rule-name"]').fill(RULE_NAME);
  await page.locator('[data-test="rule-description"]').fill('Made by the e2e spec');
  await page.locator('[data-test="rule-next"]').click();

  // What: the Sync page's browser.
  await page.locator('[data-test="type-indicatorTypes"]').click();
  await expect.visible(page.locator('[data-test="sync-objects"]'));
  await page.locator('[data-test="sync-search"]').fill(picked.name);
  const objectRow = page.locator('[data-test="sync-objects"] [data-test="data-table-row"]').filter({ hasText: picked.name });
  await expect.count(objectRow, 1);
  await objectRow.locator('[data-test="sync-row-check"]').check();
  await expect.containsText(page.locator('[data-test="sync-picked"]'), picked.name);
  await page.locator('[data-test="rule-next"]').click();

  // Instances: this instance → the destination.
  await page.locator('[data-test="rule-next"]').click();
  await expect.containsText(page.locator('[data-test="rule-destinations-error"]'), 'at least one destination');
  await page.locator(`[data-test="sync-destination-${instanceId}"]`).check();
  await page.locator('[data-test="rule-next"]').click();

  // Schedule: a custom cron is refused with its reason; a preset is said in words.
  await page.locator('[data-test="schedule-mode"]').selectOption('custom');
  await page.locator('[data-test="schedule-cron"]').fill('0 0 2 30 2 ?');
  await expect.containsText(page.locator('[data-test="schedule-error"]'), 'never fires');
  await page.locator('[data-test="schedule-mode"]').selectOption('weekly');
  await expect.text(page.locator('[data-test="schedule-words"]'), 'Every Monday at 02:00');
  await expect.count(page.locator('[data-test="schedule-next-run"]'), 3);
  await ctx.screenshot('schedule', page);
  await page.locator('[data-test="rule-next"]').click();

  // Summary, then Save.
  await expect.text(page.locator('[data-test="rule-summary-name"]'), RULE_NAME);
  await expect.containsText(page.locator('[data-test="rule-summary-what"]'), picked.name);
  await expect.text(page.locator('[data-test="rule-summary-destinations"]'), INSTANCE_NAME);
  await expect.text(page.locator('[data-test="rule-summary-schedule"]'), 'Every Monday at 02:00');
  await page.locator('[data-test="rule-save"]').click();
  const row = page.locator('[data-test="data-table-row"]').filter({ hasText: RULE_NAME });
  await expect.containsText(row, 'Every Monday at 02:00');
  const ruleId = await row.getAttribute('data-id');
  expect.ok(ruleId, 'the rule row has an id');

  // Shared for running with everyone who has the app.
  await row.locator('[data-test="rule-share"]').click();
  await page.locator('[data-test="sharing-public"]').selectOption('r-------');
  await page.locator('[data-test="sharing-save"]').click();
  await expect.containsText(page.locator('[data-test="rules-notice"]'), 'Sharing saved');
  // The destination is private to the configurator: the app says so and offers to share it
  // read-only with the rule's audience.
  const gap = page.locator('[data-test="confirm-dialog"]').filter({ hasText: 'Share the instances too?' });
  await expect.containsText(gap, INSTANCE_NAME);
  await ctx.screenshot('instance-gap', page);
  await gap.locator('[data-test="confirm-ok"]').click();
  await expect.containsText(page.locator('[data-test="rules-notice"]'), `Instances shared read-only: ${INSTANCE_NAME}`);
  const { json: instances } = await source.api(`/api/dataStore/${NAMESPACE}/instances`);
  const sharedInstance = (instances ?? []).find((instance) => instance.id === instanceId);
  expect.equal(sharedInstance?.sharing?.publicAccess, 'r-------', 'the instance is readable by app users');
  const { json: stored } = await source.api(`/api/dataStore/${NAMESPACE}/rules`);
  const summary = (stored ?? []).find((rule) => rule.id === ruleId);
  expect.equal(summary?.sharing?.publicAccess, 'r-------', 'the rule is readable by app users');

  // Run now: progress, then the report; the list shows the run.
  const report = await runFromTheList(ctx, page);
  await expect.text(
    report.locator('[data-test="sync-type-stats"][data-type="indicatorTypes"] [data-test="sync-type-sent"]'),
    '1',
  );
  await ctx.screenshot('configurator-report', page);
  await expect.containsText(row, /Success|Warning/);
  const { json: record } = await source.api(`/api/dataStore/${NAMESPACE}/last-run-${ruleId}`);
  expect.equal(record?.lastRun?.lastExecutedBy, 'configurator', 'the rule records who ran it');

  // The run-only user: sees the shared rule, runs it, cannot change it.
  const executor = await ctx.login('executor');
  await executor.locator('[data-test="home-card-rules"]').click();
  const executorRow = executor.locator('[data-test="data-table-row"]').filter({ hasText: RULE_NAME });
  await expect.visible(executorRow);
  await expect.count(executor.locator('[data-test="rules-new"]'), 0);
  for (const action of ['rule-edit', 'rule-delete', 'rule-share', 'rule-toggle', 'rule-replicate']) {
    await expect.count(executorRow.locator(`[data-test="${action}"]`), 0);
  }
  // The destination is shared read-only with them: the run succeeds, puts back what was
  // changed on the destination, and the history names them.
  await renameOnDestination(dest, picked.id, 'Renamed on the destination');
  await executorRow.locator('[data-test="rule-run"]').click();
  await executor.locator('[data-test="confirm-ok"]').click();
  const executorReport = executor.locator('[data-test="rule-run-report"]');
  await expect.containsText(executorReport, 'Sync finished', { timeout: 60_000 });
  await expect.containsText(executorReport.locator('[data-test="sync-target-status"]'), /Success|Warning/);
  const { json: restored } = await dest.api(`/api/indicatorTypes/${picked.id}?fields=id,name`);
  expect.equal(restored?.name, INDICATOR_TYPE, 'the executor\'s run updated the destination');
  const { json: executorRecord } = await source.api(`/api/dataStore/${NAMESPACE}/last-run-${ruleId}`);
  expect.equal(executorRecord?.lastRun?.lastExecutedBy, 'executor', 'the rule records the executor\'s run');
  const historyKeys = ((await source.api(`/api/dataStore/${NAMESPACE}`)).json ?? []).filter((key) => key.startsWith('history-'));
  const entries = await Promise.all(
    historyKeys.map(async (key) => (await source.api(`/api/dataStore/${NAMESPACE}/${key}`)).json),
  );
  expect.ok(
    entries.some((entry) => entry?.summary?.ruleId === ruleId && entry?.summary?.user === 'executor'),
    `a history entry of the executor's run (among ${historyKeys.length})`,
  );
  await ctx.screenshot('executor-run', executor);

  // The editor is refused to them, and so is DHIS2 itself to a direct write.
  await executor.evaluate((id) => {
    window.location.hash = `#/rules/${id}/edit`;
  }, ruleId);
  await expect.visible(executor.locator('[data-test="rule-editor-refused"]'));
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
  const forgedList = JSON.stringify([{ ...summary, name: 'Hijacked', enabled: true }]);
  const listPut = await attempt('PUT', 'rules', forgedList);
  expect.ok(listPut === 403, `the executor rewrote the rules list (HTTP ${listPut})`);
  const detailsPut = await attempt('PUT', `rule-${ruleId}`, '{"job":{"kind":"metadata","selection":{}}}');
  expect.ok(detailsPut === 403, `the executor rewrote the rule (HTTP ${detailsPut})`);
  // Nor may they rewrite the instances or the destination's credential.
  const instancesPut = await attempt('PUT', 'instances', JSON.stringify([{ ...sharedInstance, url: 'https://evil.example.org' }]));
  expect.ok(instancesPut === 403, `the executor rewrote the instances (HTTP ${instancesPut})`);
  const keys = (await source.api(`/api/dataStore/${NAMESPACE}`)).json ?? [];
  if (keys.includes(`instance-secret-${instanceId}`)) {
    const secretPut = await attempt('PUT', `instance-secret-${instanceId}`, '{"forged":true}');
    expect.ok(secretPut === 403, `the executor rewrote the instance's credential (HTTP ${secretPut})`);
  }
  const after = await source.api(`/api/dataStore/${NAMESPACE}/rules`);
  expect.ok(
    (after.json ?? []).some((rule) => rule.id === ruleId && rule.name === RULE_NAME),
    'the rule is unchanged',
  );
}
