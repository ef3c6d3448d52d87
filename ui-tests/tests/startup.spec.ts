import { expect, statusItem, test } from './fixtures';

test.use({ autoGoto: false });

const STATIC = '/lab/extensions/jupyterlab-qbraid-session/static/';

test('before restore the lab loads the remote entry, the plugins with the light session, and the declared style; the rest (setup, request machinery, panel, sync) in one chunk after restore', async ({
  page
}) => {
  await page.addInitScript(() => {
    const w = window as any;
    const wait = setInterval(() => {
      if (w.jupyterapp) {
        clearInterval(wait);
        w.jupyterapp.restored.then(() => {
          w.__restoredAt = performance.now();
          w.__styledAtRestore = [...document.styleSheets].some(sheet =>
            [...sheet.cssRules].some(rule =>
              rule.cssText.includes('.jp-qbraid-LoginPanel')
            )
          );
        });
      }
    }, 1);
  });
  await page.goto();
  await page.waitForFunction(() => (window as any).__restoredAt !== undefined);
  // The status item is registered once the panel code has loaded.
  await expect(statusItem(page)).toBeVisible();
  const { before, after, styled } = await page.evaluate(prefix => {
    const w = window as any;
    const ours = performance
      .getEntriesByType('resource')
      .filter(entry => entry.name.includes(prefix));
    const name = (entry: PerformanceEntry) => entry.name.split('/').pop()!;
    return {
      before: ours.filter(e => e.startTime < w.__restoredAt).map(name),
      after: ours.filter(e => e.startTime >= w.__restoredAt).map(name),
      styled: w.__styledAtRestore as boolean
    };
  }, STATIC);
  // The remote entry, the plugins' chunk, and the declared style's chunk.
  expect(before).toHaveLength(3);
  expect(before.filter(name => name.startsWith('remoteEntry.'))).toHaveLength(
    1
  );
  expect(styled).toBe(true);
  // After restore: one chunk with all the rest (the session's setup and
  // request machinery, the sync, the login UI), loaded once.
  expect(after).toHaveLength(1);
  expect(after[0]).toMatch(/^setup\./);
  expect(before.filter(name => after.includes(name))).toEqual([]);
  // The sidebar tab was there from the start; its panel is filled in.
  await expect(
    page.locator('#jp-qbraid-login .jp-qbraid-LoginPanel-view')
  ).toHaveCount(1);
});
