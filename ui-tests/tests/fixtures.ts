/**
 * The Galata `test` of this project: after every test it checks that no
 * secret leaked - no Jupyter token, XSRF value or cookie reached the local
 * API, and no credential used by the tests appears in the console, in the
 * page's text (outside masked inputs) or in a notification.
 */
import { expect, test as base } from '@jupyterlab/galata';

export { expect, galata } from '@jupyterlab/galata';
export type { IJupyterLabPageFixture } from '@jupyterlab/galata';

export const API = 'http://127.0.0.1:8766';

/** Every credential any test types or writes. */
export const SECRETS = [
  'demo-api-key',
  'demo-refresh-token',
  'demo-id-token',
  'wrong-key-777',
  'wrong-key-4711',
  'galata-key-123',
  'terminal-key-9',
  'galata-jupyter-token-value'
];

export const test = base.extend<{ secretsKept: void }>({
  secretsKept: [
    async ({ page, request }, use) => {
      const console: string[] = [];
      page.on('console', message => console.push(message.text()));
      page.on('pageerror', error => console.push(String(error)));
      await use();
      const violations = await (
        await request.get(`${API}/_control/violations`)
      ).json();
      expect(violations).toEqual([]);
      const seen = [console.join('\n')];
      const loaded = await page
        .evaluate(() => typeof window.galata === 'object')
        .catch(() => false);
      if (loaded) {
        seen.push(await page.locator('body').innerText());
        seen.push(
          JSON.stringify(
            await page.evaluate(async () =>
              (await window.galata.getNotifications()).map(n => n.message)
            )
          )
        );
      }
      for (const secret of SECRETS) {
        for (const text of seen) {
          expect(text.includes(secret) ? secret : null).toBeNull();
        }
      }
    },
    { auto: true }
  ]
});
