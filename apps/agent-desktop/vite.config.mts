import { fileURLToPath } from 'node:url';

import react from '@vitejs/plugin-react';
import { defineConfig } from 'vitest/config';

// The agent desktop SPA (docs/adr/0022-desktop-react-vite.md): built into dist/apps/agent-desktop/www, which the
// gateway's desktop module serves; `npx vite -c apps/agent-desktop/vite.config.mts` serves it with hot reload against
// a gateway on :3000. Vitest runs the state logic's specs from the same config.
const here = (path: string): string => fileURLToPath(new URL(path, import.meta.url));

export default defineConfig({
  root: here('./src/app'),
  publicDir: here('./src/app/public'),
  // Vite's and Vitest's caches with the repository's other tools, not in the source folder.
  cacheDir: here('../../node_modules/.vite/agent-desktop'),
  plugins: [react()],
  resolve: {
    // Types only: every import of it is `import type`, erased from the bundle.
    alias: { '@perch/desktop-api': here('../../libs/desktop-api/src/index.ts') },
  },
  build: {
    outDir: here('../../dist/apps/agent-desktop/www'),
    emptyOutDir: true,
    // The gateway serves /assets/<name>.<ext> only: one folder, plain names.
    assetsDir: 'assets',
    // One bundle (twitter-text's tables are most of it), loaded once per sign-in.
    chunkSizeWarningLimit: 800,
  },
  server: {
    proxy: {
      '/api': 'http://localhost:3000',
      '/ws': { target: 'ws://localhost:3000', ws: true },
    },
  },
  test: {
    include: ['**/*.spec.ts', '**/*.spec.tsx'],
    environment: 'node',
  },
});
