import { matrixUserIdFor } from '../../src/provisioning/matrixUserId.js';
import { AliasPattern } from '../../src/rooms/AliasPattern.js';
import { DirectRooms } from '../../src/rooms/DirectRooms.js';
import { EntityRooms } from '../../src/rooms/EntityRooms.js';
import { EventNotices } from '../../src/rooms/EventNotices.js';
import { MemoryStore, type Store } from '../../src/store/index.js';
import { SynapseClient } from '../../src/synapse/SynapseClient.js';
import {
  type BrokerTestbed,
  type MatrixCalls,
  matrixCalls,
  startBrokerTestbed,
} from '../support/brokerTestbed.js';

export const SERVICE_USER = '@openmeet-broker:localhost';
export const SERVICE_DISPLAY_NAME = 'OpenMeet (test)';
export const userIdFor = (hostUserId: string) =>
  matrixUserIdFor(hostUserId, { prefix: 'om_', serverName: 'localhost' });

/** One broker instance's room services; several may share a store (as brokers share Redis). */
export interface RoomServices {
  synapse: SynapseClient;
  store: Store;
  rooms: EntityRooms;
  dms: DirectRooms;
  notices: EventNotices;
}

export interface RoomsBed extends MatrixCalls {
  bed: BrokerTestbed;
  hs: string;
  /** `onCall` sees every Synapse call this instance makes. */
  instance(store?: Store, onCall?: (endpoint: string) => void): RoomServices;
  /** Creates the Matrix user of a host user, as sign-in would. */
  provision(hostUserId: string): Promise<string>;
  stop(): Promise<void>;
}

export async function startRoomsBed(): Promise<RoomsBed> {
  const bed = await startBrokerTestbed();
  const hs = bed.testbed.homeserverUrl;
  const clients: SynapseClient[] = [];
  const instance = (store: Store = new MemoryStore(), onCall?: (endpoint: string) => void): RoomServices => {
    const synapse = new SynapseClient({
      homeserverUrl: hs,
      credentials: { adminToken: () => bed.testbed.adminToken, asToken: () => bed.asToken },
      ...(onCall ? { onCall } : {}),
    });
    clients.push(synapse);
    const rooms = new EntityRooms({
      synapse,
      store,
      aliases: new AliasPattern({ serverName: 'localhost' }),
      userIdFor,
      serviceDisplayName: SERVICE_DISPLAY_NAME,
    });
    return {
      synapse,
      store,
      rooms,
      dms: new DirectRooms({ synapse, store, userIdFor }),
      notices: new EventNotices({ synapse, store, rooms }),
    };
  };
  const provisioner = instance();
  return {
    bed,
    hs,
    instance,
    async provision(hostUserId) {
      const userId = userIdFor(hostUserId);
      await provisioner.synapse.putUser(userId, { displayname: hostUserId });
      return userId;
    },
    ...matrixCalls(bed),
    async stop() {
      await Promise.all(clients.map((client) => client.close()));
      await bed.stop();
    },
  };
}

export const enc = encodeURIComponent;
