import { ContentsManager, ServerConnection } from '@jupyterlab/services';
import { ChildProcess, spawn } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { closedPort } from './localapi';

/**
 * Options of a test Jupyter server.
 */
export interface IJupyterServerOptions {
  /** Served under this path, as JupyterHub serves each user (default `/`). */
  baseUrl?: string;
  /** `ContentsManager.allow_hidden` (default true). */
  allowHidden?: boolean;
  /** Serve a folder inside the home instead of the home itself. */
  rootSubdir?: string;
  /** `c.QbraidProxy.allowed_origins` of the server half. */
  allowedOrigins?: string[];
}

/**
 * A real jupyter_server in a child process, with a temporary home directory
 * as its root (so `~/.qbraid/qbraidrc` is `.qbraid/qbraidrc` to the contents API).
 */
export class JupyterServer {
  static async start(
    options: IJupyterServerOptions = {}
  ): Promise<JupyterServer> {
    const home = fs.mkdtempSync(path.join(os.tmpdir(), 'qbraid-home-'));
    const port = await closedPort();
    const token = 'integration-test-token';
    const baseUrl = options.baseUrl ?? '/';
    const root = path.join(home, options.rootSubdir ?? '');
    fs.mkdirSync(root, { recursive: true });
    // The server half's trait, in the server's own config file.
    fs.mkdirSync(path.join(home, '.jupyter'));
    fs.writeFileSync(
      path.join(home, '.jupyter', 'jupyter_server_config.json'),
      JSON.stringify({
        QbraidProxy: { allowed_origins: options.allowedOrigins ?? [] }
      })
    );
    const args = [
      `--port=${port}`,
      '--ip=127.0.0.1',
      '--no-browser',
      '--allow-root',
      `--ServerApp.root_dir=${root}`,
      `--ServerApp.base_url=${baseUrl}`,
      `--IdentityProvider.token=${token}`,
      `--ContentsManager.allow_hidden=${options.allowHidden === false ? 'False' : 'True'}`
    ];
    const child = spawn('jupyter-server', args, {
      env: {
        ...process.env,
        HOME: home,
        JUPYTER_CONFIG_DIR: path.join(home, '.jupyter')
      },
      stdio: ['ignore', 'ignore', 'pipe']
    });
    let log = '';
    child.stderr!.on('data', chunk => (log += chunk));
    const server = new JupyterServer(
      child,
      home,
      `http://127.0.0.1:${port}${baseUrl}`,
      token
    );
    const deadline = Date.now() + 60000;
    for (;;) {
      try {
        const response = await fetch(`${server.url}api/status?token=${token}`);
        if (response.ok) {
          return server;
        }
      } catch {
        // not listening yet
      }
      if (child.exitCode !== null || Date.now() > deadline) {
        await server.stop();
        throw new Error(`jupyter-server did not start:\n${log}`);
      }
      await new Promise(resolve => setTimeout(resolve, 200));
    }
  }

  private constructor(
    private readonly _child: ChildProcess,
    readonly home: string,
    readonly url: string,
    readonly token: string
  ) {}

  /** Settings of a client of this server, as the lab's (token in a header). */
  settings(fetchImpl?: typeof fetch): ServerConnection.ISettings {
    return ServerConnection.makeSettings({
      baseUrl: this.url,
      token: this.token,
      ...(fetchImpl ? { fetch: fetchImpl } : {})
    });
  }

  /** A contents service talking to this server, as the lab's would (`fetch` to inject faults). */
  contents(fetchImpl?: typeof fetch): ContentsManager {
    return new ContentsManager({
      serverSettings: ServerConnection.makeSettings({
        baseUrl: this.url,
        token: this.token,
        appendToken: true,
        ...(fetchImpl ? { fetch: fetchImpl } : {})
      })
    });
  }

  /** Kill the server at once (SIGKILL), as a crash would. */
  async kill(): Promise<void> {
    if (this._child.exitCode === null && this._child.signalCode === null) {
      const exited = new Promise(resolve => this._child.once('exit', resolve));
      this._child.kill('SIGKILL');
      await exited;
    }
  }

  /** `~/.qbraid/qbraidrc` on disk. */
  get qbraidrc(): string {
    return path.join(this.home, '.qbraid', 'qbraidrc');
  }

  readQbraidrc(): string | null {
    return fs.existsSync(this.qbraidrc)
      ? fs.readFileSync(this.qbraidrc, 'utf8')
      : null;
  }

  /** Write the file as a terminal would (`qbraid configure`), outside the contents API. */
  writeQbraidrc(text: string): void {
    fs.mkdirSync(path.dirname(this.qbraidrc), { recursive: true });
    fs.writeFileSync(this.qbraidrc, text, 'utf8');
  }

  async stop(): Promise<void> {
    if (this._child.exitCode === null && this._child.signalCode === null) {
      const exited = new Promise(resolve => this._child.once('exit', resolve));
      this._child.kill();
      await exited;
    }
    fs.rmSync(this.home, { recursive: true, force: true });
  }
}
