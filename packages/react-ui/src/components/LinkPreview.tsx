import type { ChatClient } from '@openmeet/chat-sdk';
import { useEffect, useState } from 'react';
import { useChatContext } from '../ChatProvider.js';
import { useMediaUrl } from '../lib/useMediaUrl.js';

export interface LinkPreviewProps {
  url: string;
}

type Preview = Record<string, unknown>;

/** One request per URL and client for the page's lifetime: the same link often appears many times. */
const previews = new WeakMap<ChatClient, Map<string, Promise<Preview | undefined>>>();

function previewOf(client: ChatClient, url: string): Promise<Preview | undefined> {
  let cache = previews.get(client);
  if (!cache) {
    cache = new Map();
    previews.set(client, cache);
  }
  let preview = cache.get(url);
  if (!preview) {
    // Through a promise: the client throws synchronously while it is not connected. A link without
    // a preview simply shows none.
    preview = Promise.resolve()
      .then(() => client.urlPreview(url))
      .catch(() => undefined);
    cache.set(url, preview);
  }
  return preview;
}

/** OpenGraph title, description and picture of a link, from the homeserver. */
export function LinkPreview({ url }: LinkPreviewProps) {
  const { client } = useChatContext();
  const [preview, setPreview] = useState<{ url: string; data: Preview }>();
  useEffect(() => {
    let current = true;
    previewOf(client, url).then((data) => {
      if (current && data) setPreview({ url, data });
    });
    return () => {
      current = false;
    };
  }, [client, url]);
  const data = preview?.url === url ? preview.data : undefined;
  const title = text(data?.['og:title']);
  const description = text(data?.['og:description']);
  const image = text(data?.['og:image']);
  const imageUrl = useMediaUrl(image?.startsWith('mxc://') ? image : undefined, { width: 160, height: 160 });
  if (!data || !title) return null;
  return (
    <a className="om-link-preview" href={url} target="_blank" rel="noopener noreferrer">
      {imageUrl ? <img className="om-link-preview__image" src={imageUrl} alt="" /> : null}
      <span className="om-link-preview__title">{title}</span>
      {description ? <span className="om-link-preview__description">{description}</span> : null}
    </a>
  );
}

function text(value: unknown): string | undefined {
  return typeof value === 'string' && value.trim() !== '' ? value : undefined;
}
