import { useRoomField } from '@openmeet/react-ui';
import { useOpenRoom } from '../useOpenRoom.js';
import { ChatRoomPage } from './ChatRoomPage.js';

export interface RoomPageProps {
  roomId: string;
  onRoom: (roomId: string | undefined) => void;
}

/** Any room the user has joined, as picked from the room list. */
export function RoomPage({ roomId, onRoom }: RoomPageProps) {
  const room = useOpenRoom(roomId, (client) => client.openRoom(roomId));
  const name = useRoomField(roomId, 'name') ?? 'Conversation';
  return <ChatRoomPage title={name} room={room} onRoom={onRoom} />;
}
