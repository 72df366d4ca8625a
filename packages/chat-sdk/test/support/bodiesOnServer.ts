import { roomMessageBodies } from '@openmeet/testbed';
import type { ChatBed } from './chatBed.js';

/** What Synapse holds: the message bodies in the room, oldest first, as the admin sees them. */
export const bodiesOnServer = (bed: ChatBed, roomId: string): Promise<string[]> =>
  roomMessageBodies(bed.testbed, roomId);
