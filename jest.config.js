/** One jest run covers every package; workspace imports resolve to TypeScript sources, so no build is needed. */
const packageDirs = {
  core: 'core',
  bsdiff: 'bsdiff',
  common: 'common',
  'upload-bundle': 'uploadBundle',
  'get-latest-bundle': 'getLatestBundle',
  'publish-bundle': 'publishBundle',
  local: 'local',
};

module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/packages', '<rootDir>/tests'],
  testMatch: ['**/src/**/*.test.ts', '<rootDir>/tests/**/*.test.ts'],
  transform: { '^.+\\.ts$': ['@swc/jest', { jsc: { target: 'es2022' } }] },
  moduleNameMapper: {
    '^@hotpatch/core/testing$': '<rootDir>/packages/core/src/testing/index.ts',
    '^@hotpatch/bsdiff/testing$': '<rootDir>/packages/bsdiff/src/testing/index.ts',
    '^@hotpatch/common/testing$': '<rootDir>/packages/common/src/testing/index.ts',
    '^@hotpatch/get-latest-bundle/routes$': '<rootDir>/packages/getLatestBundle/src/routes.ts',
    '^@hotpatch/publish-bundle/routes$': '<rootDir>/packages/publishBundle/src/routes.ts',
    '^@hotpatch/local/testing$': '<rootDir>/packages/local/src/testing/index.ts',
    '^@hotpatch/upload-bundle/testing$': '<rootDir>/packages/uploadBundle/src/testing/index.ts',
    ...Object.fromEntries(
      Object.entries(packageDirs).map(([name, dir]) => [
        `^@hotpatch/${name}$`,
        `<rootDir>/packages/${dir}/src/index.ts`,
      ]),
    ),
  },
  testTimeout: 30000,
};
