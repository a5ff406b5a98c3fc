/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  // The fault matrix and the load run take minutes: jest.reliability.config.js runs them.
  testPathIgnorePatterns: ['/node_modules/', '\\.reliability\\.test\\.ts$'],
  // Prefer .ts so jest never picks up jsii's compiled lib/*.js next to the sources.
  moduleFileExtensions: ['ts', 'js', 'json'],
  transform: {
    '^.+\\.ts$': ['ts-jest', { tsconfig: 'tsconfig.dev.json' }],
  },
  snapshotSerializers: ['<rootDir>/test/support/asset-hash-serializer.js'],
  setupFiles: ['<rootDir>/test/support/env.js'],
  testTimeout: 60000,
  // The lifecycle suites spend most of their time waiting on the emulated services' transitions and on the SDK's
  // backoff, not on the CPU: more workers than cores (jest's default on 2 cores is 1) keep the run short.
  maxWorkers: 2,
};
