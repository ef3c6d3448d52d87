import { ServerConnection } from '@jupyterlab/services';
import { ConnectionRouter } from '../transport/connectionrouter';
import { IServerInfo } from '../transport/serverhalf';
import { IQbraidTransport, ITransportRequest } from '../transport/transport';
import { rejection } from './fakeapi';

const API = 'https://api-v2.qbraid.com/api/v1';

class Recorder implements IQbraidTransport {
  constructor(readonly name: string) {}
  sent: string[] = [];
  async send(request: ITransportRequest): Promise<Response> {
    this.sent.push(request.url);
    return new Response(JSON.stringify({ via: this.name }));
  }
}

const INFO: IServerInfo = {
  version: '0.1.0',
  features: { proxy: true, qbraidrc: true },
  qbraidrc_path: '~/.qbraid/qbraidrc',
  allowed_origins: ['https://api-v2.qbraid.com', 'https://api.qbraid.com'],
  forwarded_headers: []
};

function router(info: IServerInfo | null, mode?: 'auto' | 'server' | 'direct') {
  const direct = new Recorder('direct');
  const proxy = new Recorder('proxy');
  let asked = 0;
  const r = new ConnectionRouter({
    serverSettings: ServerConnection.makeSettings(),
    direct,
    proxy,
    fetchInfo: async () => {
      asked++;
      return info;
    },
    mode
  });
  return { r, direct, proxy, asked: () => asked };
}

const request = (url: string): ITransportRequest => ({
  method: 'GET',
  url,
  headers: {}
});

describe('ConnectionRouter', () => {
  it('asks the server nothing before start() or a request, and then once', async () => {
    const { r, asked } = router(INFO);
    expect(asked()).toBe(0);
    expect(r.route(API).via).toBe('unknown');
    await Promise.all([
      r.send(request(`${API}/x`)),
      r.send(request(`${API}/y`))
    ]);
    await r.start();
    expect(asked()).toBe(1);
  });

  it('goes through the server when the proxy may reach the API', async () => {
    const { r, direct, proxy } = router(INFO);
    await r.send(request(`${API}/users/verify`));
    expect(proxy.sent).toEqual([`${API}/users/verify`]);
    expect(direct.sent).toEqual([]);
    expect(r.route(API)).toEqual({ via: 'server', reason: null });
  });

  it('falls back to direct for an origin the proxy may not reach, and says so', async () => {
    const { r, direct } = router(INFO);
    await r.send(request('https://api.example.test/api/v1/x'));
    expect(direct.sent).toHaveLength(1);
    expect(r.route('https://api.example.test/api/v1')).toMatchObject({
      via: 'direct',
      reason: expect.stringContaining('c.QbraidProxy.allowed_origins')
    });
  });

  it('in JupyterLite asks no server and says why requests go from the browser', async () => {
    const direct = new Recorder('direct');
    const proxy = new Recorder('proxy');
    const r = new ConnectionRouter({
      serverSettings: ServerConnection.makeSettings(),
      direct,
      proxy,
      fetchInfo: () => Promise.reject(new Error('the server was asked')),
      withoutServer: true
    });
    await r.send(request(`${API}/x`));
    expect([direct.sent.length, proxy.sent.length]).toEqual([1, 0]);
    expect(r.route(API)).toEqual({
      via: 'direct',
      reason: expect.stringContaining('JupyterLite has no Jupyter server')
    });
  });

  it('goes direct without a server half (frontend-only install)', async () => {
    const { r, direct } = router(null);
    await r.send(request(`${API}/x`));
    expect(direct.sent).toHaveLength(1);
    expect(r.route(API).reason).toContain('no qBraid proxy');
  });

  it('"direct" never asks the server; "server" refuses what cannot go through it', async () => {
    const d = router(INFO, 'direct');
    await d.r.send(request(`${API}/x`));
    expect([d.direct.sent.length, d.asked()]).toEqual([1, 0]);
    const s = router(null, 'server');
    const error = await rejection(s.r.send(request(`${API}/x`)));
    expect(error).toMatchObject({
      name: 'ConfigError',
      code: 'no_server_route'
    });
    expect(s.direct.sent).toEqual([]);
  });

  it('emits changed when the server answered and when the mode changes', async () => {
    const { r } = router(INFO);
    let changes = 0;
    r.changed.connect(() => changes++);
    await r.start();
    r.mode = 'direct';
    r.mode = 'direct';
    expect(changes).toBe(2);
  });
});
