/**
 * The JupyterHub suite: a real JupyterHub (configurable-http-proxy, local
 * processes for the users' servers, auth_state encrypted with a key made
 * here) with `hub/jupyterhub_config.py`, and the local qBraid-compatible API
 * (which refuses CORS: the lab reaches it through the user's server).
 */
const crypto = require('crypto');
const fs = require('fs');
const os = require('os');
const path = require('path');

const API_PORT = 8780;
const HUB_PORT = 8782;
process.env.QBRAID_HUB_DIR ??= fs.mkdtempSync(
  path.join(os.tmpdir(), 'qbraid-hub-')
);
process.env.QBRAID_HUB_ADMIN_TOKEN ??= crypto.randomBytes(24).toString('hex');
process.env.QBRAID_HUB_API = `http://127.0.0.1:${API_PORT}`;
process.env.QBRAID_HUB_URL = `http://127.0.0.1:${HUB_PORT}`;

module.exports = {
  testDir: './tests-hub',
  outputDir: './test-results/output-hub',
  reporter: [
    ['list'],
    ['json', { outputFile: './test-results/results-jupyterhub.json' }]
  ],
  timeout: 120 * 1000,
  retries: 0,
  workers: 1,
  use: {
    baseURL: process.env.QBRAID_HUB_URL,
    browserName: 'chromium',
    launchOptions: {
      executablePath: process.env.CHROMIUM_PATH || '/usr/bin/chromium',
      args: ['--no-sandbox', '--disable-gpu', '--no-first-run']
    },
    video: 'off',
    trace: 'off'
  },
  webServer: [
    {
      command: `python3 ../local_api/qbraid_local_api.py --port ${API_PORT} --other-port ${API_PORT + 1} --refuse-cors`,
      url: `${process.env.QBRAID_HUB_API}/_control/health`,
      timeout: 30 * 1000,
      reuseExistingServer: false
    },
    {
      command: 'jupyterhub -f hub/jupyterhub_config.py',
      url: `${process.env.QBRAID_HUB_URL}/hub/api`,
      env: {
        ...process.env,
        JUPYTERHUB_CRYPT_KEY: crypto.randomBytes(32).toString('hex'),
        QBRAID_HUB_PORT: String(HUB_PORT),
        QBRAID_CHP: path.resolve(
          __dirname,
          '..',
          'node_modules',
          '.bin',
          'configurable-http-proxy'
        )
      },
      stderr: 'ignore',
      // SIGTERM lets the hub stop the users' servers (started in their own
      // sessions, outside the group a kill would reach) and its proxy.
      gracefulShutdown: { signal: 'SIGTERM', timeout: 60 * 1000 },
      timeout: 120 * 1000,
      reuseExistingServer: false
    }
  ]
};
