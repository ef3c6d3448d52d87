/**
 * A session that lasts and shows the account (today's API): the panel shows
 * name, organization and balance after sign-in, the status item's tooltip the
 * balance, and an access token close to expiry is refreshed without a reload.
 */
import {
  API,
  expect,
  openPanel,
  PLUGIN,
  removeQbraidrc,
  statusItem,
  test,
  withPluginSettings
} from './fixtures';

test.use(withPluginSettings({ baseUrl: `${API}/api/v1`, syncQbraidrc: false }));

test.beforeEach(async ({ request }) => {
  await request.post(`${API}/_control/reset`);
  removeQbraidrc();
});

test('after sign-in the panel shows name, organization and balance', async ({
  page
}) => {
  await page.goto();
  const panel = await openPanel(page);
  await panel.locator('#jp-qbraid-api-key').fill('demo-api-key');
  await panel.getByRole('button', { name: 'Sign in' }).click();
  await expect(panel.getByText('Signed in as demo@example.com')).toBeVisible();
  await expect(panel.locator('.jp-qbraid-LoginPanel-name')).toHaveText('demo');
  await expect(panel.locator('.jp-qbraid-LoginPanel-organization')).toHaveText(
    'org-demo'
  );
  await expect(panel.locator('.jp-qbraid-LoginPanel-credits')).toHaveText(
    '120.5 qBraid credits, auto-recharge off'
  );
  await expect(statusItem(page).locator('xpath=..')).toHaveAttribute(
    'title',
    /Balance: 120\.5 qBraid credits/
  );
});

test('an access token close to expiry is refreshed without a reload', async ({
  page,
  request
}) => {
  // Tokens that last 8 s: without refreshes, the token lapses within seconds.
  await request.post(`${API}/_control/tokens`, { data: { lifetime: 8 } });
  await page.goto();
  await page.evaluate(
    async ({ plugin }) => {
      const registry: any = await window.galata.getPlugin(
        '@jupyterlab/apputils-extension:settings' as any
      );
      await registry.set(plugin, 'accessToken', 'demo-access-token');
    },
    { plugin: PLUGIN }
  );
  const refreshes = async () =>
    (await (await request.post(`${API}/_control/tokens`, { data: {} })).json())
      .refreshes as { at: number; expires: number }[];
  // Bounded waits, not timing asserts: three refreshes, each before the last expiry.
  await expect
    .poll(async () => (await refreshes()).length, { timeout: 60000 })
    .toBeGreaterThanOrEqual(3);
  const seen = await refreshes();
  for (let i = 1; i < seen.length; i++) {
    expect(seen[i].at).toBeLessThan(seen[i - 1].expires);
  }
  // The lab is still signed in, with the same page: a check succeeds.
  const result: any = await page.evaluate(() =>
    window.jupyterapp.commands.execute('qbraid:check-connection')
  );
  expect(result).toMatchObject({ ok: true, email: 'demo@example.com' });
});
