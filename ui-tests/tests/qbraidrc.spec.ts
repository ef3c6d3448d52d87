import { expect, test } from './fixtures';

const PLUGIN = 'jupyterlab-qbraid-session:plugin';

/** The server's ~/.qbraid/qbraidrc through the contents API ('' when missing). */
async function readQbraidrc(request: any, baseURL: string): Promise<string> {
  const response = await request.get(
    `${baseURL}/api/contents/.qbraid/qbraidrc?content=1&type=file`
  );
  return response.ok() ? (await response.json()).content : '';
}

// Galata's own file-browser set-up does not follow a server base URL (/user/test/).
test.use({ autoGoto: false });

test.beforeEach(async ({ page, request, baseURL }) => {
  await request.delete(`${baseURL}/api/contents/.qbraid/qbraidrc`);
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
    .poll(() => readQbraidrc(request, baseURL!), { timeout: 20000 })
    .toContain('api-key = galata-key-123');
});

test('a qbraidrc written in a terminal is picked up into the settings', async ({
  page,
  request,
  baseURL
}) => {
  await request.put(`${baseURL}/api/contents/.qbraid`, {
    data: { type: 'directory' }
  });
  const put = await request.put(`${baseURL}/api/contents/.qbraid/qbraidrc`, {
    data: {
      type: 'file',
      format: 'text',
      content:
        '# qbraid configure\n[default]\napi-key = terminal-key-9\norganization = acme\n'
    }
  });
  expect(put.ok()).toBe(true);
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
  expect(await readQbraidrc(request, baseURL!)).toContain(
    'organization = acme'
  );
});
