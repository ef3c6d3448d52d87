import { ServerConnection } from '@jupyterlab/services';
import { ProxyTransport } from '../src/api/proxytransport';
import { QbraidSession } from '../src/api/session';
import { sendToServerHalf } from '../src/api/serverhalf';

const body = JSON.stringify({ success: true, data: { email: 'demo@example.com' } });
const fakeFetch = async (input: any, init?: any) => {
  if (!(input instanceof Request)) new Request(input, init);
  return new Response(body, { status: 200, headers: { 'content-type': 'application/json' } });
};
const settings = ServerConnection.makeSettings({ baseUrl: 'http://localhost:8888/', token: '', fetch: fakeFetch as any });
const session = new QbraidSession({ baseUrl: 'http://127.0.0.1:9/api/v1', apiKey: 'demo-api-key', env: {}, transport: new ProxyTransport(settings) });
const url = 'http://localhost:8888/qbraid-session/proxy?url=' + encodeURIComponent('http://127.0.0.1:9/api/v1/users/verify');
async function time(name: string, fn: () => Promise<unknown>, n = 20000) {
  for (let i = 0; i < 2000; i++) await fn();
  const t = performance.now();
  for (let i = 0; i < n; i++) await fn();
  console.log(name, ((performance.now() - t) / n * 1000).toFixed(1), 'us');
}
(async () => {
  
  for (let r = 0; r < 2; r++) {
  await time("bare" fake fetch + json', async () => (await fakeFetch(url, { headers: { 'x-api-key': 'k' } })).json());
  await time('makeRequest', async () => (await ServerConnection.makeRequest(url, { headers: { 'x-api-key': 'k' } }, settings)).json());
  await time('makeRequest+signal', async () => (await ServerConnection.makeRequest(url, { headers: { 'x-api-key': 'k' }, signal: new AbortController().signal }, settings)).json());
  await time('sendToServerHalf+signal', async () => (await sendToServerHalf(settings, 'proxy', { headers: { 'x-api-key': 'k' }, signal: new AbortController().signal }, { url: 'http://127.0.0.1:9/api/v1/users/verify' })).json());
  await time('session.get', async () => session.get('/users/verify'));
  }
})();
