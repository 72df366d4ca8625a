export { defaultCacheDir } from './cacheDir.js';
export { chromiumArgs, chromiumExecutablePath, chromiumLaunchOptions } from './chromium.js';
export { freePort } from './freePort.js';
export type { DatabaseConfig } from './homeserverConfig.js';
export { type InstallSynapseOptions, installSynapse, type SynapseInstall } from './installSynapse.js';
export { type MatrixResponse, matrixRequest } from './matrixRequest.js';
export { prepareTestbed } from './prepareTestbed.js';
export type { RateLimitProfile } from './rateLimits.js';
export { pingRedis, type RedisHandle, type RedisMode, redactUrl, resolveRedis } from './redis.js';
export { type RegisteredUser, registerWithSharedSecret } from './registerAdmin.js';
export { roomMessageBodies } from './roomMessageBodies.js';
export {
  type AppServiceRegistration,
  startTestbed,
  type Testbed,
  type TestbedOptions,
} from './startTestbed.js';
export { TcpProxy } from './TcpProxy.js';
export { TestbedError, type TestbedErrorCode } from './TestbedError.js';
