import { fileURLToPath } from 'node:url';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

const root = fileURLToPath(new URL('.', import.meta.url));

// The dev server forwards API calls and the OAuth redirect to a tracker on its default port, so
// cookies stay first-party for the page's origin.
const tracker = 'http://localhost:5555';

export default defineConfig({
  root,
  plugins: [react()],
  build: {
    outDir: '../dist/web',
    emptyOutDir: true,
  },
  server: {
    proxy: {
      '/api': tracker,
      '/auth': tracker,
    },
  },
});
