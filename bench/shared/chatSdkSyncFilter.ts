/**
 * The filter chat-sdk's direct transport sends with every `/sync` (`SyncLoop.filter()` in
 * packages/chat-sdk/src/sync/SyncLoop.ts, default `initialHistory` of 30), inline as JSON: the raw
 * baselines ask Synapse for exactly what the SDK asks for.
 */
export const CHAT_SDK_SYNC_FILTER = JSON.stringify({
  room: {
    timeline: { limit: 30, lazy_load_members: true },
    state: { lazy_load_members: true },
    ephemeral: { types: ['m.typing', 'm.receipt'] },
  },
  presence: { types: [] },
});
