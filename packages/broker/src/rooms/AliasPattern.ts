import { BrokerError } from '../errors.js';
import { encodeLocalpart } from '../provisioning/matrixUserId.js';
import type { EntityKind } from './RoomEntity.js';

export interface AliasPatternOptions {
  /** The alias localpart: `{prefix}`, `{kind}` and `{slug}` are replaced. Default `{prefix}-{kind}-{slug}`. */
  pattern?: string;
  /** Must match the registration's alias namespace (`#<prefix>-.*`). Default `om`. */
  prefix?: string;
  serverName: string;
}

const MAX_ALIAS_LENGTH = 255;
const PREFIX = /^[a-z0-9._=-]+$/;

/**
 * Deterministic room aliases for host entities: `#om-group-<slug>:<server>` by default. Slugs are
 * encoded like user localparts (injective, so two slugs never share an alias). The pattern must
 * start with `{prefix}-`, keeping every alias inside the appservice's exclusive namespace, and
 * contain `{kind}` so a group and an event with the same slug never collide.
 */
export class AliasPattern {
  private readonly pattern: string;
  private readonly prefix: string;

  constructor(private readonly options: AliasPatternOptions) {
    this.pattern = options.pattern ?? '{prefix}-{kind}-{slug}';
    this.prefix = options.prefix ?? 'om';
    if (!PREFIX.test(this.prefix)) throw new TypeError('alias prefix: lowercase letters, digits and . _ = -');
    if (!this.pattern.startsWith('{prefix}-')) throw new TypeError('alias pattern must start with {prefix}-');
    if (/[\s:#]/.test(this.pattern)) throw new TypeError('alias pattern must not contain spaces, : or #');
    for (const part of ['{kind}', '{slug}']) {
      if (this.pattern.split(part).length !== 2) throw new TypeError(`alias pattern needs ${part} once`);
    }
  }

  aliasFor(kind: EntityKind, slug: string): string {
    if (slug.length === 0) throw new BrokerError('OM_BAD_REQUEST', { message: 'The slug is empty' });
    let encoded: string;
    try {
      encoded = encodeLocalpart(slug);
    } catch (cause) {
      throw new BrokerError('OM_BAD_REQUEST', { message: 'The slug is not valid Unicode', cause });
    }
    const localpart = this.pattern
      .replace('{prefix}', this.prefix)
      .replace('{kind}', kind)
      .replace('{slug}', () => encoded);
    const alias = `#${localpart}:${this.options.serverName}`;
    if (alias.length > MAX_ALIAS_LENGTH) {
      throw new BrokerError('OM_BAD_REQUEST', { message: 'The slug is too long for a room alias' });
    }
    return alias;
  }

  /** Whether an alias lies in the broker's namespace: only those are ever moved or removed. */
  owns(alias: string): boolean {
    return alias.startsWith(`#${this.prefix}-`) && alias.endsWith(`:${this.options.serverName}`);
  }
}

/** The localpart of `#localpart:server`, as `createRoom`'s `room_alias_name` wants it. */
export function aliasLocalpart(alias: string): string {
  return alias.slice(1, alias.indexOf(':'));
}
