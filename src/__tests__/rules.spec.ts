import { detectApiVersion, endpointForApiKey } from '../rules/dialects';
import { IDENTITY } from '../session/calls';
import { SERVER_ERROR_CODES } from '../transport/serverhalf';
import { isLoopback } from '../rules/url';
import { credentialProblem } from '../rules/validation';
import { CREDENTIAL_FIELDS, fieldOf } from '../rules/fields';
import RULES from '../rules/rules.json';
import { sharedCases } from './sharedcases';

/*
 * The rule book's shared table of cases (tests/cases/rules.json), run
 * through the page; tests/test_rules.py runs the same table through the
 * server half.
 */
const CASES = sharedCases<any>('rules.json');

describe('the rule book, as the page applies it', () => {
  it.each(CASES.detect as [string, string][])(
    'the dialect of %j is %s',
    (url, version) => {
      expect(detectApiVersion(url)).toBe(version);
    }
  );

  it.each(CASES.keyHost as [string, string | null][])(
    'the key %j names the API %j',
    (key, url) => {
      expect(endpointForApiKey(key)).toBe(url);
    }
  );

  it.each(CASES.loopback as [string, boolean][])(
    'plain http to %j is allowed: %s',
    (host, allowed) => {
      const url = new URL(
        host.includes(':') ? `http://[${host}]/` : `http://${host}/`
      );
      expect(isLoopback(url.hostname)).toBe(allowed);
    }
  );

  it.each(CASES.credential as [string, boolean][])(
    'a key may be %j: %s',
    (value, ok) => {
      expect(
        value !== '' && credentialProblem(fieldOf('apiKey'), value) === null
      ).toBe(ok);
    }
  );

  it.each(CASES.email as [string, boolean][])(
    'an email may be %j: %s',
    (value, ok) => {
      expect(
        value !== '' && credentialProblem(fieldOf('userEmail'), value) === null
      ).toBe(ok);
    }
  );

  it.each(CASES.identity as ['v1' | 'legacy', unknown, string | null][])(
    'the %s check answer %j names %j',
    (version, body, email) => {
      expect(IDENTITY[version](body)?.email ?? null).toBe(email);
    }
  );

  it('knows every error code the server answers with', () => {
    expect([...SERVER_ERROR_CODES].sort()).toEqual(
      Object.keys(RULES.errors.server).sort()
    );
    expect(SERVER_ERROR_CODES).toContain('qbraidrc_busy');
  });

  it('types the field table it reads', () => {
    const properties = [
      'userEmail',
      'apiKey',
      'accessToken',
      'refreshToken',
      'idToken'
    ];
    expect(CREDENTIAL_FIELDS.map(field => field.property)).toEqual(properties);
    for (const field of CREDENTIAL_FIELDS) {
      for (const version of [
        ...field.dialects,
        ...Object.keys(field.headers),
        ...Object.keys(field.yieldsTo ?? {}),
        ...Object.keys(field.env)
      ]) {
        expect(['v1', 'legacy']).toContain(version);
      }
      for (const other of Object.values(field.yieldsTo ?? {})) {
        expect(properties).toContain(other);
      }
    }
  });
});
