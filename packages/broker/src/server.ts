import { buildApp } from './buildApp.js';

const app = buildApp({ logLevel: 'info' });
const port = Number(process.env.PORT ?? 8787);
await app.listen({ host: process.env.HOST ?? '127.0.0.1', port });

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    void app.close().then(() => process.exit(0));
  });
}
