import {
  API,
  DIRECT_API,
  expect,
  PLUGIN,
  IJupyterLabPageFixture,
  test
} from './fixtures';

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
  await request.post(`${DIRECT_API}/_control/reset`);
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

/**
 * The check-connection command and a consumer of the shared session, with
 * the connection setting given; what reached the API is returned.
 */
async function checkShared(
  page: IJupyterLabPageFixture,
  request: any,
  api: string,
  connection: 'auto' | 'direct'
) {
  await configure(page, {
    baseUrl: `${api}/api`,
    apiKey: 'demo-api-key',
    connection
  });
  const result = await page.evaluate(() =>
    window.jupyterapp.commands.execute('qbraid:check-connection')
  );
  expect(result).toEqual({
    ok: true,
    email: 'demo@example.com',
    baseUrl: `${api}/api`,
    error: null
  });

  // The provided service is a view of the very session the command used.
  const identity = await page.evaluate(async () => {
    const session: any = await window.galata.getPlugin(
      'jupyterlab-qbraid-session:session' as any
    );
    return {
      email: session.userEmail,
      answer: await session.get('/identity'),
      via: session.connection.via
    };
  });
  expect(identity.email).toBe('demo@example.com');
  expect(identity.answer.email).toBe('demo@example.com');
  expect(identity.via).toBe(connection === 'direct' ? 'direct' : 'server');

  const recorded: any[] = await (
    await request.get(`${api}/_control/requests`)
  ).json();
  const toApi = recorded.filter(
    r => r.server === 'api' && !r.path.startsWith('/_control')
  );
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
  return toApi;
}

test('a second plugin gets the shared session and checks /identity', async ({
  page,
  request
}) => {
  // Direct from the browser, to an API that answers CORS for the lab.
  const toApi = await checkShared(page, request, DIRECT_API, 'direct');
  // A real CORS preflight happened, then the authenticated calls.
  expect(toApi.filter(r => r.method === 'OPTIONS').length).toBeGreaterThan(0);
});

test('through the Jupyter server, an API that refuses CORS is reached and sees no Jupyter secret', async ({
  page,
  request
}) => {
  const toApi = await checkShared(page, request, API, 'auto');
  // The browser never talked to the API: no preflight reached it.
  expect(toApi.filter(r => r.method === 'OPTIONS')).toEqual([]);
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
