/**
 * Soak: 10,000 requests, 16 at a time, with 10% of the answers faulty. Every
 * request ends as an answer or as an error explained by exhausted retries;
 * none is lost; the heap after GC stays within 10% of where it started.
 */
import { QbraidApiError } from '../../rules/errors';
import { QbraidSession } from '../../session/session';
import { LocalApi } from '../integration/localapi';

const TOTAL = 10000;
const CONCURRENCY = 16;
const RETRIES = 2;

let api: LocalApi;
beforeAll(async () => {
  api = await LocalApi.start();
  await api.recording(false);
});
afterAll(async () => {
  expect(await api.violations()).toEqual([]);
  await api.stop();
});

/** The smallest of three heap readings after GC, letting finalizers (sockets) run in between. */
async function heapAfterGc(): Promise<number> {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (!gc) {
    throw new Error('run with NODE_OPTIONS=--expose-gc (make test does)');
  }
  const readings: number[] = [];
  for (let i = 0; i < 3; i++) {
    await new Promise(resolve => setTimeout(resolve, 50));
    gc();
    gc();
    readings.push(process.memoryUsage().heapUsed);
  }
  return Math.min(...readings);
}

async function run(session: QbraidSession, count: number) {
  let next = 0;
  let ok = 0;
  const failures: unknown[] = [];
  const worker = async () => {
    while (next < count) {
      next++;
      try {
        const answer = await session.get<{ email: string }>('/identity');
        if (answer.email !== 'demo@example.com') {
          throw new Error('wrong answer');
        }
        ok++;
      } catch (error) {
        failures.push(error);
      }
    }
  };
  await Promise.all(Array.from({ length: CONCURRENCY }, worker));
  return { ok, failures };
}

it(
  'survives 10,000 requests with 10% faults: nothing lost, every failure explained, no heap growth',
  async () => {
    await api.chaos({
      rate: 0.1,
      kinds: ['reset', 'reset-mid-body', 'status:500', 'status:503'],
      seed: 7
    });
    const session = new QbraidSession({
      baseUrl: api.baseUrl,
      apiKey: 'demo-api-key',
      env: {},
      retriesTotal: RETRIES,
      sleep: async () => undefined
    });
    const warmup = await run(session, 2000);
    const start = await heapAfterGc();
    const soak = await run(session, TOTAL - 2000);
    const end = await heapAfterGc();

    const ok = warmup.ok + soak.ok;
    const failures = [...warmup.failures, ...soak.failures];
    expect(ok + failures.length).toBe(TOTAL);
    for (const failure of failures) {
      expect(failure).toBeInstanceOf(QbraidApiError);
      expect((failure as QbraidApiError).attempts).toBe(RETRIES + 1);
    }
    // With three tries at 10% faults about one request in a thousand fails.
    expect(failures.length).toBeLessThan(TOTAL * 0.01);
    expect(end).toBeLessThanOrEqual(start * 1.1);
  },
  5 * 60 * 1000
);
