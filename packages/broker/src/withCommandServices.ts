import { type BrokerConfig, ConfigError, loadConfig } from './config/loadConfig.js';
import { createServices, type Services } from './createServices.js';
import { createMetrics } from './metrics.js';

/** sysexits' EX_CONFIG: what every CLI command exits with on bad configuration. */
export const EX_CONFIG = 78;

/**
 * For one-shot CLI commands: validates the environment (printing every problem and answering
 * EX_CONFIG), builds the services, runs `work` and always closes them.
 */
export async function withCommandServices(
  env: Record<string, string | undefined>,
  err: { write(chunk: string): unknown },
  work: (services: Services, config: BrokerConfig) => Promise<number>,
): Promise<number> {
  let config: BrokerConfig;
  try {
    config = loadConfig(env);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    err.write(`${error.message}\n`);
    return EX_CONFIG;
  }
  const services = createServices(config, createMetrics());
  try {
    return await work(services, config);
  } finally {
    await services.close();
  }
}
