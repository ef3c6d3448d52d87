import { API, expect, IJupyterLabPageFixture, test } from './fixtures';

const PLUGIN = 'jupyterlab-qbraid-session:plugin';
// Put into the page's config so a leak of the Jupyter token would be seen.
const PAGE_TOKEN = 'galata-jupyter-token-value';

test.use({ autoGoto: false });

async function configure(
  page: IJupyterLabPageFixture,
  values: Record<string, string>
) {
  await page.evaluate(
    async ({ plugin, values }) => {
      const registry: any = await window.galata.getPlugin(
        '@jupyterlab/apputils-extension:settings' as any
      );
      for (const [key, value] of Object.entries(values)) {
        await registry.set(plugin, key, value);
      }
    },
    { plugin: PLUGIN, values }
  );
}

test.beforeEach(async ({ page, request }) => {
  await request.post(`${API}/_control/reset`);
  await page.route('**/lab**', async route => {
    if (route.request().resourceType() !== 'document') {
      return route.continue();
    }
    const response = await route.fetch();
    const html = (await response.text()).replace(
      /"token":\s*""/,
      `"token": "${PAGE_TOKEN}"`
    );
    await route.fulfill({ response, body: html });
  });
  await page.goto();
  // With a route active Playwright answers CORS preflights itself; drop it so
  // the browser talks to the API's own preflight handling.
  await page.unrouteAll();
});

test('the page holds a Jupyter token and an _xsrf cookie (precondition of the leak checks)', async ({
  page
}) => {
  const token = await page.evaluate(
    () =>
      JSON.parse(document.getElementById('jupyter-config-data')!.textContent!)
        .token
  );
  expect(token).toBe(PAGE_TOKEN);
  const cookies = await page.context().cookies();
  expect(cookies.map(c => c.name)).toContain('_xsrf');
});

test('a second plugin gets the shared session and checks /identity', async ({
  page,
  request
}) => {
  await configure(page, { baseUrl: `${API}/api`, apiKey: 'demo-api-key' });
  const result = await page.evaluate(() =>
    window.jupyterapp.commands.execute('qbraid:check-connection')
  );
  expect(result).toEqual({
    ok: true,
    email: 'demo@example.com',
    baseUrl: `${API}/api`,
    error: null
  });

  // The provided service is the very session the command used.
  const identity = await page.evaluate(async () => {
    const session: any = await window.galata.getPlugin(
      'jupyterlab-qbraid-session:plugin' as any
    );
    return { email: session.userEmail, answer: await session.get('/identity') };
  });
  expect(identity.email).toBe('demo@example.com');
  expect(identity.answer.email).toBe('demo@example.com');

  const recorded: any[] = await (
    await request.get(`${API}/_control/requests`)
  ).json();
  const toApi = recorded.filter(
    r => r.server === 'api' && !r.path.startsWith('/_control')
  );
  // A real CORS preflight happened, then the authenticated calls.
  expect(toApi.filter(r => r.method === 'OPTIONS').length).toBeGreaterThan(0);
  const gets = toApi.filter(
    r => r.method === 'GET' && r.path === '/api/identity'
  );
  expect(gets).toHaveLength(2);
  for (const r of toApi) {
    expect(r.headers['authorization']).toBeUndefined();
    expect(r.headers['x-xsrftoken']).toBeUndefined();
    expect(r.headers['cookie']).toBeUndefined();
    expect(JSON.stringify(r.headers)).not.toContain(PAGE_TOKEN);
  }
  expect(gets[0].headers['api-key']).toBe('demo-api-key');
});

test('a wrong key gives an error that names the problem and hides the key', async ({
  page
}) => {
  await configure(page, { baseUrl: `${API}/api`, apiKey: 'wrong-key-4711' });
  const result: any = await page.evaluate(() =>
    window.jupyterapp.commands.execute('qbraid:check-connection')
  );
  expect(result.ok).toBe(false);
  expect(result.error).toContain('qBraid refused these credentials (401)');
  expect(result.error).not.toContain('wrong-key-4711');
  const notes = await page.evaluate(async () =>
    (await window.galata.getNotifications()).map(n => n.message)
  );
  const ours = notes.filter(m => m.includes('qBraid connection failed'));
  expect(ours).toHaveLength(1);
  expect(ours[0]).not.toContain('wrong-key-4711');
  expect(await page.locator('body').innerText()).not.toContain(
    'wrong-key-4711'
  );
});
