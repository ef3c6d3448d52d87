/**
 * The fault matrix: every fault the local API can inject, for GET, POST, PUT
 * and DELETE, against what the retry policy promises: attempts, the waits
 * between them (recorded, not slept) and the error at the end.
 */
import { QbraidApiError, QbraidNetworkError } from '../../rules/errors';
import { QbraidSession } from '../../session/session';
import { IFault, LocalApi } from '../integration/localapi';
import { rejection } from '../fakeapi';

const RETRIES = 3;
const BACKOFF = [0, 1000, 2000];

interface IRow {
  name: string;
  fault: IFault;
  /** A failure that may have reached the server: never repeated for POST. */
  ambiguous: boolean;
  check: (error: any) => void;
  waits?: number[];
  timeout?: number;
}

const ROWS: IRow[] = [
  {
    name: 'connection reset before the answer',
    fault: { kind: 'reset' },
    ambiguous: true,
    check: e =>
      expect(e).toMatchObject({ name: 'QbraidNetworkError', kind: 'read' })
  },
  {
    name: 'connection reset mid-body',
    fault: { kind: 'reset-mid-body' },
    ambiguous: true,
    check: e =>
      expect(e).toMatchObject({ name: 'QbraidNetworkError', kind: 'read' })
  },
  ...[500, 502, 503, 504, 520, 522, 524].map(status => ({
    name: `status ${status}`,
    fault: { kind: 'status' as const, status },
    ambiguous: false,
    check: (e: any) => {
      expect(e).toBeInstanceOf(QbraidApiError);
      expect(e).toMatchObject({ status, code: `injected_${status}` });
    }
  })),
  {
    name: '429 with Retry-After: 2',
    fault: { kind: 'status', status: 429, retry_after: 2 },
    ambiguous: false,
    waits: [2000, 2000, 2000],
    check: e => expect(e).toMatchObject({ status: 429 })
  },
  {
    name: '503 with Retry-After: 3',
    fault: { kind: 'status', status: 503, retry_after: 3 },
    ambiguous: false,
    waits: [3000, 3000, 3000],
    check: e => expect(e).toMatchObject({ status: 503 })
  },
  {
    name: 'an answer slower than the timeout',
    fault: { kind: 'delay', ms: 800 },
    ambiguous: true,
    timeout: 150,
    check: e => {
      expect(e).toBeInstanceOf(QbraidNetworkError);
      expect(e).toMatchObject({ kind: 'timeout' });
    }
  }
];

let api: LocalApi;
beforeAll(async () => {
  api = await LocalApi.start();
});
afterAll(async () => {
  expect(await api.violations()).toEqual([]);
  await api.stop();
});

describe.each(ROWS)('$name', row => {
  it.each(['GET', 'POST', 'PUT', 'DELETE'])('%s', async method => {
    await api.reset();
    await api.inject({ ...row.fault, method, path: '/api/echo', times: 100 });
    const waits: number[] = [];
    const session = new QbraidSession({
      baseUrl: api.baseUrl,
      apiKey: 'demo-api-key',
      env: {},
      retriesTotal: RETRIES,
      timeout: row.timeout ?? 0,
      sleep: async ms => {
        waits.push(ms);
      }
    });
    const error = await rejection(
      session.request(
        method,
        '/echo',
        method === 'GET' || method === 'DELETE' ? {} : { json: { n: 1 } }
      )
    );
    const repeated = !(row.ambiguous && method === 'POST');
    const attempts = repeated ? RETRIES + 1 : 1;
    const received = (await api.apiRequests()).filter(
      r => r.path === '/api/echo'
    );
    expect(received).toHaveLength(attempts);
    expect(error.attempts).toBe(attempts);
    expect(waits).toEqual(repeated ? (row.waits ?? BACKOFF) : []);
    row.check(error);
  });
});
