import { fileURLToPath } from 'node:url';
import { defineConfig, type Plugin, type UserConfig } from 'vite';

const engineSrc = fileURLToPath(new URL('../engine/src/', import.meta.url));

/**
 * The editor bundles the engine's pure core (schema, validation, handle rules) and nothing else. The package root
 * (`@boomerang/engine`) also re-exports the interpreter, whose message ids hash with `node:crypto`, and the runtime
 * clock, so the editor imports `@boomerang/engine/core/...` subpaths; this guard fails the build if a Node builtin or
 * anything from `engine/src/runtime` sneaks in anyway.
 */
function browserOnlyEngine(): Plugin {
  return {
    name: 'boomerang-browser-only-engine',
    enforce: 'pre',
    resolveId(source, importer) {
      if (source === '@boomerang/engine' || source.startsWith('@boomerang/engine/runtime')) {
        this.error(`${importer ?? '?'} imports "${source}"; the editor may import only @boomerang/engine/core/*`);
      }
      if (/^node:/.test(source)) this.error(`${importer ?? '?'} imports the Node builtin "${source}"`);
      return null;
    },
    load(id) {
      if (id.includes('/engine/src/runtime/')) this.error(`the editor bundle must not include ${id}`);
      return null;
    },
  };
}

export default defineConfig(({ command }) => {
  // a build is always for production: under jest NODE_ENV is "test", and Vite would bundle React's development build
  if (command === 'build') process.env.NODE_ENV = 'production';
  return config;
});

const config = {
  root: fileURLToPath(new URL('.', import.meta.url)),
  base: '/',
  plugins: [browserOnlyEngine()],
  resolve: {
    alias: [{ find: /^@boomerang\/engine\/(.*)$/, replacement: `${engineSrc}$1` }],
  },
  // React 19's automatic JSX runtime from Vite's own transformer (Oxc in Vite 8); no @vitejs/plugin-react needed
  oxc: { jsx: { runtime: 'automatic' } },
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    chunkSizeWarningLimit: 1500,
    rolldownOptions: {
      onwarn(warning, warn) {
        if (warning.code === 'MODULE_LEVEL_DIRECTIVE') return; // React Flow's "use client": meaningless in an SPA
        warn(warning);
      },
    },
  },
  server: {
    proxy: { '/api': 'http://localhost:3000', '/t': 'http://localhost:3000' },
  },
} satisfies UserConfig;
