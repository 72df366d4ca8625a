import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.{ts,tsx}'],
    reporters: ['default', ['json', { outputFile: 'test-results/vitest.json' }]],
    // Guards, not targets: test files share two cores with Synapses, browsers and each other, so a
    // Synapse start or a round of requests may take far longer than on an idle machine.
    testTimeout: 30_000,
    hookTimeout: 180_000,
  },
});
