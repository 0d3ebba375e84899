// Console errors and uncaught page errors, recorded per page from the moment it opens.
//
// One kind of console error is set apart rather than counted: Chromium logs every HTTP 4xx
// answer as "Failed to load resource", including Web API answers the app expects and handles
// (DHIS2 answers 404 for a dataStore key that does not exist yet, 409 for an import conflict).
// Those go to `apiAnswers`; a 4xx for the app's own files (`/api/apps/…`), any 5xx and every
// other console error still count.

const records = new WeakMap();
const FAILED_LOAD = /^Failed to load resource: the server responded with a status of (4\d\d)/;

function isHandledApiAnswer(text, url) {
  if (!url || !FAILED_LOAD.test(text)) return false;
  try {
    const { pathname } = new URL(url);
    return pathname.startsWith('/api/') && !pathname.startsWith('/api/apps/');
  } catch {
    return false;
  }
}

/** Starts recording errors of `page`. */
export function watchErrors(page) {
  const record = { consoleErrors: [], pageErrors: [], apiAnswers: [] };
  records.set(page, record);
  page.on('console', (message) => {
    if (message.type() !== 'error') return;
    const where = message.location()?.url;
    const text = message.text();
    const entry = where ? `${text} (${where})` : text;
    if (isHandledApiAnswer(text, where)) record.apiAnswers.push(entry);
    else record.consoleErrors.push(entry);
  });
  page.on('pageerror', (error) => record.pageErrors.push(String(error?.stack ?? error)));
  return record;
}

/** The errors recorded for `page` so far ({consoleErrors, pageErrors, apiAnswers}). */
export function errorsOf(page) {
  return records.get(page) ?? { consoleErrors: [], pageErrors: [], apiAnswers: [] };
}
