import type { Thumbnail } from '@openmeet/chat-sdk';
import { useMedia } from './useMedia.js';

/**
 * A displayable URL for an `mxc://` URI; undefined while loading or when it failed (a missing picture
 * falls back to initials or the file's name: nothing to report).
 */
export function useMediaUrl(mxc: string | undefined, thumbnail?: Thumbnail): string | undefined {
  return useMedia(mxc, thumbnail).url;
}
