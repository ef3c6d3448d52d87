const closed = new AbortController();
async function time(name: string, fn: () => unknown, n = 200000) {
  for (let i = 0; i < 20000; i++) fn();
  const t = performance.now();
  for (let i = 0; i < n; i++) fn();
  console.log(name, ((performance.now() - t) / n * 1000).toFixed(2), 'us');
}
(async () => {
  for (let r = 0; r < 2; r++) {
    await time('any+timeout', () => AbortSignal.any([closed.signal, AbortSignal.timeout(30000)]));
    await time('controller+setTimeout+listeners', () => {
      const c = new AbortController();
      const abort = () => c.abort();
      closed.signal.addEventListener('abort', abort);
      const t = setTimeout(() => c.abort(), 30000);
      clearTimeout(t);
      closed.signal.removeEventListener('abort', abort);
      return c.signal;
    });
    await time('controller only', () => new AbortController().signal);
  }
})();
