// The fault matrix and the load run: minutes of real handler processes against the emulators, kept out of
// `npm test`. Run with `npm run test:faults` and `npm run test:load`.
const base = require('./jest.config');

/** @type {import('jest').Config} */
module.exports = {
  ...base,
  roots: ['<rootDir>/test/reliability'],
  testMatch: ['**/*.reliability.test.ts'],
  testPathIgnorePatterns: ['/node_modules/'],
  // Cells are independent worlds (their own emulators and simulator) that mostly wait on the services' transitions
  // and the SDK's backoff, not on the CPU: run CELLS of them at once.
  maxConcurrency: Number(process.env.CELLS ?? 24),
  testTimeout: 600000,
};
