/**
 * `relaxed` raises every `rc_*` limit so functional tests never meet a 429; `default` leaves
 * Synapse's own limits in place for tests that prove 429 handling.
 */
export type RateLimitProfile = 'relaxed' | 'default';

const generous = { per_second: 10_000, burst_count: 100_000 };

export function rateLimitConfig(profile: RateLimitProfile): Record<string, unknown> {
  if (profile === 'default') return {};
  return {
    rc_message: generous,
    rc_registration: generous,
    rc_registration_token_validity: generous,
    rc_login: { address: generous, account: generous, failed_attempts: generous },
    rc_admin_redaction: generous,
    rc_joins: { local: generous, remote: generous },
    rc_joins_per_room: generous,
    rc_3pid_validation: generous,
    rc_invites: { per_room: generous, per_user: generous, per_issuer: generous },
    rc_third_party_invite: generous,
    rc_media_create: generous,
    rc_federation: {
      window_size: 1000,
      sleep_limit: 10_000,
      sleep_delay: 0,
      reject_limit: 10_000,
      concurrent: 1000,
    },
    rc_presence: { per_user: generous },
    rc_delayed_event_mgmt: generous,
    rc_reports: generous,
    rc_room_creation: generous,
    rc_send_email: generous,
    rc_user_directory: generous,
  };
}
