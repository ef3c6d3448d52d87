import { QbraidTransport } from '../transport/transport';
/**
 * The v1 error envelope `{success, message, error: {code, message, ...}}`
 * as typed error fields, and INSUFFICIENT_CREDITS as its own class.
 */
import {
  AuthError,
  InsufficientCreditsError,
  QbraidApiError
} from '../rules/errors';
import { QbraidSession } from '../session/session';
import { FakeApi } from './fakeapi';
import { SignInModel } from '../ui/signinmodel';

function session(api: FakeApi, apiKey = 'k-secret-1') {
  return new QbraidSession({
    env: {},
    apiKey,
    transport: new QbraidTransport({ fetch: api.fetch }),
    sleep: api.sleep
  });
}

describe('errors of the v1 envelope', () => {
  it('INSUFFICIENT_CREDITS is its own class with needed, minRequired and balance, and says what to do', async () => {
    const api = new FakeApi();
    api.fallback = () =>
      FakeApi.json(
        {
          success: false,
          message: 'Insufficient credits',
          error: {
            code: 'INSUFFICIENT_CREDITS',
            message: 'Insufficient credits',
            needed: 25,
            minRequired: 10,
            balance: 3.5
          }
        },
        400
      );
    const error: any = await session(api)
      .post('/compute/instances', {})
      .catch((e: any) => e);
    expect(error).toBeInstanceOf(InsufficientCreditsError);
    expect(error).toBeInstanceOf(QbraidApiError);
    expect([error.needed, error.minRequired, error.balance]).toEqual([
      25, 10, 3.5
    ]);
    expect(error.code).toBe('INSUFFICIENT_CREDITS');
    expect(error.details).toEqual({
      needed: 25,
      minRequired: 10,
      balance: 3.5
    });
    expect(error.message).toMatch(
      /^Not enough qBraid credits: this needs 25 \(at least 10 to start\), and the balance is 3\.5\. Add credits/
    );
    // A 400 with a code of its own is not retried.
    expect(api.requests).toHaveLength(1);
  });

  it('any other code keeps its details, with every credential redacted', async () => {
    const api = new FakeApi();
    api.fallback = () =>
      FakeApi.json(
        {
          success: false,
          message: 'Bad state',
          error: {
            code: 'BAD_STATE',
            message: 'Bad state',
            state: 'stopping',
            echoed: { key: 'k-secret-1' }
          }
        },
        409
      );
    const error: any = await session(api)
      .get('/compute/instances/1')
      .catch((e: any) => e);
    expect(error.constructor).toBe(QbraidApiError);
    expect(error.code).toBe('BAD_STATE');
    expect(error.details).toEqual({
      state: 'stopping',
      echoed: { key: '[redacted]' }
    });
  });

  it('a 401 is still an AuthError, with no details when there are none', async () => {
    const api = new FakeApi();
    api.fallback = () =>
      FakeApi.json(
        {
          success: false,
          message: 'Missing or invalid credentials',
          error: {
            code: 'UNAUTHORIZED',
            message: 'Missing or invalid credentials'
          }
        },
        401
      );
    const error: any = await session(api)
      .get('/users/verify')
      .catch((e: any) => e);
    expect(error).toBeInstanceOf(AuthError);
    expect([error.code, error.details]).toEqual(['UNAUTHORIZED', null]);
  });
});

describe('the account at a glance', () => {
  function model(credits: () => Response) {
    const api = new FakeApi();
    api.fallback = request =>
      request.url.includes('/billing/credits/balance')
        ? credits()
        : FakeApi.json({
            success: true,
            data: {
              email: 'demo@example.com',
              userName: 'demo',
              organizationId: 'org-demo',
              userId: 'user-demo'
            }
          });
    const s = session(api);
    const status = new SignInModel({
      session: s,
      signOut: async () => undefined
    });
    return { api, status };
  }

  it('shows name, organization and balance after a check', async () => {
    const { api, status } = model(() =>
      FakeApi.json({
        success: true,
        data: { qbraidCredits: 120.5, awsCredits: 0, autoRecharge: 'off' }
      })
    );
    await status.check();
    expect(status.account).toEqual({
      name: 'demo',
      organization: 'org-demo',
      credits: { qbraidCredits: 120.5, awsCredits: 0, autoRecharge: 'off' }
    });
    const balance = api.requests.find(r => r.url.includes('/billing/'));
    expect(new URL(balance!.url).searchParams.get('organizationId')).toBe(
      'org-demo'
    );
  });

  it.each([
    ['missing', () => FakeApi.json({ success: false }, 404)],
    ['refused', () => FakeApi.json({ success: false }, 403)],
    [
      'malformed',
      () => FakeApi.json({ success: true, data: { qbraidCredits: 'lots' } })
    ]
  ])(
    'a %s credits endpoint shows no balance and no error',
    async (_, answer) => {
      const { status } = model(answer);
      await status.check();
      expect(status.state).toBe('signed-in');
      expect(status.error).toBeNull();
      expect(status.account).toMatchObject({ name: 'demo', credits: null });
    }
  );
});
