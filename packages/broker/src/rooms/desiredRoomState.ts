import { createHash } from 'node:crypto';
import { BrokerError } from '../errors.js';
import type { AliasPattern } from './AliasPattern.js';
import type { RoomEntity } from './RoomEntity.js';

/** What an entity's room should look like, validated and normalised. */
export interface DesiredRoomState {
  alias: string;
  name: string;
  /** Empty when the entity has none. */
  topic: string;
  /** Empty when the entity has none. */
  avatarUrl: string;
  joinRule: 'public' | 'invite';
  archived: boolean;
}

const MAX_NAME = 255;
const MAX_TOPIC = 4096;
const MXC = /^mxc:\/\/[A-Za-z0-9.:-]+\/[A-Za-z0-9_-]+$/;

export function desiredRoomState(entity: RoomEntity, aliases: AliasPattern): DesiredRoomState {
  const bad = (message: string) => new BrokerError('OM_BAD_REQUEST', { message });
  if (entity.id.length === 0 || entity.id.length > 255)
    throw bad('The entity id must have 1 to 255 characters');
  const name = entity.name.trim();
  if (!name || name.length > MAX_NAME) throw bad(`The name must have 1 to ${MAX_NAME} characters`);
  const topic = entity.topic ?? '';
  if (topic.length > MAX_TOPIC) throw bad(`The topic may have at most ${MAX_TOPIC} characters`);
  const avatarUrl = entity.avatarUrl ?? '';
  if (avatarUrl && !MXC.test(avatarUrl)) throw bad('The avatar must be an mxc:// URI');
  return {
    alias: aliases.aliasFor(entity.kind, entity.slug),
    name,
    topic,
    avatarUrl,
    joinRule: entity.visibility === 'public' ? 'public' : 'invite',
    archived: entity.archived ?? false,
  };
}

/** A short digest of the desired state: equal digests mean nothing to apply. */
export function fingerprint(desired: DesiredRoomState): string {
  return createHash('sha256').update(JSON.stringify(desired)).digest('base64url').slice(0, 22);
}
