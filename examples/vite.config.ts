import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

export default defineConfig({
  plugins: [react()],
  // `dist/server` holds the compiled Node helpers (static server, host webhooks) beside the app.
  build: { outDir: 'dist/app', emptyOutDir: true },
  server: { host: '127.0.0.1', port: 5173, strictPort: false },
  preview: { host: '127.0.0.1' },
});
