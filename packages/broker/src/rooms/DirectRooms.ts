import { BrokerError } from '../errors.js';
import { type Store, withLock } from '../store/index.js';
import type { SynapseClient } from '../synapse/SynapseClient.js';
import { ROOM_VERSION } from './entityPowerLevels.js';
import { ROOM_MARKER_TYPE, type RoomMarker } from './RoomEntity.js';
import { SingleFlight } from './SingleFlight.js';
import { isRoomInvisible } from './upstreamError.js';

export interface DirectRoomsOptions {
  synapse: SynapseClient;
  store: Store;
  /** Host user id → Matrix user id (the Provisioner's `userIdFor`). */
  userIdFor: (hostUserId: string) => string;
  lockWaitMs?: number;
}

export interface DirectRoom {
  roomId: string;
  outcome: 'created' | 'unchanged';
}

type DirectMap = Record<string, unknown>;

const LOCK_TTL_MS = 60_000;
const DM_MARKER: RoomMarker = { kind: 'dm' };
/** Matrix ids contain no spaces, so the sorted pair joined by one is unambiguous. */
const pairKey = (a: string, b: string) => `dm:${[a, b].sort().join(' ')}`;

/**
 * One DM room per unordered pair of host users. The room is created by the first user (acting
 * through the appservice) with the second invited and joined, exactly as a Matrix client would
 * make a DM: two members, both at power 100, no service user in the conversation. Both users'
 * `m.direct` account data lists it. Both users must already be provisioned (OM_USER_NOT_FOUND).
 */
export class DirectRooms {
  private readonly flights = new SingleFlight<DirectRoom>();

  constructor(private readonly options: DirectRoomsOptions) {}

  async ensure(hostUserId: string, otherHostUserId: string): Promise<DirectRoom> {
    const a = this.options.userIdFor(hostUserId);
    const b = this.options.userIdFor(otherHostUserId);
    if (a === b) throw new BrokerError('OM_BAD_REQUEST', { message: 'A DM needs two different users' });
    const key = pairKey(a, b);
    const known = await this.options.store.get(key);
    if (known !== undefined) return { roomId: known, outcome: 'unchanged' };
    return this.flights.run(key, () =>
      withLock(this.options.store, `lock:${key}`, LOCK_TTL_MS, () => this.getOrCreate(key, a, b), {
        waitMs: this.options.lockWaitMs ?? 30_000,
      }),
    );
  }

  private async getOrCreate(key: string, a: string, b: string): Promise<DirectRoom> {
    const { store, synapse } = this.options;
    const known = await store.get(key);
    if (known !== undefined) return { roomId: known, outcome: 'unchanged' };
    await Promise.all([this.checkUser(a), this.checkUser(b)]);
    // The store may have lost the pair: the creator's m.direct still knows the room.
    let roomId = (await this.findExisting(a, b)) ?? (await this.findExisting(b, a));
    const outcome = roomId === undefined ? 'created' : 'unchanged';
    roomId ??= await synapse.createRoom(
      {
        preset: 'trusted_private_chat',
        is_direct: true,
        invite: [b],
        room_version: ROOM_VERSION,
        initial_state: [
          { type: ROOM_MARKER_TYPE, state_key: '', content: DM_MARKER },
          { type: 'm.room.history_visibility', state_key: '', content: { history_visibility: 'shared' } },
          { type: 'm.room.guest_access', state_key: '', content: { guest_access: 'forbidden' } },
        ],
      },
      { actAs: a },
    );
    // Each step is idempotent, so an interrupted creation is completed by the next call.
    await this.addDirect(a, b, roomId);
    await this.join(roomId, a, b);
    await this.addDirect(b, a, roomId);
    await store.set(key, roomId);
    return { roomId, outcome };
  }

  /** Only provisioned, active users get a DM (the appservice cannot act as anyone else). */
  private async checkUser(userId: string): Promise<void> {
    const user = await this.options.synapse.getUser(userId);
    if (!user) throw new BrokerError('OM_USER_NOT_FOUND', { message: `${userId} is not provisioned` });
    if (user.deactivated) throw new BrokerError('OM_USER_DEACTIVATED');
  }

  /** A DM of ours that `user` lists for `other` in m.direct and is still in. */
  private async findExisting(user: string, other: string): Promise<string | undefined> {
    const direct = await this.options.synapse.getAccountData<DirectMap>(user, 'm.direct');
    const listed = direct?.[other];
    if (!Array.isArray(listed)) return undefined;
    for (const roomId of listed) {
      if (typeof roomId !== 'string') continue;
      try {
        const [marker, member] = await Promise.all([
          this.options.synapse.getState(roomId, ROOM_MARKER_TYPE, '', { actAs: user }),
          this.options.synapse.getState(roomId, 'm.room.member', user, { actAs: user }),
        ]);
        if (marker?.kind === 'dm' && member?.membership === 'join') return roomId;
      } catch (error) {
        if (!isRoomInvisible(error)) throw error;
      }
    }
    return undefined;
  }

  /** Makes sure `invitee` is joined (invited again by `inviter` if they had left). */
  private async join(roomId: string, inviter: string, invitee: string): Promise<void> {
    const { synapse } = this.options;
    const member = await synapse.getState(roomId, 'm.room.member', invitee, { actAs: inviter });
    if (member?.membership === 'join') return;
    if (member?.membership !== 'invite') await synapse.inviteUser(roomId, invitee, { actAs: inviter });
    await synapse.joinRoom(roomId, { actAs: invitee });
  }

  /**
   * Adds the room to `user`'s m.direct under `other`. A read-modify-write of the whole map,
   * serialised per user: two DMs of one user created at once must not overwrite each other.
   */
  private async addDirect(user: string, other: string, roomId: string): Promise<void> {
    const { synapse, store } = this.options;
    await withLock(
      store,
      `lock:m.direct:${user}`,
      LOCK_TTL_MS,
      async () => {
        const direct = (await synapse.getAccountData<DirectMap>(user, 'm.direct')) ?? {};
        const listed = direct[other];
        const rooms = Array.isArray(listed) ? listed : [];
        if (rooms.includes(roomId)) return;
        await synapse.putAccountData(user, 'm.direct', { ...direct, [other]: [...rooms, roomId] });
      },
      { waitMs: this.options.lockWaitMs ?? 30_000 },
    );
  }
}
