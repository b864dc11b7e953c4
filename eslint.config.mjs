// Lint rules, including the layer rule of STYLE.md: src/core is pure, src/infra never sees vscode.
import tseslint from 'typescript-eslint';

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
);
