import type { Thumbnail } from '@openmeet/chat-sdk';
import { useEffect, useState } from 'react';
import { useChatContext } from '../ChatProvider.js';

export interface MediaState {
  /** The blob URL, once fetched. */
  url: string | undefined;
  /** The fetch failed (or the client was not connected): show a fallback instead of waiting. */
  failed: boolean;
}

/**
 * A displayable URL for an `mxc://` URI, fetched by the client through the authenticated media
 * endpoints once mounted (never on the server), and whether that failed.
 */
export function useMedia(mxc: string | undefined, thumbnail?: Thumbnail): MediaState {
  const { client } = useChatContext();
  const [state, setState] = useState<{ mxc: string; url?: string; failed?: true }>();
  const width = thumbnail?.width;
  const height = thumbnail?.height;
  const method = thumbnail?.method;
  useEffect(() => {
    if (!mxc) return;
    let current = true;
    const size =
      width !== undefined && height !== undefined
        ? { width, height, ...(method ? { method } : {}) }
        : undefined;
    // Through a promise: the client throws synchronously while it is not connected.
    Promise.resolve()
      .then(() => client.mediaUrl(mxc, size))
      .then(
        (blobUrl) => current && setState({ mxc, url: blobUrl }),
        () => current && setState({ mxc, failed: true }),
      );
    return () => {
      current = false;
    };
  }, [client, mxc, width, height, method]);
  const own = state?.mxc === mxc ? state : undefined;
  return { url: own?.url, failed: own?.failed === true };
}
