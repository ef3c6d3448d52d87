/**
 * The access-token refresh policy, on a fake clock: when, how often, once
 * for two tabs, never for an API key, never in a tight loop.
 */
import {
  AccessTokenRefresher,
  REFRESH_POLICY,
  refreshDelay
} from '../refresh/tokenrefresh';

const HOUR = 3600 * 1000;
const DAY = 24 * HOUR;

/** One lab's API: refreshing extends the token to 24 h from now. */
function api(lifetime = DAY) {
  const at: number[] = [];
  return {
    at,
    refresh: async () => {
      at.push(Date.now());
      return Date.now() + lifetime;
    }
  };
}

function storage() {
  const items = new Map<string, string>();
  return {
    items,
    getItem: (key: string) => items.get(key) ?? null,
    setItem: (key: string, value: string) => void items.set(key, value)
  };
}

beforeEach(() => {
  jest.useFakeTimers({ now: new Date('2026-12-01T00:00:00Z') });
});
afterEach(() => jest.useRealTimers());

describe('refreshDelay', () => {
  it('is two thirds of the remaining time (half near the end), never under the minimum, null once expired', () => {
    expect(refreshDelay(DAY, 0)).toBe((2 / 3) * DAY);
    expect(refreshDelay(12_000, 0)).toBe(8_000);
    expect(refreshDelay(4_000, 0)).toBe(2_000);
    expect(refreshDelay(1_500, 0)).toBe(REFRESH_POLICY.minGap);
    expect(refreshDelay(0, 0)).toBeNull();
    expect(refreshDelay(NaN, 0)).toBeNull();
  });
});

describe('AccessTokenRefresher', () => {
  it('refreshes once to learn the expiry, then at two thirds of the time left', async () => {
    const server = api();
    const refresher = new AccessTokenRefresher({
      token: () => 'token-1',
      refresh: server.refresh
    });
    void refresher.start();
    await jest.advanceTimersByTimeAsync(10);
    expect(server.at).toHaveLength(1);
    expect(refresher.expiresAt).toBe(server.at[0] + DAY);
    await jest.advanceTimersByTimeAsync(16 * HOUR - 1000);
    expect(server.at).toHaveLength(1);
    await jest.advanceTimersByTimeAsync(2000);
    expect(server.at).toHaveLength(2);
    // A day: the first refresh, then one every 16 h.
    await jest.advanceTimersByTimeAsync(DAY);
    expect(server.at).toHaveLength(3);
    refresher.dispose();
  });

  it('sends nothing for an API key', async () => {
    const server = api();
    const refresher = new AccessTokenRefresher({
      token: () => null,
      refresh: server.refresh
    });
    void refresher.start();
    await jest.advanceTimersByTimeAsync(3 * DAY);
    expect(server.at).toEqual([]);
    refresher.dispose();
  });

  it('refreshes once for two tabs of one lab', async () => {
    const server = api();
    // The default lock (withLock): in Node, one queue per process, as Web
    // Locks are one per origin for the tabs of a browser.
    const shared = storage();
    const tabs = [0, 1].map(
      () =>
        new AccessTokenRefresher({
          token: () => 'token-1',
          refresh: server.refresh,
          shared
        })
    );
    tabs.forEach(tab => void tab.start());
    await jest.advanceTimersByTimeAsync(10);
    expect(server.at).toHaveLength(1);
    expect(tabs.map(tab => tab.expiresAt)).toEqual([
      server.at[0] + DAY,
      server.at[0] + DAY
    ]);
    await jest.advanceTimersByTimeAsync(2 * DAY);
    // The policy for one tab: 1 + 3 (at 16 h, 32 h, 48 h).
    expect(server.at).toHaveLength(4);
    expect(tabs[0].refreshes + tabs[1].refreshes).toBe(4);
    // The shared record names the token by a fingerprint, never the token.
    expect([...shared.items.values()].join()).not.toContain('token-1');
    tabs.forEach(tab => tab.dispose());
  });

  it('a hidden page waits until the expiry comes close, then refreshes anyway', async () => {
    const server = api();
    let hidden = false;
    const refresher = new AccessTokenRefresher({
      token: () => 'token-1',
      refresh: server.refresh,
      hidden: () => hidden
    });
    void refresher.start();
    await jest.advanceTimersByTimeAsync(10);
    hidden = true;
    await jest.advanceTimersByTimeAsync(23 * HOUR);
    expect(server.at).toHaveLength(1);
    await jest.advanceTimersByTimeAsync(HOUR - 5 * 60 * 1000);
    expect(server.at).toHaveLength(2);
    expect(server.at[1] - server.at[0]).toBeLessThan(DAY - 5 * 60 * 1000 + 1);
    refresher.dispose();
  });

  it('a failing refresh backs off instead of looping', async () => {
    const at: number[] = [];
    const refresher = new AccessTokenRefresher({
      token: () => 'token-1',
      refresh: async () => {
        at.push(Date.now());
        throw new Error('503');
      }
    });
    void refresher.start();
    await jest.advanceTimersByTimeAsync(3 * HOUR);
    const gaps = at.slice(1).map((t, i) => t - at[i]);
    // At least 30 s apart, growing up to 30 min: not a loop.
    expect(gaps.every(gap => gap >= REFRESH_POLICY.failureDelay)).toBe(true);
    expect(Math.max(...gaps)).toBeGreaterThan(10 * 60 * 1000);
    expect(at.length).toBeLessThan(40);
    refresher.dispose();
  });

  it('a short-lived token is refreshed before it expires, never in a tight loop', async () => {
    const server = api(9_000);
    const refresher = new AccessTokenRefresher({
      token: () => 'token-1',
      refresh: server.refresh
    });
    void refresher.start();
    await jest.advanceTimersByTimeAsync(60_000);
    const gaps = server.at.slice(1).map((t, i) => t - server.at[i]);
    expect(gaps.every(gap => gap >= 1000 && gap < 9_000)).toBe(true);
    expect(server.at.length).toBeLessThanOrEqual(61);
    refresher.dispose();
  });

  it('a new token is refreshed at once', async () => {
    const server = api();
    let token = 'token-1';
    const refresher = new AccessTokenRefresher({
      token: () => token,
      refresh: server.refresh
    });
    void refresher.start();
    await jest.advanceTimersByTimeAsync(10);
    token = 'token-2';
    void refresher.tokenChanged();
    await jest.advanceTimersByTimeAsync(10);
    expect(server.at).toHaveLength(2);
    refresher.dispose();
  });
});
