import type { ChatClient } from '@openmeet/chat-sdk';
import { type EntityRoomView, useChatClient } from '@openmeet/react-ui';
import { useEffect, useState } from 'react';

/**
 * Opens a room with the client (a DM, a room picked from the list) and reports it the way
 * `useEntityRoom` does. `key` identifies the request: a new key opens again, and answers for an
 * older key are ignored.
 */
export function useOpenRoom(key: string, open: (client: ChatClient) => Promise<string>): EntityRoomView {
  const client = useChatClient();
  const [view, setView] = useState<EntityRoomView & { key?: string }>({
    roomId: undefined,
    status: 'loading',
    error: undefined,
  });

  // biome-ignore lint/correctness/useExhaustiveDependencies: `open` is a fresh closure each render; `key` names what it opens
  useEffect(() => {
    let current = true;
    open(client).then(
      (roomId) => current && setView({ key, roomId, status: 'ready', error: undefined }),
      (error: unknown) => current && setView({ key, roomId: undefined, status: 'error', error }),
    );
    return () => {
      current = false;
    };
  }, [client, key]);

  return view.key === key ? view : { roomId: undefined, status: 'loading', error: undefined };
}
