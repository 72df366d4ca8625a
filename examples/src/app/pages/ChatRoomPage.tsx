import { ChatErrorNotice, type EntityRoomView, NotificationSettings, RoomView } from '@openmeet/react-ui';
import { type ReactNode, useEffect } from 'react';
import { useDocumentTitle } from '../useDocumentTitle.js';

export interface ChatRoomPageProps {
  /** The page's heading and title. */
  title: string;
  /** What the host app shows above the chat (event details and such). */
  intro?: ReactNode;
  room: EntityRoomView;
  /** Tells the layout which room is open, so the room list marks it. */
  onRoom: (roomId: string | undefined) => void;
}

/** A host page with a conversation: heading, the room, and its notification setting. */
export function ChatRoomPage({ title, intro, room, onRoom }: ChatRoomPageProps) {
  useDocumentTitle(title);
  const { roomId, status, error } = room;
  useEffect(() => {
    onRoom(roomId);
    return () => onRoom(undefined);
  }, [roomId, onRoom]);

  return (
    <div className="page page--room">
      <h1 className="page__title">{title}</h1>
      {intro}
      {status === 'loading' ? (
        <p className="page__status" role="status">
          Loading the conversation…
        </p>
      ) : status === 'error' || !roomId ? (
        <ChatErrorNotice error={error} />
      ) : (
        <>
          <div className="page__chat">
            <RoomView roomId={roomId} />
          </div>
          <details className="page__settings">
            <summary>Notification settings</summary>
            <NotificationSettings roomId={roomId} />
          </details>
        </>
      )}
    </div>
  );
}
