// ESLint for the whole repository: typed TypeScript rules, plus each package README's "May import" line as an
// import-boundary rule. Run with `npm run lint` (which also checks formatting and unused code).
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

const functionPackages = ['@hotpatch/upload-bundle', '@hotpatch/get-latest-bundle', '@hotpatch/publish-bundle'];
const noFunctions = functionPackages.map((name) => ({
  group: [name, `${name}/*`],
  message: 'a function package is imported by nothing but the local stack',
}));
const noLocalOrCli = [
  { group: ['@hotpatch/local', '@hotpatch/local/*'], message: 'the local stack is imported by tests only' },
  { group: ['@hotpatch/cli', '@hotpatch/cli/*'], message: 'the CLI is imported by nothing' },
];
const relativeOutOfPackage = {
  group: ['../../*'],
  message: 'reach another package by its name, never by a relative path',
};

/** Files a package may not import, from each package README's "May import" line. */
const boundaries = [
  {
    files: ['packages/core/src/**/*.ts'],
    patterns: [
      { group: ['node:*'], message: 'core is pure: no node:* modules (README: May import)' },
      { group: ['@hotpatch/*'], message: 'core imports nothing of hotpatch but its own files' },
      {
        group: ['ali-oss', '@alicloud/*', 'yauzl', 'yazl', 'commander', 'fast-xml-parser'],
        message: 'core is pure: no SDKs or I/O libraries',
      },
      relativeOutOfPackage,
    ],
    paths: ['fs', 'path', 'crypto', 'http', 'https', 'os', 'child_process', 'stream', 'zlib'].map((name) => ({
      name,
      message: 'core is pure: no node modules',
    })),
  },
  {
    files: ['packages/bsdiff/src/**/*.ts'],
    ignores: ['**/*.test.ts'],
    patterns: [
      { group: ['@hotpatch/*'], message: 'bsdiff imports nothing of hotpatch (README: May import)' },
      { group: ['node:*'], message: 'bsdiff does no I/O: bytes in, bytes out (tests excepted)' },
      relativeOutOfPackage,
    ],
  },
  {
    files: ['packages/common/src/**/*.ts'],
    patterns: [...noFunctions, ...noLocalOrCli, relativeOutOfPackage],
  },
  ...['uploadBundle', 'getLatestBundle', 'publishBundle'].map((dir) => ({
    files: [`packages/${dir}/src/**/*.ts`],
    patterns: [...noFunctions, ...noLocalOrCli, relativeOutOfPackage],
  })),
  {
    // The console runs in a browser: core (pure) is all it may bundle; its tests may also use common.
    files: ['packages/console/src/**/*.ts'],
    ignores: ['packages/console/src/**/*.test.ts'],
    patterns: [
      { group: ['node:*'], message: 'the console runs in a browser: no node:* modules (README: May import)' },
      { group: ['@hotpatch/*', '!@hotpatch/core'], message: 'the console bundles only @hotpatch/core' },
      relativeOutOfPackage,
    ],
  },
  {
    files: ['packages/cli/src/**/*.ts'],
    patterns: [...noFunctions, ...noLocalOrCli.slice(1), relativeOutOfPackage],
  },
];

export default tseslint.config(
  {
    ignores: [
      '**/dist/**',
      '**/node_modules/**',
      'artifacts/**',
      'packages/cli/bundle/**',
      'coverage/**',
      '.hotpatch/**',
      '**/*.d.ts',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' },
      ],
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports' }],
      '@typescript-eslint/switch-exhaustiveness-check': 'error',
      '@typescript-eslint/no-floating-promises': 'error',
      // Storage adapters and fakes are `async` without awaiting so that every failure, even a synchronous one,
      // reaches the caller as a rejection (the ObjectStore contract); this rule would flag exactly those.
      '@typescript-eslint/require-await': 'off',
      eqeqeq: ['error', 'always'],
    },
  },
  {
    // Tests read JSON answers (typed any) and pass methods to jest: the unsafe-any family, explicit any and
    // unbound-method would flag every assertion on a parsed body without catching a real bug there.
    files: ['**/*.test.ts', '**/src/testing/**/*.ts'],
    rules: {
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-call': 'off',
      '@typescript-eslint/no-unsafe-argument': 'off',
      '@typescript-eslint/no-unsafe-return': 'off',
      '@typescript-eslint/no-explicit-any': 'off',
      '@typescript-eslint/unbound-method': 'off',
    },
  },
  ...boundaries.map(({ files, ignores, patterns, paths }) => ({
    files,
    ...(ignores ? { ignores } : {}),
    rules: { 'no-restricted-imports': ['error', { patterns, paths: paths ?? [] }] },
  })),
  {
    // Plain JavaScript scripts (build, bench, config files) are checked without type information.
    files: ['**/*.js', '**/*.mjs', '**/*.cjs'],
    ...tseslint.configs.disableTypeChecked,
    languageOptions: {
      ...tseslint.configs.disableTypeChecked.languageOptions,
      sourceType: 'commonjs',
      globals: {
        require: 'readonly',
        module: 'writable',
        process: 'readonly',
        console: 'readonly',
        __dirname: 'readonly',
        Buffer: 'readonly',
        setTimeout: 'readonly',
        clearTimeout: 'readonly',
        setImmediate: 'readonly',
        fetch: 'readonly',
        setInterval: 'readonly',
        clearInterval: 'readonly',
        URL: 'readonly',
        performance: 'readonly',
      },
    },
    rules: { ...tseslint.configs.disableTypeChecked.rules, '@typescript-eslint/no-require-imports': 'off' },
  },
);
