/**
 * keyStorage "server", as an administrator sets it for everyone (here by the
 * page's settings): the key is only in ~/.qbraid/qbraidrc on the server. The
 * panel signs in, a consumer's request succeeds, and no answer the page
 * received, no setting, no DOM text or field, no console line and no `info`
 * holds the key; a sign-in from the panel goes to the server, and a notebook
 * kernel signs in from the same qbraidrc.
 */
import {
  API,
  expect,
  expectKernelSignsIn,
  galata,
  PLUGIN,
  readQbraidrc,
  removeQbraidrc,
  setting,
  test,
  writeQbraidrc
} from './fixtures';

const KEY = 'demo-api-key';

test.use({
  autoGoto: false,
  mockSettings: {
    ...galata.DEFAULT_SETTINGS,
    [PLUGIN]: { keyStorage: 'server' }
  }
});

test.afterEach(() => removeQbraidrc());

test('a key held by the server signs the lab in and never reaches the page', async ({
  page,
  request,
  baseURL
}) => {
  await request.post(`${API}/_control/reset`);
  writeQbraidrc(`[default]\napi-key = ${KEY}\nurl = ${API}/api/v1\n`);
  const received: string[] = [];
  page.on('response', response => {
    void response.text().then(
      text => received.push(`${response.url()}\n${text}`),
      () => undefined
    );
  });
  await page.goto();
  await page.evaluate(() =>
    window.jupyterapp.commands.execute('qbraid:sign-in')
  );
  const panel = page.locator('#jp-qbraid-login');
  await expect(panel.getByText('Signed in as demo@example.com')).toBeVisible();
  await expect(panel).toContainText(
    'Your key is held by the Jupyter server in ~/.qbraid/qbraidrc; this page never sees it.'
  );

  // A consumer of IQbraidSession: a request that succeeds, no owner power, no secret.
  const whoami: any = await page.evaluate(() =>
    window.jupyterapp.commands.execute('qbraid-consumer:whoami')
  );
  expect(whoami.identity).toMatchObject({ email: 'demo@example.com' });
  const seen: any = await page.evaluate(() =>
    window.jupyterapp.commands.execute('qbraid-consumer:inspect')
  );
  expect(seen).toEqual({
    ownerPowers: [],
    secrets: [null, null, null, null],
    headers: { 'x-domain': 'qbraid' },
    hasCredentials: true,
    via: 'server'
  });
  // The API got the key, from the server.
  const recorded = await (await request.get(`${API}/_control/requests`)).json();
  const verify = recorded.filter((r: any) => r.path === '/api/v1/users/verify');
  expect(verify.length).toBeGreaterThan(0);
  expect(verify.every((r: any) => r.headers['x-api-key'] === KEY)).toBe(true);

  // Nowhere in the page: answers, settings, DOM text and fields, info.
  const info = await (
    await request.get(`${baseURL}/qbraid-session/info`)
  ).json();
  expect(info.credentials).toEqual(['api-key']);
  const settingsJson = await page.evaluate(async plugin => {
    const registry: any = await window.galata.getPlugin(
      '@jupyterlab/apputils-extension:settings' as any
    );
    return JSON.stringify((await registry.load(plugin)).composite);
  }, PLUGIN);
  const pageText = await page.evaluate(
    () =>
      document.documentElement.outerHTML +
      [...document.querySelectorAll('input, textarea')]
        .map(field => (field as HTMLInputElement).value)
        .join('\n')
  );
  const places = {
    answers: received.join('\n'),
    settings: settingsJson,
    page: pageText,
    info: JSON.stringify(info)
  };
  for (const [where, text] of Object.entries(places)) {
    expect(text.includes(KEY) ? where : null).toBeNull();
  }
  // The answers looked at include the server's word on what it holds.
  expect(
    received.some(text => text.includes('/qbraid-session/credentials'))
  ).toBe(true);
});

test('sign-out and sign-in from the panel go to the server, and a kernel signs in from its qbraidrc', async ({
  page,
  request,
  baseURL
}) => {
  writeQbraidrc(`# mine\n[default]\napi-key = ${KEY}\nurl = ${API}/api/v1\n`);
  await page.goto();
  await page.evaluate(() =>
    window.jupyterapp.commands.execute('qbraid:sign-in')
  );
  const panel = page.locator('#jp-qbraid-login');
  await expect(panel.getByText('Signed in as demo@example.com')).toBeVisible();
  await panel.getByRole('button', { name: 'Sign out' }).click();
  await expect(panel.getByText('Signed out')).toBeVisible();
  expect(readQbraidrc()).toBe(`# mine\n[default]\nurl = ${API}/api/v1\n`);
  await expect(panel).toContainText(
    'Your key will be held by the Jupyter server in ~/.qbraid/qbraidrc'
  );

  await panel.locator('#jp-qbraid-api-key').fill(KEY);
  await panel.getByRole('button', { name: 'Sign in' }).click();
  await expect(panel.getByText('Signed in as demo@example.com')).toBeVisible();
  expect(readQbraidrc()).toContain(`api-key = ${KEY}`);
  expect(readQbraidrc()).toMatch(/^# mine\n\[default\]\n/);
  // The settings keep no secret.
  expect(await setting(page, 'apiKey')).toBe('');

  await expectKernelSignsIn(page, request, baseURL, 'demo@example.com');
});
