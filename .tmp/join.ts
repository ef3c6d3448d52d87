import { URLExt } from '@jupyterlab/coreutils';
function time(name: string, fn: () => unknown, n = 200000) {
  for (let i = 0; i < 20000; i++) fn();
  const t = performance.now();
  for (let i = 0; i < n; i++) fn();
  console.log(name, ((performance.now() - t) / n * 1000).toFixed(2), 'us');
}
const q = { url: 'http://127.0.0.1:9/api/v1/users/verify', credentials: 'server' };
for (let r = 0; r < 2; r++) {
time('URLExt.join', () => URLExt.join('http://localhost:8888/', 'qbraid-session', 'proxy'));
time('URLSearchParams', () => new URLSearchParams(q).toString());
time('encodeURIComponent', () => 'url=' + encodeURIComponent(q.url) + '&credentials=server');
time('new Request signal', () => new Request('http://localhost:8888/x', { signal: new AbortController().signal, headers: {a: 'b'} }));
time('new Request', () => new Request('http://localhost:8888/x', { headers: {a: 'b'} }));
}
