export { DEMO_EVENT, DEMO_GROUP, DEMO_NOTICE, DEMO_USERS, demoDisplayName, seedDemo } from './demoData.js';
export {
  HostBackend,
  type HostBackendOptions,
  type HostEntity,
  type WebhookResult,
} from './hostBackend.js';
export {
  type ExampleRuntimeConfig,
  type ExampleServer,
  exampleAppDir,
  INLINE_CONFIG_ID,
  type ServeExampleOptions,
  serveExample,
  withInlineConfig,
} from './serveExample.js';
