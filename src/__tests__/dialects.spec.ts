import { IDENTITY } from '../session/calls';
import {
  credentialHeaders,
  detectApiVersion,
  DIALECTS,
  endpointForApiKey
} from '../rules/dialects';
import { CREDENTIAL_FIELDS, CREDENTIAL_HEADERS } from '../rules/fields';

const HEX = 'ab'.repeat(32);

describe('detectApiVersion', () => {
  it.each([
    ['https://api-v2.qbraid.com/api/v1', 'v1'],
    ['https://API-V2.qbraid.com/anything', 'v1'],
    ['https://api.qbraid.com/api', 'legacy'],
    ['https://api.qbraid.com/api/v1', 'legacy'],
    ['https://api.equal1.com/api/v1', 'v1'],
    ['http://127.0.0.1:8766/api/v1/', 'v1'],
    ['http://127.0.0.1:8766/api', 'legacy'],
    ['https://gateway.example.com/qbraid', 'v1'],
    ['not a url', 'v1']
  ])('tells %s speaks %s', (url, version) => {
    expect(detectApiVersion(url)).toBe(version);
  });
});

describe('endpointForApiKey', () => {
  it('decodes the API host of a white-label key as qbraid-core does', () => {
    expect(endpointForApiKey(`eq1_mfygsltfof2wc3brfzrw63i.${HEX}`)).toBe(
      'https://api.equal1.com/api/v1'
    );
  });

  it.each([
    ['a qBraid key (no host segment)', `qbr_${HEX}`],
    ['no key', null],
    ['upper-case base32', `eq1_MFYGSLTFOF2WC3BRFZRW63I.${HEX}`],
    ['a short hex part', `eq1_mfygsltfof2wc3brfzrw63i.${'ab'.repeat(31)}`],
    // "api.equal1.com" with the last character's unused bits set: not canonical.
    ['non-canonical base32', `eq1_mfygsltfof2wc3brfzrw63j.${HEX}`],
    // base32 of "127.0.0.1": an IP address is no host name.
    ['an IP address', `x_gezdolrqfyyc4mi.${HEX}`],
    // base32 of "evil.test:8080": a port is refused.
    ['a host with a port', `x_mv3gs3boorsxg5b2haydqma.${HEX}`]
  ])('finds no host in %s', (_, key) => {
    expect(endpointForApiKey(key)).toBeNull();
  });
});

describe('credentialHeaders', () => {
  const values = {
    userEmail: 'me@example.com',
    apiKey: 'k',
    accessToken: 'a',
    refreshToken: 'r',
    idToken: 'i'
  };

  it('v1: X-Access-Token instead of X-API-Key, and no email', () => {
    expect(credentialHeaders('v1', values)).toEqual({ 'x-access-token': 'a' });
    expect(credentialHeaders('v1', { ...values, accessToken: null })).toEqual({
      'x-api-key': 'k'
    });
  });

  it('legacy: email, api-key, refresh-token, and id-token only without a refresh token', () => {
    expect(credentialHeaders('legacy', values)).toEqual({
      email: 'me@example.com',
      'api-key': 'k',
      'refresh-token': 'r'
    });
    expect(
      credentialHeaders('legacy', { ...values, refreshToken: null })
    ).toMatchObject({ 'id-token': 'i' });
  });

  it('lists every credential header of both dialects as one that never leaves the origin', () => {
    for (const field of CREDENTIAL_FIELDS) {
      for (const header of Object.values(field.headers)) {
        expect(CREDENTIAL_HEADERS).toContain(header!.toLowerCase());
      }
    }
    expect(CREDENTIAL_HEADERS).toContain('authorization');
  });
});

describe('DIALECTS', () => {
  it('v1 has qbraid-core 0.6.37 retry defaults and check', () => {
    expect(DIALECTS.v1).toMatchObject({
      defaultBaseUrl: 'https://api-v2.qbraid.com/api/v1',
      verifyPath: '/users/verify',
      fixedHeaders: { 'x-domain': 'qbraid' },
      retry: {
        retriesTotal: 3,
        retriesConnect: 1,
        backoffFactor: 0.5,
        timeout: 30000
      },
      maxRetryAfter: 5,
      retryAfterMillisecondsAbove: 60
    });
  });

  it('v1 reads the identity from {success, data}', () => {
    expect(IDENTITY.v1({ success: true, data: { email: 'a@b.c' } })).toEqual({
      email: 'a@b.c'
    });
    expect(
      IDENTITY.v1({ success: false, data: { email: 'a@b.c' } })
    ).toBeNull();
    expect(IDENTITY.v1({ email: 'a@b.c' })).toBeNull();
    expect(IDENTITY.legacy({ email: 'a@b.c' })).toEqual({
      email: 'a@b.c'
    });
  });
});
