// Console errors and uncaught page errors, recorded per page from the moment it opens.

const records = new WeakMap();

/** Starts recording errors of `page`. */
export function watchErrors(page) {
  const record = { consoleErrors: [], pageErrors: [] };
  records.set(page, record);
  page.on('console', (message) => {
    if (message.type() !== 'error') return;
    const where = message.location()?.url;
    record.consoleErrors.push(where ? `${message.text()} (${where})` : message.text());
  });
  page.on('pageerror', (error) => record.pageErrors.push(String(error?.stack ?? error)));
  return record;
}

/** The errors recorded for `page` so far ({consoleErrors, pageErrors}; empty if unwatched). */
export function errorsOf(page) {
  return records.get(page) ?? { consoleErrors: [], pageErrors: [] };
}
