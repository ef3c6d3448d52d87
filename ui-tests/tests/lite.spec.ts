/**
 * The extension in JupyterLite (`make lite-site`): a static site with no
 * Jupyter server, whose settings and drive are the browser's. Requests go
 * straight from the page to an API that allows the site's origin in CORS.
 */
import AxeBuilder from '@axe-core/playwright';
import { expect, Page, test } from '@playwright/test';

const SITE = 'http://127.0.0.1:8770';
const API = 'http://127.0.0.1:8772';
const BASE_URL = `${API}/api/v1`;
const PLUGIN = 'jupyterlab-qbraid-session:plugin';

/**
 * Open the site; the test asks JupyterLite to expose its app
 * (`exposeAppInBrowser`, read from the site's config) to drive it.
 */
async function openSite(page: Page): Promise<void> {
  // On the context, so that it also sees what the site's service worker fetches.
  await page.context().route(`${SITE}/jupyter-lite.json`, async route => {
    const response = await route.fetch();
    const config = await response.json();
    config['jupyter-config-data'].exposeAppInBrowser = true;
    await route.fulfill({ response, json: config });
  });
  await page.goto(`${SITE}/lab/index.html`);
  await appStarted(page);
  await expect(statusItem(page)).toHaveText(/^qBraid: /);
}

/**
 * Wait until the app is exposed and restored. The site's service worker
 * installs on a first visit, and once in a while the page it serves then
 * does not expose the app: it is reloaded once.
 */
async function appStarted(page: Page): Promise<void> {
  const started = () =>
    page.waitForFunction(
      () => (window as any).jupyterapp?.started !== undefined,
      undefined,
      { timeout: 25000 }
    );
  await started().catch(async () => {
    await page.reload();
    await started();
  });
  await page.evaluate(() => (window as any).jupyterapp.restored);
}

const statusItem = (page: Page) => page.locator('.jp-qbraid-StatusItem-text');

async function openPanel(page: Page) {
  await page.evaluate(() =>
    (window as any).jupyterapp.commands.execute('qbraid:sign-in')
  );
  const panel = page.locator('#jp-qbraid-login');
  await expect(panel.locator('#jp-qbraid-email')).toBeFocused();
  return panel;
}

/** Sign in against the local API, keeping the key in this page only or not. */
async function signIn(page: Page, pageOnly: boolean) {
  const panel = await openPanel(page);
  await panel.locator('#jp-qbraid-api-key').fill('demo-api-key');
  await panel.getByText('Advanced').click();
  await panel.locator('#jp-qbraid-base-url').fill(BASE_URL);
  await panel.locator('#jp-qbraid-page-only').setChecked(pageOnly);
  await panel.getByRole('button', { name: 'Sign in' }).click();
  await expect(panel.getByText('Signed in as demo@example.com')).toBeVisible();
  return panel;
}

/** The plugin's settings as JupyterLite stores them (in the browser). */
const storedSettings = (page: Page) =>
  page.evaluate(
    async plugin =>
      (await (window as any).jupyterapp.serviceManager.settings.fetch(plugin))
        .raw,
    PLUGIN
  );

/** What the consumer example gets from the shared session. */
const whoami = (page: Page) =>
  page.evaluate(() =>
    (window as any).jupyterapp.commands.execute('qbraid-consumer:whoami')
  );

/** The notifications shown, as text. */
const notifications = (page: Page) =>
  page.evaluate(() =>
    Array.from(document.querySelectorAll('.Toastify__toast')).map(
      node => node.textContent
    )
  );

const consoleErrors: string[] = [];

test.beforeEach(async ({ page, request }) => {
  await request.post(`${API}/_control/reset`);
  consoleErrors.length = 0;
  page.on('console', message => {
    // An error, or module federation saying a shared package is not the one
    // the extension was built against.
    if (
      message.type() === 'error' ||
      message.text().includes('Unsatisfied version')
    ) {
      consoleErrors.push(`${message.text()} ${message.location().url}`);
    }
  });
  page.on('pageerror', error => consoleErrors.push(String(error)));
});

test.afterEach(async ({ request }) => {
  const violations = await (
    await request.get(`${API}/_control/violations`)
  ).json();
  expect(violations).toEqual([]);
});

test('loads in JupyterLite: signs in from the browser, and a consumer plugin calls the API', async ({
  page
}) => {
  await openSite(page);
  const panel = await openPanel(page);
  // The panel says where a saved key would go, and offers the page instead.
  await expect(panel).toContainText("this browser's storage (IndexedDB)");
  await expect(panel).toContainText(
    'JupyterLite has no Jupyter server, so requests go from the browser'
  );
  // With its notice and page-only choice, the form stays accessible.
  const axe = await new AxeBuilder({ page })
    .include('#jp-qbraid-login')
    .analyze();
  expect(
    axe.violations
      .filter(v => v.impact === 'serious' || v.impact === 'critical')
      .map(v => v.id)
  ).toEqual([]);
  await signIn(page, false);
  await expect(statusItem(page)).toHaveText('qBraid: demo@example.com');
  const me = await whoami(page);
  expect(me).toMatchObject({
    email: 'demo@example.com',
    identity: { email: 'demo@example.com' }
  });
  // Saved in the site's settings (the browser's storage): still signed in after a reload.
  expect(await storedSettings(page)).toContain('demo-api-key');
  await expect(panel).toContainText('saved in this browser');
  await page.reload();
  await appStarted(page);
  await expect(statusItem(page)).toHaveText('qBraid: demo@example.com');
  // Nothing asked a Jupyter server (there is none), nothing failed to load,
  // and no error was shown.
  expect(consoleErrors.filter(text => !text.includes('favicon'))).toEqual([]);
  expect(await notifications(page)).toEqual([]);
});

test('keeps the key for this page only: nothing in the settings, gone after a reload', async ({
  page
}) => {
  await openSite(page);
  const panel = await signIn(page, true);
  await expect(panel).toContainText('kept in this page only');
  expect((await whoami(page)).identity).toMatchObject({
    email: 'demo@example.com'
  });
  expect(await storedSettings(page)).not.toContain('demo-api-key');
  // A settings change does not drop the key the page holds.
  await page.evaluate(async plugin => {
    // The settings registry, as Galata finds it in the lab.
    const registry = (window as any).jupyterapp.pluginRegistry._plugins.get(
      '@jupyterlab/apputils-extension:settings'
    ).service;
    await registry.set(plugin, 'timeout', 20000);
  }, PLUGIN);
  expect(await storedSettings(page)).toContain('20000');
  await expect(statusItem(page)).toHaveText('qBraid: demo@example.com');
  await page.reload();
  await appStarted(page);
  await expect(statusItem(page)).toHaveText('qBraid: signed out');
});

test('the qbraidrc sync is off without a file in the drive, with no error, and follows one added there', async ({
  page
}) => {
  await openSite(page);
  await signIn(page, false);
  const drive = (path: string) =>
    page.evaluate(
      path =>
        (window as any).jupyterapp.serviceManager.contents
          .get(path, { content: true })
          .then((model: any) => model.content as string)
          .catch(() => null),
      path
    );
  // Signed in, yet no qbraidrc was made in the drive, and nothing was reported.
  expect(await drive('.qbraid/qbraidrc')).toBeNull();
  expect(await notifications(page)).toEqual([]);
  // Someone adds one (an upload, a notebook writing it): the sync starts.
  await page.evaluate(async () => {
    const contents = (window as any).jupyterapp.serviceManager.contents;
    const folder = await contents.newUntitled({ path: '', type: 'directory' });
    await contents.rename(folder.path, '.qbraid');
    await contents.save('.qbraid/qbraidrc', {
      type: 'file',
      format: 'text',
      content: '# kept by the test\n[default]\n'
    });
  });
  await expect
    .poll(() => drive('.qbraid/qbraidrc'))
    .toBe(
      `# kept by the test\n[default]\nemail = demo@example.com\napi-key = demo-api-key\nurl = ${BASE_URL}\n`
    );
  expect(await notifications(page)).toEqual([]);
});
