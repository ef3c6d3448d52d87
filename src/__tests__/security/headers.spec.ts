/**
 * The local API records every Jupyter secret that reaches it. The session
 * sends none, whatever the page holds, through every verb, error and retry.
 */
import { PageConfig } from '@jupyterlab/coreutils';
import { QbraidSession } from '../../session/session';
import { LocalApi } from '../integration/localapi';

let api: LocalApi;
beforeAll(async () => {
  api = await LocalApi.start();
});
afterAll(async () => {
  await api.stop();
});

it('the local API notices a Jupyter token, an XSRF header and cookies (the detector works)', async () => {
  const control = await LocalApi.start();
  try {
    await fetch(`${control.baseUrl}/identity`, {
      headers: {
        Authorization: 'token abc',
        'X-XSRFToken': 'x',
        Cookie: '_xsrf=x'
      }
    });
    expect(await control.violations()).toEqual([
      {
        server: 'api',
        method: 'GET',
        path: '/api/identity',
        leaked: ['authorization: token', 'x-xsrftoken', 'cookie']
      }
    ]);
  } finally {
    await control.stop();
  }
});

it('no request of the session carries the Jupyter token, the XSRF value or cookies', async () => {
  PageConfig.setOption('token', 'jupyter-server-token');
  try {
    const session = new QbraidSession({
      baseUrl: api.baseUrl,
      apiKey: 'demo-api-key',
      env: {},
      retriesTotal: 2,
      sleep: async () => undefined
    });
    await session.get('/identity');
    await session.post('/echo', { a: 1 });
    await session.put('/echo', { a: 1 });
    await session.patch('/echo', { a: 1 });
    await session.delete('/echo');
    await session.head('/echo');
    await session.options('/echo');
    await api.inject({ kind: 'status', status: 503, times: 2 });
    await session.get('/identity');
    await session.get('/redirect', { params: { to: 'other' } });
    await session.get('/missing').catch(() => undefined);
    expect((await api.requests()).length).toBeGreaterThan(10);
    expect(await api.violations()).toEqual([]);
  } finally {
    PageConfig.setOption('token', '');
  }
});
