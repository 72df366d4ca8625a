import { ConnectionBanner } from '@openmeet/react-ui';
import { displayNameOf } from '../devSignIn.js';
import { useDocumentTitle } from '../useDocumentTitle.js';
import { routeHref } from '../useHashRoute.js';
import { useOpenRoom } from '../useOpenRoom.js';
import { ChatRoomPage } from './ChatRoomPage.js';

export interface DirectMessagesPageProps {
  /** The demo users other than the signed-in one. */
  others: readonly string[];
  /** The host user whose conversation is open, if any. */
  user: string | undefined;
  onRoom: (roomId: string | undefined) => void;
}

/** Pick someone, then talk to them: the DM is created on first use. */
export function DirectMessagesPage({ others, user, onRoom }: DirectMessagesPageProps) {
  if (user) return <DirectConversation user={user} onRoom={onRoom} />;
  return <PeoplePicker others={others} />;
}

function PeoplePicker({ others }: { others: readonly string[] }) {
  useDocumentTitle('Direct messages');
  return (
    <div className="page">
      <ConnectionBanner />
      <h1 className="page__title">Direct messages</h1>
      <p className="page__intro">Choose someone to talk to.</p>
      <ul className="people">
        {others.map((other) => (
          <li key={other}>
            <a className="om-button" href={routeHref({ page: 'dm', user: other })}>
              Message {displayNameOf(other)}
            </a>
          </li>
        ))}
      </ul>
    </div>
  );
}

function DirectConversation({
  user,
  onRoom,
}: {
  user: string;
  onRoom: (roomId: string | undefined) => void;
}) {
  const room = useOpenRoom(`dm:${user}`, (client) => client.openDirectRoom(user));
  return (
    <ChatRoomPage
      title={`Conversation with ${displayNameOf(user)}`}
      intro={
        <p className="page__intro">
          <a href={routeHref({ page: 'dm', user: undefined })}>All direct messages</a>
        </p>
      }
      room={room}
      onRoom={onRoom}
    />
  );
}
