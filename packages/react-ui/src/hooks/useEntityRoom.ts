import type { EntityQuery } from '@openmeet/chat-sdk';
import { useEffect, useState } from 'react';
import { useChatContext } from '../ChatProvider.js';

export interface EntityRoomView {
  roomId: string | undefined;
  status: 'loading' | 'ready' | 'error';
  error: unknown;
}

/** Opens the room of a host group or event (`client.openEntityRoom`), e.g. on its page. */
export function useEntityRoom(query: EntityQuery): EntityRoomView {
  const { client } = useChatContext();
  const { kind } = query;
  const id = 'id' in query ? query.id : undefined;
  const slug = 'slug' in query ? query.slug : undefined;
  const [view, setView] = useState<EntityRoomView>({
    roomId: undefined,
    status: 'loading',
    error: undefined,
  });

  useEffect(() => {
    // A newer query wins: answers for an earlier one are ignored.
    let current = true;
    setView({ roomId: undefined, status: 'loading', error: undefined });
    const lookup: EntityQuery = id !== undefined ? { kind, id } : { kind, slug: slug ?? '' };
    client.openEntityRoom(lookup).then(
      (roomId) => current && setView({ roomId, status: 'ready', error: undefined }),
      (error: unknown) => current && setView({ roomId: undefined, status: 'error', error }),
    );
    return () => {
      current = false;
    };
  }, [client, kind, id, slug]);

  return view;
}
