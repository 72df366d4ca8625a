export interface AppserviceRegistrationOptions {
  asToken: string;
  hsToken: string;
  serverName: string;
  localpartPrefix: string;
  id?: string;
  senderLocalpart?: string;
}

const escapeRegex = (value: string) => value.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/**
 * The application-service registration the broker needs on Synapse. The user namespace must be
 * non-exclusive: Synapse's admin API refuses to create users inside an exclusive namespace
 * (`M_EXCLUSIVE`). `url: null` because the broker consumes no transactions, and `rate_limited:
 * false` so token refreshes of many users through one broker are not throttled.
 */
export function appserviceRegistration(options: AppserviceRegistrationOptions) {
  return {
    id: options.id ?? 'openmeet-broker',
    url: null,
    as_token: options.asToken,
    hs_token: options.hsToken,
    sender_localpart: options.senderLocalpart ?? 'openmeet-broker',
    rate_limited: false,
    namespaces: {
      users: [
        {
          exclusive: false,
          regex: `@${escapeRegex(options.localpartPrefix)}.*:${escapeRegex(options.serverName)}`,
        },
      ],
      aliases: [],
      rooms: [],
    },
  };
}
