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
  type ServeExampleOptions,
  serveExample,
} from './serveExample.js';
