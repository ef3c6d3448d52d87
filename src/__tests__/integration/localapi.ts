import { IQbraidSessionOptions, QbraidSession } from '../../session/session';
import { ChildProcess, spawn } from 'child_process';
import * as net from 'net';
import * as path from 'path';
import * as readline from 'readline';

/**
 * A request as the local API recorded it.
 */
export interface IRecorded {
  server: 'api' | 'other';
  method: string;
  path: string;
  query: string;
  headers: Record<string, string>;
  /** The client's port: one per TCP connection. */
  client_port: number;
}

/**
 * A fault the local API applies to matching requests.
 */
export interface IFault {
  kind: 'status' | 'reset' | 'reset-mid-body' | 'delay';
  status?: number;
  retry_after?: string | number;
  ms?: number;
  times?: number;
  method?: string;
  path?: string;
}

/**
 * The local qBraid-compatible API (local_api/qbraid_local_api.py) in a child
 * process, driven over its /_control routes.
 */
export class LocalApi {
  static async start(origins: string[] = []): Promise<LocalApi> {
    const script = path.resolve(
      __dirname,
      '../../../local_api/qbraid_local_api.py'
    );
    const args = [script, ...origins.flatMap(o => ['--allow-origin', o])];
    const child = spawn(process.env.PYTHON ?? 'python3', args, {
      stdio: ['ignore', 'pipe', 'inherit']
    });
    const line = await new Promise<string>((resolve, reject) => {
      const lines = readline.createInterface({ input: child.stdout! });
      lines.once('line', resolve);
      child.once('exit', code =>
        reject(new Error(`local API exited with ${code}`))
      );
    });
    const { port, other_port } = JSON.parse(line);
    return new LocalApi(child, port, other_port);
  }

  private constructor(
    private readonly _child: ChildProcess,
    readonly port: number,
    readonly otherPort: number
  ) {}

  get origin(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  get baseUrl(): string {
    return `${this.origin}/api`;
  }

  /** The base URL of today's API (v1) on this server. */
  get v1BaseUrl(): string {
    return `${this.origin}/api/v1`;
  }

  async reset(): Promise<void> {
    await this._control('reset');
  }

  async inject(...faults: IFault[]): Promise<void> {
    await this._control('faults', { faults });
  }

  async requests(): Promise<IRecorded[]> {
    return (await fetch(`${this.origin}/_control/requests`)).json();
  }

  /** Recorded requests to the API itself, control calls left out. */
  async apiRequests(): Promise<IRecorded[]> {
    return (await this.requests()).filter(
      r => !r.path.startsWith('/_control/')
    );
  }

  /** Requests that carried the Jupyter token, the XSRF value or cookies, ever. */
  async violations(): Promise<unknown[]> {
    return (await fetch(`${this.origin}/_control/violations`)).json();
  }

  /** Random faults on a share of the API requests (`null` turns them off). */
  async chaos(
    config: { rate: number; kinds: string[]; seed?: number } | null
  ): Promise<void> {
    await this._control('chaos', config ?? {});
  }

  /** Record requests (for assertions) or not (for long runs). */
  /**
   * Drive the access tokens (`lifetime` in seconds, `expire_in`, `add`,
   * `revoke`); answers every refresh the API served so far.
   */
  async tokens(
    control: Record<string, unknown> = {}
  ): Promise<{ at: number; expires: number }[]> {
    const response = await fetch(`${this.origin}/_control/tokens`, {
      method: 'POST',
      body: JSON.stringify(control)
    });
    return (await response.json()).refreshes;
  }

  /** Set the credits balance (`{credits: {...}}`) or turn the billing route off (`{disabled: true}`). */
  async credits(control: Record<string, unknown>): Promise<void> {
    await this._control('credits', control);
  }

  async recording(enabled: boolean): Promise<void> {
    await this._control('record', { enabled });
  }

  async stop(): Promise<void> {
    if (this._child.exitCode === null) {
      const exited = new Promise(resolve => this._child.once('exit', resolve));
      this._child.kill();
      await exited;
    }
  }

  private async _control(name: string, body: unknown = {}): Promise<void> {
    const response = await fetch(`${this.origin}/_control/${name}`, {
      method: 'POST',
      body: JSON.stringify(body)
    });
    if (!response.ok) {
      throw new Error(`control ${name} failed: ${response.status}`);
    }
  }
}

/**
 * A local port on which nothing listens (bound, then released).
 */
export async function closedPort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise(resolve => server.close(resolve));
  return port;
}

/**
 * The local API of one spec file: started before its first test, reset
 * before each test, stopped after the last. Read `.api` in tests and hooks.
 */
export function useLocalApi(): { readonly api: LocalApi } {
  let api: LocalApi | null = null;
  beforeAll(async () => {
    api = await LocalApi.start();
  });
  afterAll(async () => {
    await api?.stop();
  });
  beforeEach(async () => {
    await api!.reset();
  });
  return {
    get api(): LocalApi {
      if (!api) {
        throw new Error('The local API starts before the first test.');
      }
      return api;
    }
  };
}

/**
 * A session on `baseUrl` with the local API's demo key, no environment, and
 * its waits between retries recorded in `sleeps` instead of taken.
 */
export function demoSession(
  baseUrl: string,
  sleeps: number[],
  options: IQbraidSessionOptions = {}
): QbraidSession {
  return new QbraidSession({
    baseUrl,
    env: {},
    apiKey: 'demo-api-key',
    sleep: async ms => {
      sleeps.push(ms);
    },
    ...options
  });
}
