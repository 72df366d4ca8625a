import { BrokerError } from '../errors.js';

/** Whether Synapse answered with this status (and errcode, when given). */
export function isUpstream(error: unknown, status: number, errcode?: string): error is BrokerError {
  return (
    error instanceof BrokerError &&
    error.upstream?.status === status &&
    (errcode === undefined || error.upstream.errcode === errcode)
  );
}

/** An alias that already exists: `M_ROOM_IN_USE`, or a bare 409 when two creations race. */
export function isAliasTaken(error: unknown): boolean {
  return isUpstream(error, 400, 'M_ROOM_IN_USE') || isUpstream(error, 409);
}

/** The acting user cannot see the room: not (or no longer) in it, or the room is gone. */
export function isRoomInvisible(error: unknown): boolean {
  return isUpstream(error, 403) || isUpstream(error, 404);
}
