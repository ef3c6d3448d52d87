const body = JSON.stringify({ success: true, data: { email: 'demo@example.com', userName: 'demo', _id: 'demo', userId: 'user-demo', organizationId: 'org-demo' } });
async function time(name: string, fn: () => Promise<unknown>, n = 50000) {
  for (let i = 0; i < 5000; i++) await fn();
  const t = performance.now();
  for (let i = 0; i < n; i++) await fn();
  console.log(name, ((performance.now() - t) / n * 1000).toFixed(2), 'us');
}
async function reader(response: Response) {
  const r = response.body!.getReader(); const d = new TextDecoder(); const parts: string[] = [];
  for (;;) { const { done, value } = await r.read(); if (done) break; parts.push(d.decode(value, { stream: true })); }
  parts.push(d.decode()); return parts.join('');
}
(async () => {
  for (let k = 0; k < 2; k++) {
    await time('text()', async () => new Response(body).text());
    await time('reader', async () => reader(new Response(body)));
    await time('new Response only', async () => new Response(body));
  }
})();
