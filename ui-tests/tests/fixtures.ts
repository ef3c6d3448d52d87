/**
 * The Galata `test` of this project: after every test it checks that no
 * secret leaked - no Jupyter token, XSRF value or cookie reached the local
 * API, and no credential used by the tests appears in the console, in the
 * page's text (outside masked inputs) or in a notification.
 */
import {
  expect,
  galata,
  IJupyterLabPageFixture,
  test as base
} from '@jupyterlab/galata';
import * as fs from 'fs';
import * as path from 'path';

export { expect, galata } from '@jupyterlab/galata';
export type { IJupyterLabPageFixture } from '@jupyterlab/galata';

/** The local qBraid API, which refuses every CORS preflight: reached through the Jupyter server. */
export const API = 'http://127.0.0.1:8766';
/** A second local API that answers CORS for the lab: for the direct connection. */
export const DIRECT_API = 'http://127.0.0.1:8768';

/** The home directory of the lab's server (its root is a folder inside it). */
export const HOME = process.env.QBRAID_GALATA_HOME!;
const QBRAIDRC = path.join(HOME, '.qbraid', 'qbraidrc');

/** `~/.qbraid/qbraidrc` of the lab's server, read from disk ('' when missing). */
export function readQbraidrc(): string {
  return fs.existsSync(QBRAIDRC) ? fs.readFileSync(QBRAIDRC, 'utf8') : '';
}

/** Write `~/.qbraid/qbraidrc` as a terminal would. */
export function writeQbraidrc(text: string): void {
  fs.mkdirSync(path.dirname(QBRAIDRC), { recursive: true });
  fs.writeFileSync(QBRAIDRC, text);
}

/** Remove `~/.qbraid/qbraidrc`. */
export function removeQbraidrc(): void {
  fs.rmSync(QBRAIDRC, { force: true });
}

/** The id of the plugin whose settings hold the credentials. */
export const PLUGIN = 'jupyterlab-qbraid-session:plugin';

/**
 * The `test.use` of a test file: the lab opened by each test, and these
 * settings of the plugin (Galata keeps settings in the page, per test).
 */
export function withPluginSettings(settings: Record<string, unknown>) {
  return {
    autoGoto: false,
    mockSettings: { ...galata.DEFAULT_SETTINGS, [PLUGIN]: settings }
  };
}

/** The local legacy API, with quick retries so that failures show at once. */
export const QUICK_LEGACY_API = {
  baseUrl: `${API}/api`,
  retriesTotal: 1,
  backoffFactor: 0
};

/** A setting of the plugin as the page's settings registry has it. */
export async function setting(
  page: IJupyterLabPageFixture,
  key: string
): Promise<unknown> {
  return page.evaluate(
    async ({ plugin, key }) => {
      const registry: any = await window.galata.getPlugin(
        '@jupyterlab/apputils-extension:settings' as any
      );
      return (await registry.get(plugin, key)).composite;
    },
    { plugin: PLUGIN, key }
  );
}

/** Open the qBraid panel and wait until it has put the focus on its first field. */
export async function openPanel(page: IJupyterLabPageFixture) {
  await page.evaluate(() =>
    window.jupyterapp.commands.execute('qbraid:sign-in')
  );
  const panel = page.locator('#jp-qbraid-login');
  await expect(panel).toBeVisible();
  // The panel focuses its first field on the next frame: typing before that
  // would land in whichever field has the focus then.
  await expect(panel.locator('#jp-qbraid-email')).toBeFocused();
  return panel;
}

/**
 * Run qbraid-core's check in a new notebook's kernel and expect it to sign in
 * as `email` from the server's qbraidrc; the notebook is removed after.
 */
export async function expectKernelSignsIn(
  page: IJupyterLabPageFixture,
  request: { delete(url: string): Promise<unknown> },
  baseURL: string | undefined,
  email: string
): Promise<void> {
  const name = 'qbraid-core-check.ipynb';
  await page.notebook.createNew(name);
  await page.notebook.setCell(
    0,
    'code',
    'from qbraid_core.sessions import QbraidSessionV1\n' +
      'print("user:", QbraidSessionV1().get_user_auth_metadata()["email"])'
  );
  await page.notebook.runCell(0);
  await expect
    .poll(() => page.notebook.getCellTextOutput(0), { timeout: 60000 })
    .toEqual([`user: ${email}\n`]);
  await page.notebook.close(true);
  await request.delete(`${baseURL}/api/contents/${name}`);
}

/** The text of the status bar item. */
export const statusItem = (page: IJupyterLabPageFixture) =>
  page.locator('.jp-qbraid-StatusItem-text');

/** Every credential any test types or writes. */
export const SECRETS = [
  'demo-api-key',
  'demo-refresh-token',
  'demo-access-token',
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
      for (const api of [API, DIRECT_API]) {
        const violations = await (
          await request.get(`${api}/_control/violations`)
        ).json();
        expect(violations).toEqual([]);
      }
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
