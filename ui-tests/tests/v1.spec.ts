/**
 * Today's API (v1) in the lab: sign in with only an API key, switch to the
 * legacy API, a refused stored setting, and a notebook kernel that uses the
 * key the lab wrote to ~/.qbraid/qbraidrc through the real qbraid-core.
 */
import {
  API,
  expect,
  expectKernelSignsIn,
  galata,
  openPanel,
  PLUGIN,
  readQbraidrc,
  removeQbraidrc,
  setting,
  statusItem,
  test
} from './fixtures';

// Each test loads the lab itself, after its qbraidrc is reset.
test.use({ autoGoto: false });

test.describe("today's API (v1)", () => {
  test.use({
    mockSettings: {
      ...galata.DEFAULT_SETTINGS,
      [PLUGIN]: { baseUrl: `${API}/api/v1`, retriesTotal: 1, backoffFactor: 0 }
    }
  });

  test.beforeEach(async ({ page, request, baseURL }) => {
    await request.post(`${API}/_control/reset`);
    removeQbraidrc();
    await page.goto();
  });

  test('signs in with only an API key: X-API-Key checked at /users/verify, the API shown', async ({
    page,
    request,
    baseURL
  }) => {
    const panel = await openPanel(page);
    await expect(panel).toContainText('qBraid API v1');
    await expect(
      panel.getByRole('link', { name: /API key from your qBraid account/ })
    ).toHaveAttribute('href', 'https://account.qbraid.com');
    await panel.locator('#jp-qbraid-api-key').fill('demo-api-key');
    await panel.getByRole('button', { name: 'Sign in' }).click();
    await expect(
      panel.getByText('Signed in as demo@example.com')
    ).toBeVisible();
    await expect(panel).toContainText(`qBraid API v1: ${API}/api/v1`);
    await expect(statusItem(page)).toHaveText('qBraid: demo@example.com');
    expect(await setting(page, 'apiKey')).toBe('demo-api-key');
    const recorded: any[] = await (
      await request.get(`${API}/_control/requests`)
    ).json();
    const verify = recorded.find(
      r => r.path === '/api/v1/users/verify' && r.method === 'GET'
    );
    expect(verify.headers).toMatchObject({
      'x-api-key': 'demo-api-key',
      'x-domain': 'qbraid'
    });
    await expect.poll(readQbraidrc).toContain('api-key = demo-api-key');
  });

  test('switches to the legacy API under Advanced', async ({ page }) => {
    const panel = await openPanel(page);
    await panel.getByText('Advanced').click();
    await panel.locator('#jp-qbraid-base-url').fill(`${API}/api`);
    await panel.locator('#jp-qbraid-api-version').selectOption('legacy');
    await panel.locator('#jp-qbraid-api-key').fill('demo-api-key');
    await panel.getByRole('button', { name: 'Sign in' }).click();
    await expect(panel).toContainText(`qBraid legacy API: ${API}/api`);
    await expect(
      panel.getByText('Signed in as demo@example.com')
    ).toBeVisible();
    expect(await setting(page, 'apiVersion')).toBe('legacy');
    expect(await setting(page, 'baseUrl')).toBe(`${API}/api`);
  });

  test('a key set in the lab reaches qbraidrc, and a notebook kernel signs in with qbraid-core', async ({
    page,
    request,
    baseURL
  }) => {
    const panel = await openPanel(page);
    await panel.locator('#jp-qbraid-api-key').fill('demo-api-key');
    await panel.getByRole('button', { name: 'Sign in' }).click();
    await expect(
      panel.getByText('Signed in as demo@example.com')
    ).toBeVisible();
    await expect.poll(readQbraidrc).toContain(`url = ${API}/api/v1`);
    await expectKernelSignsIn(page, request, baseURL, 'demo@example.com');
  });

  test('the panel in the light and the dark theme', async ({ page }) => {
    const panel = await openPanel(page);
    // The panel focuses its first field on the next frame: wait for it, then
    // blur, so the screenshot never catches a focus ring.
    const email = page.locator('#jp-qbraid-email');
    await expect(panel).toContainText('Connection: through the Jupyter server');
    await expect(email).toBeFocused();
    await email.blur();
    await expect(email).not.toBeFocused();
    await page.mouse.move(0, 0);
    const shot = { animations: 'disabled' as const, caret: 'hide' as const };
    expect(await panel.screenshot(shot)).toMatchSnapshot(
      'login-panel-light.png'
    );
    await page.theme.setDarkTheme();
    await page.mouse.move(0, 0);
    expect(await panel.screenshot(shot)).toMatchSnapshot(
      'login-panel-dark.png'
    );
    await page.theme.setLightTheme();
  });
});

test.describe('stored settings the schema refuses', () => {
  test.use({
    mockSettings: {
      ...galata.DEFAULT_SETTINGS,
      [PLUGIN]: { baseUrl: 'ftp://files.example.com/api' }
    }
  });

  test('the panel names the setting and why', async ({ page }) => {
    await page.goto();
    const panel = await openPanel(page);
    const alert = panel.getByRole('alert');
    await expect(alert).toContainText('"baseUrl" must match pattern');
    await expect(alert).toContainText('Settings Editor');
    await expect(statusItem(page)).toHaveText('qBraid: settings refused');
  });
});
