import {
  API,
  DIRECT_API,
  expect,
  IJupyterLabPageFixture,
  openPanel,
  PLUGIN,
  setting,
  statusItem,
  readQbraidrc,
  removeQbraidrc,
  QUICK_LEGACY_API,
  test,
  withPluginSettings
} from './fixtures';

test.use(withPluginSettings(QUICK_LEGACY_API));

test.beforeEach(async ({ page, request }) => {
  await request.post(`${API}/_control/reset`);
  await request.post(`${DIRECT_API}/_control/reset`);
  removeQbraidrc();
  await page.goto();
});

/** Sign in with the keyboard only. */
async function signIn(
  page: IJupyterLabPageFixture,
  email: string,
  key: string
) {
  const panel = await openPanel(page);
  await expect(panel.locator('#jp-qbraid-email')).toBeFocused();
  await page.keyboard.type(email);
  await page.keyboard.press('Tab');
  await page.keyboard.type(key);
  await page.keyboard.press('Enter');
  return panel;
}

test('signs in with a good key: checked, saved, shown in the panel and the status bar', async ({
  page,
  request,
  baseURL
}) => {
  await expect(statusItem(page)).toHaveText('qBraid: signed out');
  const panel = await signIn(page, 'demo@example.com', 'demo-api-key');
  await expect(panel.getByText('Signed in as demo@example.com')).toBeVisible();
  // The form that had the focus is gone: the focus is on what replaced it.
  await expect(panel.locator('.jp-qbraid-LoginPanel-state')).toBeFocused();
  await expect(panel).toContainText(`${API}/api`);
  await expect(statusItem(page)).toHaveText('qBraid: demo@example.com');
  expect(await setting(page, 'apiKey')).toBe('demo-api-key');
  await expect.poll(readQbraidrc).toContain('api-key = demo-api-key');
  expect(await page.locator('body').innerText()).not.toContain('demo-api-key');
});

test('a wrong key is refused with a message that says what to do, and nothing is saved', async ({
  page
}) => {
  const panel = await signIn(page, '', 'wrong-key-777');
  const alert = panel.getByRole('alert');
  await expect(alert).toContainText('qBraid refused these credentials (401)');
  await expect(alert).toContainText('Check the API key');
  expect(await setting(page, 'apiKey')).toBe('');
  await expect(statusItem(page)).toHaveText('qBraid: signed out');
  expect(await page.locator('body').innerText()).not.toContain('wrong-key-777');
});

test('API down: says the API did not answer the browser, and from which origin', async ({
  page,
  request
}) => {
  // Direct from the browser: a failure there may also be a refused CORS preflight.
  await page.evaluate(
    async ({ plugin, api }) => {
      const registry: any = await window.galata.getPlugin(
        '@jupyterlab/apputils-extension:settings' as any
      );
      await registry.set(plugin, 'connection', 'direct');
      await registry.set(plugin, 'baseUrl', `${api}/api`);
    },
    { plugin: PLUGIN, api: DIRECT_API }
  );
  await request.post(`${DIRECT_API}/_control/faults`, {
    data: { faults: [{ kind: 'reset', times: 10, path: '/api/identity' }] }
  });
  const panel = await signIn(page, '', 'demo-api-key');
  const alert = panel.getByRole('alert');
  await expect(alert).toContainText('did not answer the browser');
  await expect(alert).toContainText('CORS preflight');
  await expect(alert).toContainText(new URL(page.url()).origin);
});

test('API down behind the Jupyter server: says the server could not reach it', async ({
  page,
  request
}) => {
  await request.post(`${API}/_control/faults`, {
    data: { faults: [{ kind: 'reset', times: 10, path: '/api/identity' }] }
  });
  const panel = await signIn(page, '', 'demo-api-key');
  const alert = panel.getByRole('alert');
  await expect(alert).toContainText(
    `The Jupyter server could not reach the qBraid API at ${API}`
  );
  await expect(alert).not.toContainText('CORS');
  await expect(panel).toContainText('Connection: through the Jupyter server');
});

test('server errors are reported after the retries', async ({
  page,
  request
}) => {
  await request.post(`${API}/_control/faults`, {
    data: {
      faults: [
        {
          kind: 'status',
          status: 503,
          times: 10,
          path: '/api/identity',
          method: 'GET'
        }
      ]
    }
  });
  const panel = await signIn(page, '', 'demo-api-key');
  await expect(panel.getByRole('alert')).toContainText(
    'server error (503) after 2 attempts'
  );
});

test('sign out clears the credentials from the settings and qbraidrc', async ({
  page,
  request,
  baseURL
}) => {
  const panel = await signIn(page, 'demo@example.com', 'demo-api-key');
  await expect(panel.getByText('Signed in as demo@example.com')).toBeVisible();
  await panel.getByRole('button', { name: 'Sign out' }).click();
  await expect(panel.locator('#jp-qbraid-email')).toBeVisible();
  await expect(statusItem(page)).toHaveText('qBraid: signed out');
  expect(await setting(page, 'apiKey')).toBe('');
  await expect.poll(readQbraidrc).not.toContain('api-key');
});

test('the status bar item opens the panel, also from the keyboard', async ({
  page
}) => {
  await statusItem(page).click();
  await expect(page.locator('#jp-qbraid-login')).toBeVisible();
  await page.evaluate(() => (window.jupyterapp.shell as any).collapseLeft());
  await expect(page.locator('#jp-qbraid-login')).toBeHidden();
  await page.locator('.jp-qbraid-StatusItem-button').focus();
  await page.keyboard.press('Enter');
  await expect(page.locator('#jp-qbraid-login')).toBeVisible();
});

test('the palette commands exist and work', async ({ page }) => {
  const ids = [
    'qbraid:sign-in',
    'qbraid:sign-out',
    'qbraid:check-connection',
    'qbraid:open-settings'
  ];
  const found = await page.evaluate(
    ids => ids.filter(id => window.jupyterapp.commands.hasCommand(id)),
    ids
  );
  expect(found).toEqual(ids);
  const notSignedIn: any = await page.evaluate(() =>
    window.jupyterapp.commands.execute('qbraid:check-connection')
  );
  expect(notSignedIn).toMatchObject({
    ok: false,
    error: 'Not signed in to qBraid.'
  });
  await signIn(page, '', 'demo-api-key');
  await expect(statusItem(page)).toHaveText('qBraid: demo@example.com');
  const connected: any = await page.evaluate(() =>
    window.jupyterapp.commands.execute('qbraid:check-connection')
  );
  expect(connected).toMatchObject({ ok: true, email: 'demo@example.com' });
  await page.evaluate(() =>
    window.jupyterapp.commands.execute('qbraid:sign-out')
  );
  await expect(statusItem(page)).toHaveText('qBraid: signed out');
  await page.evaluate(() =>
    window.jupyterapp.commands.execute('qbraid:open-settings')
  );
  await expect(
    page.locator('.jp-SettingsPanel, .jp-SettingsEditor').first()
  ).toBeVisible();
  await expect(page.locator('input[id$="plugin_apiKey"]')).toBeVisible();
});

test('the consumer extension sees a sign-in in the panel without a reload', async ({
  page
}) => {
  const before: any = await page.evaluate(() =>
    window.jupyterapp.commands.execute('qbraid-consumer:whoami')
  );
  expect(before).toMatchObject({ email: null, identity: null });
  const panel = await signIn(page, '', 'demo-api-key');
  await expect(panel.getByText('Signed in as demo@example.com')).toBeVisible();
  const after: any = await page.evaluate(() =>
    window.jupyterapp.commands.execute('qbraid-consumer:whoami')
  );
  expect(after.email).toBe('demo@example.com');
  expect(after.changes).toContain('apiKey');
  expect(after.identity).toMatchObject({ email: 'demo@example.com' });
});

test('a 1 MB API key is refused at once with a clear message', async ({
  page
}) => {
  const panel = await openPanel(page);
  await panel.locator('#jp-qbraid-api-key').fill('k'.repeat(1024 * 1024));
  await panel.getByRole('button', { name: 'Sign in' }).click();
  await expect(panel.getByRole('alert')).toContainText(
    'at most 8192 are accepted'
  );
  expect(await setting(page, 'apiKey')).toBe('');
});

test('a message about the last attempt goes once the fields are edited; the next one names the email', async ({
  page
}) => {
  const panel = await openPanel(page);
  const key = panel.locator('#jp-qbraid-api-key');
  await key.fill('k'.repeat(8193));
  await panel.getByRole('button', { name: 'Sign in' }).click();
  const alert = panel.locator('.jp-qbraid-LoginPanel-error');
  await expect(alert).toContainText('8193 characters');
  await key.fill('demo-api-key');
  await expect(alert).toHaveCount(0);
  await panel.locator('#jp-qbraid-email').fill('not-an-email');
  await panel.getByRole('button', { name: 'Sign in' }).click();
  await expect(alert).toContainText('Email must be an address');
  await expect(alert).not.toContainText('8193');
});

test('after a refused sign-in from the keyboard, the focus is back on the API key, not on the page', async ({
  page
}) => {
  const panel = await signIn(page, '', 'wrong-key-777');
  await expect(panel.getByRole('alert')).toBeVisible();
  await expect(panel.locator('#jp-qbraid-api-key')).toBeFocused();
  expect(await page.evaluate(() => document.activeElement?.tagName)).toBe(
    'INPUT'
  );
});

test('"Check again" with Enter keeps the focus in the panel', async ({
  page
}) => {
  const panel = await signIn(page, 'demo@example.com', 'demo-api-key');
  await expect(panel.getByText('Signed in as demo@example.com')).toBeVisible();
  const again = panel.locator('.jp-qbraid-LoginPanel-checkAgain');
  await again.focus();
  await page.keyboard.press('Enter');
  await expect(panel.getByText('Signed in as demo@example.com')).toBeVisible();
  await expect(again).toBeFocused();
  await page.keyboard.press('Enter');
  await expect(again).toBeFocused();
});
