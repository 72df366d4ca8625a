export {
  type AppserviceRegistrationOptions,
  appserviceRegistration,
} from './appservice/appserviceRegistration.js';
export { type BuildAppOptions, buildApp } from './buildApp.js';
export { type BrokerConfig, ConfigError, loadConfig, type Secret } from './config/loadConfig.js';
export { BrokerError, type BrokerErrorCode, errorTable, isBrokerError } from './errors.js';
export type { HostIdentity, HostKeySource, IdentityConfig } from './identity/index.js';
export { SIGNATURE_HEADER, signWebhook, TIMESTAMP_HEADER } from './membership/WebhookVerifier.js';
export { encodeLocalpart, matrixUserIdFor } from './provisioning/matrixUserId.js';
export { BROKER_DEVICE_PREFIX, type MatrixSession } from './session/SessionIssuer.js';
export { type CipherKey, TokenCipher } from './session/TokenCipher.js';
export { createStore, MemoryStore, RedisStore, type Store, type StoreConfig } from './store/index.js';
