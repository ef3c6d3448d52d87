import type { Page } from '@playwright/test';
import {
  API,
  expect,
  PLUGIN,
  readQbraidrc,
  removeQbraidrc,
  test,
  writeQbraidrc
} from './fixtures';

// Galata's own file-browser set-up does not follow a server base URL (/user/test/).
test.use({ autoGoto: false });

test.beforeEach(async ({ page }) => {
  removeQbraidrc();
  await page.goto();
});

test('an API key typed in the Settings Editor is masked and written to ~/.qbraid/qbraidrc', async ({
  page,
  request,
  baseURL
}) => {
  await page.evaluate(async () => {
    await window.jupyterapp.commands.execute('settingeditor:open', {
      query: 'qBraid session'
    });
  });
  const field = page.locator(
    'input.jp-qbraid-MaskedInput-input[id$="_apiKey"]'
  );
  await expect(field).toBeVisible();
  await expect(field).toHaveAttribute('type', 'password');
  await field.fill('galata-key-123');
  // The key is in the masked input only, never in the page's text.
  expect(await page.locator('body').innerText()).not.toContain(
    'galata-key-123'
  );

  const toggle = field.locator('xpath=following-sibling::button');
  await toggle.click();
  await expect(field).toHaveAttribute('type', 'text');
  await toggle.click();
  await expect(field).toHaveAttribute('type', 'password');

  await expect
    .poll(readQbraidrc, { timeout: 20000 })
    .toContain('api-key = galata-key-123');
});

test('a qbraidrc written in a terminal is picked up into the settings', async ({
  page,
  request,
  baseURL
}) => {
  writeQbraidrc(
    '# qbraid configure\n[default]\napi-key = terminal-key-9\norganization = acme\n'
  );
  const apiKey = await page.evaluate(async plugin => {
    const sync: any = await window.galata.getPlugin(
      'jupyterlab-qbraid-session:sync' as any
    );
    await sync.syncNow();
    const registry: any = await window.galata.getPlugin(
      '@jupyterlab/apputils-extension:settings' as any
    );
    return (await registry.get(plugin, 'apiKey')).composite;
  }, PLUGIN);
  expect(apiKey).toBe('terminal-key-9');
  expect(readQbraidrc()).toContain('organization = acme');
});

test('signing in through the Jupyter server writes ~/.qbraid/qbraidrc, with hidden files off and the root elsewhere', async ({
  page,
  request
}) => {
  await request.post(`${API}/_control/reset`);
  await page.evaluate(
    async ({ plugin, api }) => {
      const registry: any = await window.galata.getPlugin(
        '@jupyterlab/apputils-extension:settings' as any
      );
      await registry.set(plugin, 'baseUrl', `${api}/api/v1`);
    },
    { plugin: PLUGIN, api: API }
  );
  await page.evaluate(() =>
    window.jupyterapp.commands.execute('qbraid:sign-in')
  );
  const panel = page.locator('#jp-qbraid-login');
  await expect(panel).toContainText('Connection: through the Jupyter server');
  await expect(panel.locator('#jp-qbraid-email')).toBeFocused();
  await panel.locator('#jp-qbraid-api-key').fill('demo-api-key');
  await panel.getByRole('button', { name: 'Sign in' }).click();
  await expect(panel.getByText('Signed in as demo@example.com')).toBeVisible();
  await expect.poll(readQbraidrc).toContain('api-key = demo-api-key');
  const recorded: any[] = await (
    await request.get(`${API}/_control/requests`)
  ).json();
  expect(
    recorded.some(r => r.path === '/api/v1/users/verify' && r.method === 'GET')
  ).toBe(true);
  expect(recorded.filter(r => r.method === 'OPTIONS')).toEqual([]);
});

test('a question in one tab does not stall another tab, and "Keep mine" leaves file and settings agreeing', async ({
  page,
  context,
  baseURL
}) => {
  const syncStatus = (p: Page) =>
    p.evaluate(async () => {
      const sync: any = await (window as any).galata.getPlugin(
        'jupyterlab-qbraid-session:sync'
      );
      await sync.syncNow();
      return sync.status;
    });
  const setKey = (p: Page, value: string) =>
    p.evaluate(
      async ({ plugin, value }) => {
        const registry: any = await (window as any).galata.getPlugin(
          '@jupyterlab/apputils-extension:settings'
        );
        await registry.set(plugin, 'apiKey', value);
      },
      { plugin: PLUGIN, value }
    );
  writeQbraidrc('[default]\napi-key = k0\n');
  expect((await syncStatus(page)).state).toBe('ok');
  writeQbraidrc('[default]\napi-key = from-terminal\n');

  // A second tab of the same lab, opened after the terminal edit.
  const other = await context.newPage();
  // A workspace of its own: two tabs on one workspace make the second one move.
  await other.goto(`${baseURL}/lab/workspaces/second-tab`);
  // As Galata waits for its own page: the in-page helper knows the app.
  await other.waitForFunction(
    () =>
      typeof (window as any).jupyterapp === 'object' &&
      typeof (window as any).galata?.app === 'object'
  );
  await other.evaluate(() => (window as any).jupyterapp.restored);
  try {
    expect((await syncStatus(other)).state).toBe('ok');

    // This tab's change clashes with the terminal's: it asks.
    await setKey(page, 'key-of-tab-a');
    const question = page.locator('.jp-Notification-Toast-warning', {
      hasText: 'Which should win?'
    });
    await expect(question).toBeVisible({ timeout: 20000 });

    // Meanwhile the other tab's change reaches the file, and it says a question waits.
    await setKey(other, 'key-of-tab-b');
    await expect
      .poll(readQbraidrc, { timeout: 20000 })
      .toBe('[default]\napi-key = key-of-tab-b\n');
    await expect
      .poll(async () => (await syncStatus(other)).message)
      .toContain('waiting for your answer in another tab');
    expect((await syncStatus(page)).message).toContain(
      'waiting for your answer'
    );

    // "Keep mine" was about from-terminal; tab B's key came after the question:
    // it is asked about anew, never overwritten.
    await question.evaluate(toast => toast.setAttribute('data-answered', ''));
    await question.getByRole('button', { name: 'Keep mine' }).click();
    const again = page.locator(
      '.jp-Notification-Toast-warning:not([data-answered])',
      { hasText: 'Which should win?' }
    );
    await expect(again).toBeVisible({ timeout: 20000 });
    expect(readQbraidrc()).toBe('[default]\napi-key = key-of-tab-b\n');
    await again.getByRole('button', { name: 'Keep mine' }).click();
    await expect
      .poll(readQbraidrc, { timeout: 20000 })
      .toBe('[default]\napi-key = key-of-tab-a\n');
    const kept = await page.evaluate(async plugin => {
      const registry: any = await (window as any).galata.getPlugin(
        '@jupyterlab/apputils-extension:settings'
      );
      return (await registry.get(plugin, 'apiKey')).composite;
    }, PLUGIN);
    expect(kept).toBe('key-of-tab-a');
  } finally {
    await other.evaluate(() =>
      (window as any).jupyterapp.commands.execute('qbraid:sign-out')
    );
    await other.close();
  }
});
