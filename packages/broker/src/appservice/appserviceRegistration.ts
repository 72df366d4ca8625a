export interface AppserviceRegistrationOptions {
  asToken: string;
  hsToken: string;
  serverName: string;
  localpartPrefix: string;
  /** Room aliases the broker creates start with `#<aliasPrefix>-`. Default `om`. */
  aliasPrefix?: string;
  id?: string;
  senderLocalpart?: string;
}

const escapeRegex = (value: string) => value.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/**
 * The application-service registration the broker needs on Synapse. The user namespace must be
 * non-exclusive: Synapse's admin API refuses to create users inside an exclusive namespace
 * (`M_EXCLUSIVE`). `url: null` because the broker consumes no transactions, and `rate_limited:
 * false` so token refreshes of many users through one broker are not throttled.
 *
 * The alias namespace is exclusive: Synapse lets an appservice create only aliases inside its
 * namespace, and exclusivity stops anyone else from squatting an entity's alias (the broker
 * resolves aliases to find rooms, so a squatted alias would point it at a stranger's room).
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
      aliases: [
        {
          exclusive: true,
          regex: `#${escapeRegex(options.aliasPrefix ?? 'om')}-.*:${escapeRegex(options.serverName)}`,
        },
      ],
      rooms: [],
    },
  };
}
