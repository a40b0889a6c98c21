import { jestConfig } from '../../jest.preset.js';

// testTimeout and passWithNoTests are global options in jest, so they stay out of the projects.
const { testTimeout, passWithNoTests, ...base } = jestConfig(import.meta.dirname);
const project = { ...base, moduleNameMapper: { '^@/(.*)$': '<rootDir>/$1' } };

export default {
  testTimeout,
  passWithNoTests,
  projects: [
    { ...project, displayName: 'unit', testMatch: ['<rootDir>/test/unit/**/*.test.ts'] },
    { ...project, displayName: 'e2e', testMatch: ['<rootDir>/test/e2e/**/*.test.ts'] },
  ],
};
