/**
 * Accessibility of the qBraid panel and status item (axe-core), signed out,
 * signed in and in error, in the light and the dark theme: no serious or
 * critical violation. And the keyboard focus follows the sign-in.
 */
import AxeBuilder from '@axe-core/playwright';
import {
  API,
  expect,
  IJupyterLabPageFixture,
  openPanel,
  removeQbraidrc,
  QUICK_LEGACY_API,
  test,
  withPluginSettings
} from './fixtures';

test.use(withPluginSettings(QUICK_LEGACY_API));

test.beforeEach(async ({ page, request }) => {
  await request.post(`${API}/_control/reset`);
  removeQbraidrc();
  await page.goto();
});

/** The serious and critical violations in the panel and the status item. */
async function violations(page: IJupyterLabPageFixture): Promise<string[]> {
  const results = await new AxeBuilder({ page })
    .include('#jp-qbraid-login')
    .include('.jp-qbraid-StatusItem')
    .analyze();
  expect(results.passes.length).toBeGreaterThan(0);
  return results.violations
    .filter(v => v.impact === 'serious' || v.impact === 'critical')
    .map(
      v =>
        `${v.id} (${v.impact}): ${v.help}: ${v.nodes.map(n => n.target.join(' ')).join(', ')}`
    );
}

/** Check the panel in both themes, leaving the light one in force. */
async function expectAccessible(page: IJupyterLabPageFixture, state: string) {
  for (const dark of [false, true]) {
    if (dark) {
      await page.theme.setDarkTheme();
    } else {
      await page.theme.setLightTheme();
    }
    const found = await violations(page);
    expect(found, `${state}, ${dark ? 'dark' : 'light'} theme`).toEqual([]);
  }
  await page.theme.setLightTheme();
}

async function signIn(page: IJupyterLabPageFixture, key: string) {
  const panel = await openPanel(page);
  await page.keyboard.press('Tab');
  await page.keyboard.type(key);
  await page.keyboard.press('Enter');
  return panel;
}

test('signed out, the form and its advanced part', async ({ page }) => {
  const panel = await openPanel(page);
  await expectAccessible(page, 'signed out');
  await panel.getByText('Advanced').click();
  await expectAccessible(page, 'signed out, advanced open');
  // The check finds what it looks for: a field that loses its label is critical.
  await page.evaluate(() =>
    document.querySelector('label[for="jp-qbraid-email"]')?.remove()
  );
  expect((await violations(page)).join('\n')).toMatch(/^label \(critical\)/m);
});

test('a refused sign-in: the form with its alert', async ({ page }) => {
  const panel = await signIn(page, 'wrong-key-777');
  await expect(panel.getByRole('alert')).toContainText('refused');
  await expectAccessible(page, 'sign-in refused');
});

test('signed in: the focus moves into the signed-in view, which is accessible', async ({
  page
}) => {
  const panel = await signIn(page, 'demo-api-key');
  const state = panel.locator('.jp-qbraid-LoginPanel-state');
  await expect(state).toHaveText('Signed in as demo@example.com');
  await expect(state).toBeFocused();
  await expectAccessible(page, 'signed in');
});

test('in error: a failed check shows its alert in the signed-in view', async ({
  page,
  request
}) => {
  const panel = await signIn(page, 'demo-api-key');
  await expect(panel.getByText('Signed in as demo@example.com')).toBeVisible();
  await request.post(`${API}/_control/faults`, {
    data: {
      faults: [
        { kind: 'status', status: 503, times: 10, path: '/api/identity' }
      ]
    }
  });
  await panel.getByRole('button', { name: 'Check again' }).click();
  await expect(panel.getByText('The last check failed')).toBeVisible();
  await expect(panel.getByRole('alert')).toContainText('server error (503)');
  await expectAccessible(page, 'check failed');
});
