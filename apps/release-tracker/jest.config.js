import { jestConfig } from '../../jest.preset.js';

const base = jestConfig(import.meta.dirname);
const shared = {
  ...base,
  moduleNameMapper: { '^@/(.*)$': '<rootDir>/$1' },
};

export default {
  projects: [
    { ...shared, displayName: 'unit', testMatch: ['<rootDir>/test/unit/**/*.test.ts'] },
    // The browser flows build and start the app once, so they get a generous timeout.
    { ...shared, displayName: 'e2e', testMatch: ['<rootDir>/test/e2e/**/*.test.ts'], testTimeout: 300_000 },
  ],
};
