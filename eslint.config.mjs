// Lint rules, including the layer rule of STYLE.md: src/core is pure, src/infra never sees vscode,
// src/vscode does no file or process I/O of its own (it goes through ports to src/infra).
import tseslint from 'typescript-eslint';

/** File and process I/O: src/vscode reaches the disk and git only through the ports src/infra implements. */
const fileAndProcessIo = ['fs', 'fs/promises', 'child_process'];

const nodeIo = ['fs', 'net', 'http', 'https', 'child_process', 'os', 'path', 'dgram', 'tls', 'worker_threads'];

export default tseslint.config(
  { ignores: ['out/**', 'dist/**', 'node_modules/**', '.cache/**', '.vscode-test/**', '**/*.mjs'] },
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/consistent-type-imports': 'error',
      // `import x = require()` is how CommonJS-only modules (mocha, node:module) are typed.
      '@typescript-eslint/no-require-imports': ['error', { allowAsImport: true }],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_' }],
      'no-restricted-syntax': ['error', { selector: 'ExportDefaultDeclaration', message: 'No default exports (STYLE.md rule 15).' }],
    },
  },
  {
    files: ['src/core/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: ['vscode', '@kubernetes/client-node', 'simple-git', ...nodeIo, ...nodeIo.map((m) => `node:${m}`)],
          patterns: [{ group: ['**/infra/**', '**/vscode/**'], message: 'src/core may import only src/core.' }],
        },
      ],
    },
  },
  {
    files: ['src/infra/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', { paths: ['vscode'], patterns: [{ group: ['**/vscode/**'], message: 'src/infra never imports the vscode layer.' }] }],
    },
  },
  {
    files: ['src/vscode/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [...fileAndProcessIo, ...fileAndProcessIo.map((m) => `node:${m}`)].map((name) => ({
            name,
            message: 'src/vscode does no file or process I/O: use a port of src/core (git, repository files) implemented in src/infra.',
          })),
        },
      ],
    },
  },
);
