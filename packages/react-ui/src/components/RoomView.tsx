import { memo } from 'react';
import { useRoomField } from '../hooks/useRoom.js';
import { Composer } from './Composer.js';
import { ConnectionBanner } from './ConnectionBanner.js';
import { Timeline } from './Timeline.js';
import { TypingIndicator } from './TypingIndicator.js';

export interface RoomViewProps {
  roomId: string;
}

/**
 * A whole conversation: connection banner, timeline, who is typing, and the composer. Memoised: the
 * host page re-rendering (with the same `roomId`) does not re-render the conversation.
 */
export const RoomView = memo(function RoomView({ roomId }: RoomViewProps) {
  const name = useRoomField(roomId, 'name');
  return (
    <section className="om-room-view" aria-label={name}>
      <ConnectionBanner />
      {/* Keyed by room: scroll position, focus and the unread divider belong to one room. */}
      <Timeline key={`timeline:${roomId}`} roomId={roomId} />
      <TypingIndicator roomId={roomId} />
      <Composer key={`composer:${roomId}`} roomId={roomId} />
    </section>
  );
});
