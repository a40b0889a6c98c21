// One jest setup for every package: TypeScript through swc, native ES modules, tests under test/.
export function jestConfig(rootDir) {
  return {
    rootDir,
    testEnvironment: 'node',
    testEnvironmentOptions: { customExportConditions: ['development', 'node', 'node-addons'] },
    extensionsToTreatAsEsm: ['.ts'],
    transform: {
      '^.+\\.ts$': [
        '@swc/jest',
        {
          jsc: { parser: { syntax: 'typescript' }, target: 'es2024' },
          module: { type: 'es6' },
        },
      ],
    },
    testMatch: ['<rootDir>/test/**/*.test.ts', '<rootDir>/src/**/*.test.ts'],
    testTimeout: 60_000,
    passWithNoTests: false,
  };
}
