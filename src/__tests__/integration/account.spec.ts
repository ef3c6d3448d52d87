/**
 * Issue 18 against the local API: an access token kept alive by the
 * refresher, rotation after a revoked token, the account's balance, and
 * INSUFFICIENT_CREDITS as its own error.
 */
import { InsufficientCreditsError } from '../../rules/errors';
import { QbraidSession } from '../../session/session';
import { AccessTokenRefresher } from '../../refresh/tokenrefresh';
import { SignInModel } from '../../ui/signinmodel';
import { useLocalApi } from './localapi';

const local = useLocalApi();

function session(credentials: { accessToken?: string; apiKey?: string }) {
  return new QbraidSession({
    env: {},
    baseUrl: local.api.v1BaseUrl,
    ...credentials
  });
}

async function until(check: () => Promise<boolean>, what: string) {
  // A bounded wait, not a timing assert.
  for (let i = 0; i < 200; i++) {
    if (await check()) {
      return;
    }
    await new Promise(resolve => setTimeout(resolve, 100));
  }
  throw new Error(`gave up waiting for ${what}`);
}

it('keeps a short-lived access token alive past its first expiry', async () => {
  await local.api.tokens({ lifetime: 3 });
  const s = session({ accessToken: 'demo-access-token' });
  const refresher = new AccessTokenRefresher({
    token: () => s.accessToken,
    refresh: async () =>
      Date.parse(String((await s.refreshAccessToken())['expiresAt']))
  });
  void refresher.start();
  try {
    await until(
      async () => (await local.api.tokens()).length >= 3,
      'three refreshes'
    );
    const refreshes = await local.api.tokens();
    // Each came before the expiry the one before gave: the token never lapsed.
    for (let i = 1; i < refreshes.length; i++) {
      expect(refreshes[i].at).toBeLessThan(refreshes[i - 1].expires);
    }
    await expect(s.verify()).resolves.toMatchObject({
      email: 'demo@example.com'
    });
  } finally {
    refresher.dispose();
  }
});

it('a revoked token rotated in the store is used after one 401', async () => {
  const s = session({ accessToken: 'old-token' });
  await local.api.tokens({ add: { 'new-token': 'demo@example.com' } });
  s.addCredentialsReader(async () => s.update({ accessToken: 'new-token' }));
  await expect(s.verify()).resolves.toMatchObject({
    email: 'demo@example.com'
  });
  const sent = (await local.api.apiRequests()).map(
    r => r.headers['x-access-token']
  );
  expect(sent).toEqual(['old-token', 'new-token']);
});

it('the panel model shows the balance, and nothing when billing is off', async () => {
  const s = session({ apiKey: 'demo-api-key' });
  const status = new SignInModel({
    session: s,
    signOut: async () => undefined
  });
  await status.check();
  expect(status.account).toEqual({
    name: 'demo',
    organization: 'org-demo',
    credits: { qbraidCredits: 120.5, awsCredits: 0, autoRecharge: 'off' }
  });
  await local.api.credits({ disabled: true });
  await status.check();
  expect(status.account?.credits).toBeNull();
  expect(status.error).toBeNull();
});

it('too few credits is an InsufficientCreditsError with the numbers', async () => {
  await local.api.credits({ credits: { qbraidCredits: 3 } });
  const s = session({ apiKey: 'demo-api-key' });
  const error: any = await s.post('/compute/instances', {}).catch(e => e);
  expect(error).toBeInstanceOf(InsufficientCreditsError);
  expect([error.needed, error.minRequired, error.balance]).toEqual([25, 10, 3]);
});
