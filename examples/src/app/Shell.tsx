import { ChatErrorNotice, RoomList } from '@openmeet/react-ui';
import { useEffect, useState } from 'react';
import type { ChatSession } from './chatSession.js';
import { displayNameOf } from './devSignIn.js';
import { DirectMessagesPage } from './pages/DirectMessagesPage.js';
import { EntityPage } from './pages/EntityPage.js';
import { RoomPage } from './pages/RoomPage.js';
import { parseRoute, type Route, routeHref, useHash } from './useHashRoute.js';

export interface ShellProps {
  session: ChatSession;
  users: readonly string[];
  onSignOut: () => void;
}

const SECTIONS: ReadonlyArray<{ label: string; route: Route }> = [
  { label: 'Hikers (group)', route: { page: 'group', slug: 'hikers' } },
  { label: 'Summit 2026 (event)', route: { page: 'event', slug: 'summit-2026' } },
  { label: 'Direct messages', route: { page: 'dm', user: undefined } },
];

/** The signed-in layout: header, the app's navigation, the user's rooms, and the current page. */
export function Shell({ session, users, onSignOut }: ShellProps) {
  const route = parseRoute(useHash());
  const [roomId, setRoomId] = useState<string>();
  const [connectError, setConnectError] = useState<unknown>();

  useEffect(() => {
    let current = true;
    session.connected.catch((error: unknown) => current && setConnectError(error));
    return () => {
      current = false;
    };
  }, [session]);

  // A button, not a `#main` link: the URL hash belongs to the router.
  const skipToMain = () => document.getElementById('main')?.focus();

  return (
    <div className="shell">
      <header className="shell__header">
        <button type="button" className="skip-link om-button" onClick={skipToMain}>
          Skip to the page
        </button>
        <p className="shell__title">OpenMeet Chat example</p>
        <p className="shell__user">
          Signed in as <strong>{displayNameOf(session.user)}</strong>
        </p>
        <button type="button" className="om-button" onClick={onSignOut}>
          Sign out
        </button>
      </header>
      <nav className="shell__nav" aria-label="Sections">
        <ul>
          {SECTIONS.map(({ label, route: target }) => (
            <li key={label}>
              <a href={routeHref(target)} aria-current={target.page === route.page ? 'page' : undefined}>
                {label}
              </a>
            </li>
          ))}
        </ul>
      </nav>
      <aside className="shell__rooms" aria-labelledby="rooms-title">
        <h2 id="rooms-title">Your rooms</h2>
        <RoomList
          selectedRoomId={roomId}
          onSelect={(selected) => {
            window.location.hash = routeHref({ page: 'room', roomId: selected });
          }}
        />
      </aside>
      <main id="main" className="shell__main" tabIndex={-1}>
        <ChatErrorNotice error={connectError} />
        <Page route={route} user={session.user} users={users} onRoom={setRoomId} />
      </main>
    </div>
  );
}

function Page({
  route,
  user,
  users,
  onRoom,
}: {
  route: Route;
  user: string;
  users: readonly string[];
  onRoom: (roomId: string | undefined) => void;
}) {
  switch (route.page) {
    case 'group':
    case 'event':
      return (
        <EntityPage key={`${route.page}:${route.slug}`} kind={route.page} slug={route.slug} onRoom={onRoom} />
      );
    case 'dm':
      return (
        <DirectMessagesPage
          key={route.user ?? ''}
          others={users.filter((other) => other !== user)}
          user={route.user}
          onRoom={onRoom}
        />
      );
    case 'room':
      return <RoomPage key={route.roomId} roomId={route.roomId} onRoom={onRoom} />;
  }
}
