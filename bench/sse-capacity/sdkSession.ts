/** What the baseline's matrix-js-sdk clients need per user, from a real login. */
export interface SdkSession {
  userId: string;
  deviceId: string;
  accessToken: string;
}

/** 30 timeline events in the first sync, members loaded lazily, as the broker's loops sync. */
export const SDK_START_OPTIONS = { initialSyncLimit: 30, lazyLoadMembers: true } as const;

/**
 * The broker's sync filter (`SYNC_FILTER` in packages/broker/src/sse/UserSync.ts), so both sides
 * ask Synapse for the same thing: without it matrix-js-sdk's later syncs get Synapse's default of
 * 10 timeline events and skip more messages under load than the broker does.
 */
export const SYNC_FILTER_DEFINITION = {
  presence: { not_types: ['*'] },
  room: {
    timeline: { limit: 30, lazy_load_members: true },
    state: { lazy_load_members: true },
    ephemeral: { types: ['m.typing', 'm.receipt'] },
  },
};

/** Each bench user's display name, the same at setup and at every sign-in. */
export const benchDisplayName = (hostUserId: string) => `Bench ${hostUserId}`;
