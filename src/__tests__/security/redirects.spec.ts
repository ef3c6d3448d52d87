/**
 * A redirect from the API to another origin: that origin receives none of
 * the credential headers of either dialect (legacy email, api-key,
 * refresh-token, id-token; v1 X-API-Key, X-Access-Token), whatever the
 * status and method.
 */
import { QbraidSession } from '../../session/session';
import { ApiVersion, IQbraidCredentials } from '../../tokens';
import { useLocalApi } from '../integration/localapi';

const CREDENTIAL_HEADERS = [
  'email',
  'api-key',
  'refresh-token',
  'id-token',
  'x-api-key',
  'x-access-token',
  'authorization'
];

const local = useLocalApi();

const SETS: Array<[string, IQbraidCredentials, ApiVersion]> = [
  [
    'email, api key and refresh token (legacy)',
    {
      userEmail: 'demo@example.com',
      apiKey: 'demo-api-key',
      refreshToken: 'demo-refresh-token'
    },
    'legacy'
  ],
  [
    'email and id token (legacy)',
    { userEmail: 'demo@example.com', idToken: 'demo-id-token' },
    'legacy'
  ],
  ['an API key (v1)', { apiKey: 'demo-api-key' }, 'v1'],
  ['an access token (v1)', { accessToken: 'demo-access-token' }, 'v1']
];

describe.each(SETS)('with %s', (_, credentials, dialect) => {
  it.each([
    ['GET', 301],
    ['GET', 302],
    ['GET', 303],
    ['GET', 307],
    ['GET', 308],
    ['POST', 302],
    ['POST', 307],
    ['PUT', 308],
    ['DELETE', 307]
  ])(
    '%s answered %i: the other origin receives no credential',
    async (method, status) => {
      const session = new QbraidSession({
        baseUrl: dialect === 'v1' ? local.api.v1BaseUrl : local.api.baseUrl,
        env: {},
        ...credentials
      });
      await session.request(method, '/redirect', {
        params: { to: 'other', status },
        json: method === 'GET' || method === 'DELETE' ? undefined : { a: 1 }
      });
      const recorded = await local.api.apiRequests();
      const first = recorded.find(r => r.path.endsWith('/redirect'))!;
      const sent = CREDENTIAL_HEADERS.filter(
        name => first.headers[name] !== undefined
      );
      expect(sent.length).toBeGreaterThan(0);
      const atOther = recorded.filter(r => r.server === 'other');
      expect(atOther).toHaveLength(1);
      for (const name of CREDENTIAL_HEADERS) {
        expect([name, atOther[0].headers[name]]).toEqual([name, undefined]);
      }
      const values = Object.values(credentials).filter(Boolean) as string[];
      for (const value of values) {
        expect(JSON.stringify(atOther[0])).not.toContain(value);
      }
    }
  );
});
