// @ts-check
import { builtinModules } from 'node:module';
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

const outsideWorld = {
  paths: [
    {
      name: 'vscode',
      message: 'core/, protocol/ and webview/ stay pure: convert in adapters/vscode or a feature.',
    },
    {
      name: '@kubernetes/client-node',
      message: 'Only src/adapters/k8s talks to the Kubernetes API.',
    },
  ],
  patterns: [
    {
      group: ['**/adapters/**', '**/features/**'],
      message: 'Pure code must not depend on adapters or features.',
    },
  ],
};

/** src/core is also free of Node: it runs in the extension host, the CLI and the worker alike. */
const noNode = 'src/core is pure: files, processes and the network go through src/adapters.';
const pureCore = {
  // Bare builtin names are exact paths, not patterns: a pattern "cluster" would match "./cluster".
  paths: [...outsideWorld.paths, ...builtinModules.map((name) => ({ name, message: noNode }))],
  patterns: [...outsideWorld.patterns, { group: ['node:*'], message: noNode }],
};

/**
 * The CLI drives the core headless: a feature is VS Code UI, a service is built for the editor
 * (most hold vscode objects), adapters/vscode talks to VS Code. With the adapters rule below,
 * nothing the CLI imports can reach `vscode`, directly or through another module.
 */
const headlessCli = {
  patterns: [
    {
      group: ['**/features', '**/features/**', 'vscode', '**/adapters/vscode/**'],
      message: 'The CLI imports no feature (and no vscode): put shared logic in src/core or src/adapters.',
    },
    {
      group: ['**/services', '**/services/**'],
      message:
        'The CLI imports no service (services are built for the editor): put what both need in src/core or src/adapters.',
    },
  ],
};

/** Adapters other than adapters/vscode serve the CLI as well: no vscode, no editor code above them. */
const plainAdapters = {
  paths: [
    {
      name: 'vscode',
      message: 'Only src/adapters/vscode talks to VS Code: the CLI uses the other adapters.',
    },
  ],
  patterns: [
    {
      regex: '(^\\.\\./vscode|/adapters/vscode)(/|$)',
      message: 'Only src/adapters/vscode talks to VS Code: the CLI uses the other adapters.',
    },
    {
      group: ['**/features/**', '**/services/**', '**/cli/**'],
      message: 'Adapters sit below features, services and the CLI, never above them.',
    },
  ],
};

/**
 * A feature imports src/services, src/core, src/adapters, src/protocol, src/constants and its own
 * folder; never another feature (what two features share moves to src/services).
 */
const featureBoundary = {
  patterns: [
    {
      regex: '^\\.\\./(?!\\.\\./)',
      message: 'A feature imports no other feature: move what two features share to src/services.',
    },
    {
      regex: '^\\.\\./\\.\\./(?!(services|core|adapters|protocol|constants)(/|$))',
      message:
        'A feature imports src/services, src/core, src/adapters, src/protocol, src/constants and its own folder only.',
    },
  ],
};

/** Services are built before any feature (src/extension.ts) and handed to all of them. */
const serviceBoundary = {
  patterns: [
    {
      group: ['**/features', '**/features/**', '**/cli', '**/cli/**'],
      message:
        'Shared services import no feature and no CLI code: they are built before any feature registers.',
    },
  ],
};

export default tseslint.config(
  {
    ignores: [
      'dist/**',
      'out/**',
      'node_modules/**',
      'test-results/**',
      'bench-results/**',
      'tools/**',
      '.shipshape/**',
      'test/fixtures/**',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      '@typescript-eslint/no-floating-promises': [
        'error',
        {
          allowForKnownSafeCalls: [
            {
              from: 'package',
              package: 'node:test',
              name: ['test', 'describe', 'it', 'suite', 'before', 'after'],
            },
          ],
        },
      ],
      '@typescript-eslint/no-misused-promises': 'error',
      '@typescript-eslint/consistent-type-imports': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      eqeqeq: ['error', 'always'],
      'no-restricted-syntax': [
        'error',
        { selector: 'ExportDefaultDeclaration', message: 'Use named exports.' },
        {
          selector: "AssignmentExpression[left.property.name='innerHTML']",
          message: 'Never assign innerHTML: build DOM nodes and set textContent.',
        },
      ],
    },
  },
  {
    files: ['src/core/**', 'src/protocol/**', 'src/webview/**'],
    rules: { 'no-restricted-imports': ['error', outsideWorld] },
  },
  {
    files: ['src/core/**'],
    rules: { 'no-restricted-imports': ['error', pureCore] },
  },
  {
    files: ['src/cli/**'],
    rules: { 'no-restricted-imports': ['error', headlessCli] },
  },
  {
    files: ['src/adapters/**'],
    ignores: ['src/adapters/vscode/**'],
    rules: { 'no-restricted-imports': ['error', plainAdapters] },
  },
  {
    files: ['src/features/**'],
    rules: { 'no-restricted-imports': ['error', featureBoundary] },
  },
  {
    files: ['src/services/**'],
    rules: { 'no-restricted-imports': ['error', serviceBoundary] },
  },
  {
    // The simulator stands in for the cluster the product is tested against: it talks to the API
    // server through its own client (scenarios/client.ts), so a bug in the product's cannot hide.
    files: ['scenarios/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: [
                '**/src/adapters',
                '**/src/adapters/**',
                '**/src/features',
                '**/src/features/**',
                '**/src/services',
                '**/src/services/**',
              ],
              message: "scenarios/ must not share the product's cluster code: use scenarios/client.ts.",
            },
          ],
        },
      ],
    },
  },
  {
    files: ['src/webview/**'],
    languageOptions: { globals: { window: 'readonly', document: 'readonly', acquireVsCodeApi: 'readonly' } },
  },
  {
    files: ['**/*.mjs', '**/*.js'],
    ...tseslint.configs.disableTypeChecked,
    rules: { ...tseslint.configs.disableTypeChecked.rules, 'no-restricted-syntax': 'off' },
    languageOptions: {
      ...tseslint.configs.disableTypeChecked.languageOptions,
      globals: {
        process: 'readonly',
        console: 'readonly',
        setTimeout: 'readonly',
        clearTimeout: 'readonly',
        setInterval: 'readonly',
        clearInterval: 'readonly',
        URL: 'readonly',
        Buffer: 'readonly',
        fetch: 'readonly',
        AbortController: 'readonly',
        AbortSignal: 'readonly',
      },
    },
  },
);
