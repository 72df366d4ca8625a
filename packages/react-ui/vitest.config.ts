import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.{ts,tsx}'],
    // Widgets run in happy-dom; the SSR test opts into `node` to prove no DOM is needed.
    environment: 'happy-dom',
    setupFiles: ['test/setup.ts'],
    reporters: ['default', ['json', { outputFile: 'test-results/vitest.json' }]],
  },
});
