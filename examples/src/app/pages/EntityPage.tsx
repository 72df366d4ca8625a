import { useEntityRoom, useRoomField } from '@openmeet/react-ui';
import { ChatRoomPage } from './ChatRoomPage.js';

export interface EntityPageProps {
  kind: 'group' | 'event';
  slug: string;
  onRoom: (roomId: string | undefined) => void;
}

/**
 * The host app's page of a group or an event, with the entity's room below its details. An event's
 * room also shows the notices the host posts about it (time changes, cancellations).
 */
export function EntityPage({ kind, slug, onRoom }: EntityPageProps) {
  const room = useEntityRoom({ kind, slug });
  const name = useRoomField(room.roomId ?? '', 'name') ?? slug;
  const intro =
    kind === 'event' ? (
      <p className="page__intro">Event page: updates from the organisers appear as notices in the chat.</p>
    ) : (
      <p className="page__intro">Group page: everyone in the group talks here.</p>
    );
  return <ChatRoomPage title={name} intro={intro} room={room} onRoom={onRoom} />;
}
