import { createClient } from 'matrix-js-sdk';

// Baseline: what the original design shipped, a full matrix-js-sdk client syncing in the browser.
const client = createClient({ baseUrl: 'https://matrix.example.org', accessToken: 'token' });
void client.startClient({ initialSyncLimit: 30, lazyLoadMembers: true });
