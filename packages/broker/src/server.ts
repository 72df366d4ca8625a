import { buildApp } from './buildApp.js';
import { ConfigError, loadConfig } from './config/loadConfig.js';
import { EX_CONFIG } from './withCommandServices.js';

let config: ReturnType<typeof loadConfig>;
try {
  config = loadConfig(process.env);
} catch (err) {
  if (!(err instanceof ConfigError)) throw err;
  process.stderr.write(`${err.message}\n`);
  process.exit(EX_CONFIG);
}

const app = buildApp(config);
await app.listen({ host: config.host, port: config.port });

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    // In-flight requests finish; new connections are refused.
    void app.close().then(() => process.exit(0));
  });
}
