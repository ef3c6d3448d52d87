import { QbraidTransport } from '../transport/transport';
import { PageConfig } from '@jupyterlab/coreutils';
import { ServerConnection } from '@jupyterlab/services';
import { QbraidSession } from '../session/session';
import { FakeApi, rejection } from './fakeapi';

const BASE = 'https://api.example.test/api';
const JUPYTER_TOKEN = 'jupyter-server-token-value';
const XSRF = 'xsrf-cookie-value';

function redirect(status: number, location: string): Response {
  return new Response(null, { status, headers: { Location: location } });
}

describe('requests to the qBraid origin', () => {
  let api: FakeApi;
  beforeEach(() => {
    api = new FakeApi();
    PageConfig.setOption('token', JUPYTER_TOKEN);
    document.cookie = `_xsrf=${XSRF}`;
  });
  afterEach(() => {
    PageConfig.setOption('token', '');
    document.cookie = '_xsrf=; expires=Thu, 01 Jan 1970 00:00:00 GMT';
  });

  it('the page really has a Jupyter token and an _xsrf cookie that makeRequest would send', async () => {
    // The control: default settings add both secrets, whatever the destination.
    const settings = ServerConnection.makeSettings({
      baseUrl: BASE,
      fetch: api.fetch
    });
    await ServerConnection.makeRequest(`${BASE}/identity`, {}, settings);
    expect(api.requests[0].headers['authorization']).toBe(
      `token ${JUPYTER_TOKEN}`
    );
    expect(api.requests[0].headers['x-xsrftoken']).toBe(XSRF);
  });

  it('never carries the Jupyter token or the _xsrf value to the API', async () => {
    const session = new QbraidSession({
      baseUrl: BASE,
      env: {},
      transport: new QbraidTransport({ fetch: api.fetch }),
      apiKey: 'k-1'
    });
    await session.get('/identity');
    await session.post('/jobs', { a: 1 });
    for (const request of api.requests) {
      expect(JSON.stringify(request.headers)).not.toContain(JUPYTER_TOKEN);
      expect(JSON.stringify(request.headers)).not.toContain(XSRF);
      expect(request.headers['authorization']).toBeUndefined();
      expect(request.headers['x-xsrftoken']).toBeUndefined();
      expect(request.headers['api-key']).toBe('k-1');
    }
  });

  it('keeps an Authorization header of our own while dropping the Jupyter one', async () => {
    const session = new QbraidSession({
      baseUrl: BASE,
      env: {},
      transport: new QbraidTransport({ fetch: api.fetch })
    });
    await session.get('/x', { headers: { Authorization: 'Bearer id-jwt' } });
    expect(api.requests[0].headers['authorization']).toBe('Bearer id-jwt');
  });

  it('asks fetch to hand redirects back instead of following them', async () => {
    await new QbraidSession({
      baseUrl: BASE,
      env: {},
      transport: new QbraidTransport({ fetch: api.fetch })
    }).get('/x');
    expect(api.requests[0].redirect).toBe('manual');
  });
});

describe('redirects', () => {
  let api: FakeApi;
  const credentials = {
    userEmail: 'me@example.com',
    apiKey: 'k-123',
    refreshToken: 'r-456'
  };
  beforeEach(() => {
    api = new FakeApi();
  });

  function session() {
    return new QbraidSession({
      baseUrl: BASE,
      env: {},
      transport: new QbraidTransport({ fetch: api.fetch }),
      ...credentials
    });
  }

  it('drops every credential header on a redirect to another host', async () => {
    api.answers = [redirect(302, 'https://elsewhere.example.org/collect')];
    await session().get('/identity');
    const [first, second] = api.requests;
    expect(first.headers).toMatchObject({
      email: 'me@example.com',
      'api-key': 'k-123'
    });
    expect(second.url).toBe('https://elsewhere.example.org/collect');
    for (const name of ['email', 'api-key', 'refresh-token', 'id-token']) {
      expect(second.headers[name]).toBeUndefined();
    }
  });

  it('drops credentials on a redirect to another port or scheme of the same host', async () => {
    api.answers = [redirect(307, 'https://api.example.test:8443/api/x')];
    await session().get('/x');
    expect(api.requests[1].headers['api-key']).toBeUndefined();
  });

  it('keeps credentials on a redirect within the API origin', async () => {
    api.answers = [redirect(301, '/api/identity/')];
    await session().get('/identity');
    expect(api.requests[1].url).toBe(`${BASE}/identity/`);
    expect(api.requests[1].headers['api-key']).toBe('k-123');
  });

  it('does not restore credentials when a redirect chain comes back to the API', async () => {
    api.answers = [
      redirect(302, 'https://elsewhere.example.org/a'),
      redirect(302, `${BASE}/identity`)
    ];
    await session().get('/identity');
    expect(api.requests[2].headers['api-key']).toBeUndefined();
  });

  it('turns a POST into a GET without body on 303 (and on 302), keeps it on 307', async () => {
    api.answers = [redirect(303, '/api/result')];
    await session().post('/jobs', { a: 1 });
    expect(api.requests[1]).toMatchObject({ method: 'GET', body: '' });
    api.answers = [redirect(307, '/api/again')];
    await session().post('/jobs', { a: 1 });
    expect(api.requests[3]).toMatchObject({ method: 'POST', body: '{"a":1}' });
  });

  it('stops after 30 redirects', async () => {
    api.fallback = () => redirect(302, '/api/loop');
    const error = await rejection(session().get('/loop'));
    expect(error).toMatchObject({ code: 'too_many_redirects' });
    expect(api.requests).toHaveLength(31);
  });

  it('refuses a redirect whose target the browser hides (opaqueredirect)', async () => {
    const opaque = new Response(null, { status: 200 });
    Object.defineProperty(opaque, 'type', { value: 'opaqueredirect' });
    Object.defineProperty(opaque, 'status', { value: 0 });
    api.answers = [opaque];
    const error = await rejection(session().get('/identity'));
    expect(error).toMatchObject({
      name: 'QbraidApiError',
      code: 'redirect_hidden'
    });
    expect(api.requests).toHaveLength(1);
  });
});
