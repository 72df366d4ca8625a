import type { Thumbnail } from '@openmeet/chat-sdk';
import { useEffect, useState } from 'react';
import { useChatContext } from '../ChatProvider.js';

/**
 * A displayable URL for an `mxc://` URI, fetched by the client through the authenticated media
 * endpoints once mounted (never on the server). Undefined while loading or when it failed.
 */
export function useMediaUrl(mxc: string | undefined, thumbnail?: Thumbnail): string | undefined {
  const { client } = useChatContext();
  const [url, setUrl] = useState<{ mxc: string; url: string }>();
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
        (blobUrl) => current && setUrl({ mxc, url: blobUrl }),
        // A missing picture falls back to initials or the file's name: nothing to report.
        () => {},
      );
    return () => {
      current = false;
    };
  }, [client, mxc, width, height, method]);
  return url && url.mxc === mxc ? url.url : undefined;
}
