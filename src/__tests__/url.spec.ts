import { ConfigError } from '../rules/errors';
import { joinUrl } from '../transport/requesturl';
import { normalizeBaseUrl } from '../rules/url';

describe('normalizeBaseUrl', () => {
  it('drops trailing slashes', () => {
    expect(normalizeBaseUrl('https://api.qbraid.com/api///')).toBe(
      'https://api.qbraid.com/api'
    );
    expect(normalizeBaseUrl('https://api-v2.qbraid.com/api/v1/')).toBe(
      'https://api-v2.qbraid.com/api/v1'
    );
  });

  it('accepts plain http only for local hosts', () => {
    expect(normalizeBaseUrl('http://localhost:8000/api')).toBe(
      'http://localhost:8000/api'
    );
    expect(normalizeBaseUrl('http://127.0.0.1:9/api')).toBe(
      'http://127.0.0.1:9/api'
    );
    expect(() => normalizeBaseUrl('http://api.qbraid.com/api')).toThrow(
      ConfigError
    );
  });

  it.each([
    'javascript:alert(1)',
    'file:///etc/passwd',
    'ftp://x/api',
    'api.qbraid.com',
    ''
  ])('rejects %p', value => {
    expect(() => normalizeBaseUrl(value)).toThrow(ConfigError);
  });

  it('rejects user info, queries and fragments', () => {
    expect(() => normalizeBaseUrl('https://u:p@api.qbraid.com/api')).toThrow(
      /user info/
    );
    expect(() => normalizeBaseUrl('https://api.qbraid.com/api?x=1')).toThrow(
      ConfigError
    );
  });
});

describe('joinUrl', () => {
  it('joins without doubling or losing slashes', () => {
    expect(joinUrl('https://h/api', '/identity')).toBe(
      'https://h/api/identity'
    );
    expect(joinUrl('https://h/api/', 'identity')).toBe(
      'https://h/api/identity'
    );
    expect(joinUrl('https://h/api', '//identity')).toBe(
      'https://h/api/identity'
    );
  });

  it('appends query parameters, leaving out undefined ones', () => {
    expect(
      joinUrl('https://h/api', '/jobs?a=1', { b: 2, c: undefined, d: true })
    ).toBe('https://h/api/jobs?a=1&b=2&d=true');
  });

  it('accepts an absolute URL under the base only', () => {
    expect(joinUrl('https://h/api', 'https://h/api/x')).toBe('https://h/api/x');
    expect(() =>
      joinUrl('https://h/api', 'https://evil.example/api/x')
    ).toThrow(/Refusing to send qBraid credentials/);
    expect(() => joinUrl('https://h/api', 'https://h/apix')).toThrow(
      ConfigError
    );
  });
});
