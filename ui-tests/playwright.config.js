/**
 * Galata/Playwright configuration: Debian's Chromium (Playwright cannot
 * download browsers here), no video or trace (no ffmpeg), and two servers:
 * JupyterLab with the extension, and the local qBraid-compatible API.
 */
const baseConfig = require('@jupyterlab/galata/lib/playwright-config');

const API_PORT = 8766;

module.exports = {
  ...baseConfig,
  testDir: './tests',
  outputDir: './test-results',
  reporter: [['list'], ['json', { outputFile: './test-results/results.json' }]],
  retries: 0,
  workers: 1,
  use: {
    ...baseConfig.use,
    baseURL: 'http://localhost:8888',
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
      command: 'jupyter lab --config jupyter_server_test_config.py',
      url: 'http://localhost:8888/lab',
      // The server's log drowns the test report; a start failure still shows as a timeout.
      stderr: 'ignore',
      timeout: 120 * 1000,
      reuseExistingServer: !process.env.CI
    },
    {
      command:
        `python3 ../local_api/qbraid_local_api.py --port ${API_PORT} --other-port ${API_PORT + 1} ` +
        '--allow-origin http://localhost:8888 --allow-origin http://127.0.0.1:8888',
      url: `http://127.0.0.1:${API_PORT}/_control/health`,
      timeout: 30 * 1000,
      reuseExistingServer: !process.env.CI
    }
  ]
};
