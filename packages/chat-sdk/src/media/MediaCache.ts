import { ChatSdkError } from '../ChatSdkError.js';
import { isMxcUrl } from '../content/index.js';

export interface Thumbnail {
  width: number;
  height: number;
  method?: 'crop' | 'scale';
}

type FetchMedia = (serverName: string, mediaId: string, thumbnail?: Thumbnail) => Promise<Blob>;

/**
 * Media through the homeserver's authenticated endpoints, handed to the page as blob URLs (an
 * `<img src>` cannot send an Authorization header, and no service worker is needed this way).
 * Bounded by count and bytes; the least recently used URLs are revoked first, so an element that
 * still shows an evicted URL keeps its pixels but must ask again to re-render.
 */
export class MediaCache {
  readonly #entries = new Map<string, { url: string; bytes: number }>();
  readonly #inflight = new Map<string, Promise<string>>();
  #bytes = 0;
  /** Bumped by `clear()`: a fetch that started before must not fill the emptied cache. */
  #generation = 0;

  readonly #fetchMedia: FetchMedia;
  readonly #options: { maxEntries?: number; maxBytes?: number };

  constructor(fetchMedia: FetchMedia, options: { maxEntries?: number; maxBytes?: number } = {}) {
    this.#fetchMedia = fetchMedia;
    this.#options = options;
  }

  /** A blob URL for an `mxc://` URI (its thumbnail when `thumbnail` is given). */
  url(mxc: string, thumbnail?: Thumbnail): Promise<string> {
    if (!isMxcUrl(mxc)) return Promise.reject(new ChatSdkError('CHAT_BAD_INPUT', 'Not an mxc:// URI'));
    const key = thumbnail
      ? `${mxc}#${thumbnail.width}x${thumbnail.height}-${thumbnail.method ?? 'scale'}`
      : mxc;
    const known = this.#entries.get(key);
    if (known) {
      // Map order is insertion order: re-inserting marks it most recently used.
      this.#entries.delete(key);
      this.#entries.set(key, known);
      return Promise.resolve(known.url);
    }
    const running = this.#inflight.get(key);
    if (running) return running;
    const [serverName, mediaId] = mxc.slice('mxc://'.length).split('/') as [string, string];
    const generation = this.#generation;
    const work = this.#fetchMedia(serverName, mediaId, thumbnail)
      .then((blob) => {
        if (generation !== this.#generation) {
          throw new ChatSdkError('CHAT_CLOSED', 'The media cache was cleared while this loaded');
        }
        const url = URL.createObjectURL(blob);
        this.#entries.set(key, { url, bytes: blob.size });
        this.#bytes += blob.size;
        this.#evict();
        return url;
      })
      .finally(() => {
        if (this.#inflight.get(key) === work) this.#inflight.delete(key);
      });
    this.#inflight.set(key, work);
    return work;
  }

  /** Revokes every URL (sign-out, close). */
  clear(): void {
    this.#generation++;
    this.#inflight.clear();
    for (const { url } of this.#entries.values()) URL.revokeObjectURL(url);
    this.#entries.clear();
    this.#bytes = 0;
  }

  #evict(): void {
    const maxEntries = this.#options.maxEntries ?? 200;
    const maxBytes = this.#options.maxBytes ?? 64 * 1024 * 1024;
    for (const [key, entry] of this.#entries) {
      if (this.#entries.size <= maxEntries && this.#bytes <= maxBytes) break;
      // Never evict the one just added, even if it alone exceeds the budget.
      if (this.#entries.size === 1) break;
      URL.revokeObjectURL(entry.url);
      this.#entries.delete(key);
      this.#bytes -= entry.bytes;
    }
  }
}
