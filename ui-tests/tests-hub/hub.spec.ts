/**
 * Signed in once, at the hub: a real JupyterHub hands each user's qBraid key
 * from auth_state to their own server. The lab is signed in, no answer,
 * setting, DOM text or console line of the page holds the key, a consumer
 * plugin's request succeeds, a kernel's qbraid-core reads the key; a key
 * rotated at the hub is taken without restarting the server; and two users
 * each get their own key, neither reaching the other's server.
 */
import { expect, Page, test } from '@playwright/test';

const HUB = process.env.QBRAID_HUB_URL!;
const API = process.env.QBRAID_HUB_API!;
const ADMIN = process.env.QBRAID_HUB_ADMIN_TOKEN!;
const KEYS: Record<string, string> = {
  ada: 'hub-ada-key-1',
  bob: 'hub-bob-key-1'
};

test.beforeAll(async ({ request }) => {
  // The local API knows the test users' keys.
  await request.post(`${API}/_control/tokens`, {
    data: {
      add_keys: {
        'hub-ada-key-1': 'ada@example.com',
        'hub-bob-key-1': 'bob@example.com'
      }
    }
  });
});

/** Log in at the hub as `name` and wait for the lab it opens. */
async function logIn(page: Page, name: string): Promise<string[]> {
  const seen: string[] = [];
  page.on('response', response => {
    void response.text().then(
      text =>
        seen.push(
          `${response.url()}\n${JSON.stringify(response.headers())}\n${text}`
        ),
      () => undefined
    );
  });
  page.on('console', message => seen.push(`console: ${message.text()}`));
  await page.goto(`${HUB}/hub/login`);
  await page.locator('#username_input').fill(name);
  await page.locator('#password_input').fill('any');
  await page.locator('#login_submit').click();
  await page.waitForURL(`**/user/${name}/lab**`, { timeout: 90000 });
  await page.waitForFunction(
    () => (window as any).jupyterapp?.started !== undefined,
    undefined,
    { timeout: 90000 }
  );
  await page.evaluate(() => (window as any).jupyterapp.restored);
  return seen;
}

const statusItem = (page: Page) => page.locator('.jp-qbraid-StatusItem-text');

/** What a kernel's qbraid-core says the user is (it reads the server's environment). */
function kernelUser(page: Page): Promise<string> {
  return page.evaluate(async () => {
    const app = (window as any).jupyterapp;
    const kernel = await app.serviceManager.kernels.startNew({
      name: 'python3'
    });
    let out = '';
    const future = kernel.requestExecute({
      code:
        'from qbraid_core.sessions import QbraidSessionV1\n' +
        'print(QbraidSessionV1().get_user_auth_metadata()["email"])'
    });
    future.onIOPub = (msg: any) => {
      if (msg.header.msg_type === 'stream') {
        out += msg.content.text;
      }
      if (msg.header.msg_type === 'error') {
        out += msg.content.ename;
      }
    };
    await future.done;
    await kernel.shutdown();
    return out.trim();
  });
}

test('logged in at the hub, the lab is signed in and the page never sees the key', async ({
  page,
  request
}) => {
  const seen = await logIn(page, 'ada');
  await expect(statusItem(page)).toHaveText('qBraid: ada@example.com', {
    timeout: 30000
  });
  const whoami: any = await page.evaluate(() =>
    (window as any).jupyterapp.commands.execute('qbraid-consumer:whoami')
  );
  expect(whoami.identity).toMatchObject({ email: 'ada@example.com' });
  expect(await kernelUser(page)).toBe('ada@example.com');
  // The panel says where the key comes from.
  await page.evaluate(() =>
    (window as any).jupyterapp.commands.execute('qbraid:sign-in')
  );
  await expect(page.locator('#jp-qbraid-login')).toContainText(
    'It comes from your JupyterHub login'
  );
  const settings = await page.evaluate(async () => {
    const registry = (window as any).jupyterapp.serviceManager.settings;
    const plugin = await registry.fetch('jupyterlab-qbraid-session:plugin');
    return plugin.raw + JSON.stringify(plugin.composite ?? {});
  });
  const dom = await page.evaluate(() => document.documentElement.outerHTML);
  for (const text of [...seen, settings, dom]) {
    expect(text).not.toContain(KEYS.ada);
  }
  // The API got the key, from the server.
  const recorded = await (await request.get(`${API}/_control/requests`)).json();
  expect(recorded.some((r: any) => r.headers['x-api-key'] === KEYS.ada)).toBe(
    true
  );
});

test('a key rotated at the hub is taken without restarting the server', async ({
  page,
  request
}) => {
  await logIn(page, 'ada');
  await expect(statusItem(page)).toHaveText('qBraid: ada@example.com', {
    timeout: 30000
  });
  const auth = { Authorization: `token ${ADMIN}` };
  // The hub learns the new key (as refresh_user would), then the API revokes the old one.
  await request.post(`${API}/_control/tokens`, {
    data: { add_keys: { 'hub-ada-key-2': 'ada@example.com' } }
  });
  const patched = await request.patch(`${HUB}/hub/api/users/ada`, {
    headers: auth,
    data: {
      auth_state: {
        qbraid_api_key: 'hub-ada-key-2',
        qbraid_api_url: `${API}/api/v1`
      }
    }
  });
  expect(patched.status()).toBe(200);
  await request.post(`${API}/_control/tokens`, {
    data: { revoke_keys: ['hub-ada-key-1'] }
  });
  const whoami: any = await page.evaluate(() =>
    (window as any).jupyterapp.commands.execute('qbraid-consumer:whoami')
  );
  expect(whoami.identity).toMatchObject({ email: 'ada@example.com' });
  const recorded = await (await request.get(`${API}/_control/requests`)).json();
  const checks = recorded.filter((r: any) => r.path === '/api/v1/users/verify');
  expect(checks.at(-1).headers['x-api-key']).toBe('hub-ada-key-2');
  // Kernels started from now on read the new key too.
  expect(await kernelUser(page)).toBe('ada@example.com');
});

test("two users each get their own key, and neither reaches the other's server", async ({
  browser
}) => {
  const bob = await browser.newPage();
  await logIn(bob, 'bob');
  await expect(statusItem(bob)).toHaveText('qBraid: bob@example.com', {
    timeout: 30000
  });
  expect(await kernelUser(bob)).toBe('bob@example.com');
  // Bob's login does not open Ada's server: not its API, not its proxy.
  for (const path of [
    '/user/ada/api/status',
    '/user/ada/qbraid-session/credentials'
  ]) {
    const answer = await bob.request.get(`${HUB}${path}`, {
      maxRedirects: 0
    });
    expect([302, 403, 404]).toContain(answer.status());
    expect(await answer.text()).not.toContain(KEYS.ada);
  }
  await bob.close();
});
