const jestJupyterLab = require('@jupyterlab/testing/lib/jest-config');

// Project-level options only: reporters and timeouts are global in jest.
const {
  reporters,
  testTimeout,
  coverageReporters,
  coverageDirectory,
  ...base
} = jestJupyterLab(__dirname);

const esModules = [
  '@codemirror',
  '@jupyter/react-components',
  '@jupyter/web-components',
  '@jupyter/ydoc',
  '@microsoft',
  'exenv-es6',
  '@jupyterlab/',
  'lib0',
  'nanoid',
  'vscode-ws-jsonrpc',
  'y-protocols',
  'y-websocket',
  'yjs'
].join('|');

const shared = {
  ...base,
  automock: false,
  roots: ['<rootDir>/src'],
  transformIgnorePatterns: [`/node_modules/(?!${esModules}).+`]
};

module.exports = {
  collectCoverageFrom: [
    'src/**/*.{ts,tsx}',
    '!src/**/*.d.ts',
    '!src/__tests__/**'
  ],
  coverageReporters: ['text-summary', 'lcov'],
  coverageDirectory,
  testTimeout: 60000,
  projects: [
    {
      ...shared,
      displayName: 'unit',
      testRegex: 'src/__tests__/[^/]+\\.spec\\.tsx?$'
    },
    ...['integration', 'reliability', 'security'].map(name => ({
      ...shared,
      displayName: name,
      testEnvironment: 'node',
      setupFiles: [],
      testRegex: `src/__tests__/${name}/.*\\.spec\\.ts$`
    }))
  ]
};
