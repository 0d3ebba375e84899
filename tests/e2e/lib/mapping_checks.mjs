// The checks a real run makes before it starts ("Apply mapping" on): when the mapping leaves
// something of the selection unmapped at the destination, a dialog lists it and the user
// chooses to go on. Specs call this right after confirming a run.

/// Waits for either the checks dialog or the run's results. When the dialog comes, it must list
/// at least one finding; the screenshot is taken and the run goes on. Returns whether it came.
export async function goOnPastMappingChecks(ctx, page, results, screenshot = 'mapping-checks') {
  const { expect } = ctx;
  const checks = page.locator('[data-test="mapping-checks-dialog"]');
  await expect.visible(checks.or(results), { timeout: 30_000 });
  if (!(await checks.isVisible())) {
    return false;
  }
  const findings = await checks.locator('[data-test="mapping-check-finding"]').count();
  expect.ok(findings > 0, `the checks dialog lists what is unmapped (${findings} findings)`);
  await ctx.screenshot(screenshot, page);
  await page.locator('[data-test="mapping-check-go-on"]').click();
  await expect.hidden(checks);
  return true;
}
