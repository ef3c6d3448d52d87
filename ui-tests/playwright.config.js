/**
 * Galata/Playwright configuration: Debian's Chromium (Playwright cannot
 * download browsers here), no video or trace (no ffmpeg), and two servers:
 * JupyterLab with the extension, and the local qBraid-compatible API.
 *
 * QBRAID_LAB_BASE_URL=/user/test/ serves the lab the way JupyterHub serves a
 * user's server; the lab's root is a temporary home directory either way, so
 * ~/.qbraid/qbraidrc is inside it.
 */
const fs = require('fs');
const os = require('os');
const path = require('path');
const baseConfig = require('@jupyterlab/galata/lib/playwright-config');

const API_PORT = 8766;
const DIRECT_API_PORT = 8768;
const LAB_PORT = 8888;
// The JupyterLite site of `make lite-site`, and an API that answers CORS for it.
const LITE_PORT = 8770;
const LITE_API_PORT = 8772;
const BASE_PATH = process.env.QBRAID_LAB_BASE_URL || '/';
// Workers inherit the environment: one home for the whole run.
process.env.QBRAID_GALATA_HOME ??= fs.mkdtempSync(
  path.join(os.tmpdir(), 'qbraid-galata-home-')
);
const HOME = process.env.QBRAID_GALATA_HOME;
// The lab serves a folder inside the home, as `jupyter lab` started in a project does.
const ROOT = path.join(HOME, 'work');
fs.mkdirSync(ROOT, { recursive: true });
const LAB_URL = `http://localhost:${LAB_PORT}${BASE_PATH.replace(/\/$/, '')}`;
const REPORT = BASE_PATH === '/' ? 'results.json' : 'results-hub.json';

module.exports = {
  ...baseConfig,
  testDir: './tests',
  outputDir: './test-results/output',
  reporter: [['list'], ['json', { outputFile: `./test-results/${REPORT}` }]],
  retries: 0,
  workers: 1,
  use: {
    ...baseConfig.use,
    baseURL: LAB_URL,
    browserName: 'chromium',
    launchOptions: {
      executablePath: process.env.CHROMIUM_PATH || '/usr/bin/chromium',
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync'
      ]
    },
    // The page is rewritten by a route (to hold a Jupyter token), so Chromium no
    // longer knows it came from loopback and asks before it calls the local API.
    permissions: ['local-network-access'],
    video: 'off',
    trace: 'off'
  },
  webServer: [
    {
      command: `jupyter lab --config jupyter_server_test_config.py --ServerApp.base_url=${BASE_PATH}`,
      url: `${LAB_URL}/lab`,
      env: { ...process.env, HOME, JUPYTERLAB_GALATA_ROOT_DIR: ROOT },
      // The server's log drowns the test report; a start failure still shows as a timeout.
      stderr: 'ignore',
      timeout: 120 * 1000,
      reuseExistingServer: false
    },
    {
      // As qBraid's APIs may: no CORS for any origin. The lab reaches it through the server.
      command: `python3 ../local_api/qbraid_local_api.py --port ${API_PORT} --other-port ${API_PORT + 1} --refuse-cors`,
      url: `http://127.0.0.1:${API_PORT}/_control/health`,
      timeout: 30 * 1000,
      reuseExistingServer: false
    },
    {
      // An API that answers CORS for the lab: for the direct connection.
      command:
        `python3 ../local_api/qbraid_local_api.py --port ${DIRECT_API_PORT} --other-port ${DIRECT_API_PORT + 1} ` +
        `--allow-origin http://localhost:${LAB_PORT} --allow-origin http://127.0.0.1:${LAB_PORT}`,
      url: `http://127.0.0.1:${DIRECT_API_PORT}/_control/health`,
      timeout: 30 * 1000,
      reuseExistingServer: false
    },
    {
      // A static site, as JupyterLite is deployed: no Jupyter server behind it.
      command: `python3 -m http.server ${LITE_PORT} --bind 127.0.0.1 --directory ../lite/_output`,
      url: `http://127.0.0.1:${LITE_PORT}/lab/index.html`,
      stdout: 'ignore',
      stderr: 'ignore',
      timeout: 30 * 1000,
      reuseExistingServer: false
    },
    {
      command:
        `python3 ../local_api/qbraid_local_api.py --port ${LITE_API_PORT} --other-port ${LITE_API_PORT + 1} ` +
        `--allow-origin http://127.0.0.1:${LITE_PORT}`,
      url: `http://127.0.0.1:${LITE_API_PORT}/_control/health`,
      timeout: 30 * 1000,
      reuseExistingServer: false
    }
  ]
};
