import { ChatSdkError } from '../ChatSdkError.js';
import { isMxcUrl } from './isMxcUrl.js';
import type { MediaContent, MediaInfo, MediaMsgtype, ThumbnailInfo } from './MessageContent.js';

export type MediaKind = 'image' | 'file' | 'video' | 'audio';

export interface MediaContentInput {
  kind: MediaKind;
  /** The file name. */
  body: string;
  /** The `mxc://` URI of the uploaded file. */
  url: string;
  info: MediaInfo;
}

const MSGTYPES: Readonly<Record<MediaKind, MediaMsgtype>> = {
  image: 'm.image',
  file: 'm.file',
  video: 'm.video',
  audio: 'm.audio',
};

/** Content for an uploaded image, file, video or audio clip; only known, defined `info` fields are copied. */
export function mediaContent(input: MediaContentInput): MediaContent {
  const msgtype = Object.hasOwn(MSGTYPES, input.kind) ? MSGTYPES[input.kind] : undefined;
  if (msgtype === undefined) throw new ChatSdkError('CHAT_BAD_INPUT', `Unknown media kind: ${input.kind}`);
  if (typeof input.body !== 'string' || input.body === '') {
    throw new ChatSdkError('CHAT_BAD_INPUT', 'Media needs a file name as body');
  }
  if (!isMxcUrl(input.url)) throw new ChatSdkError('CHAT_BAD_INPUT', `Not an mxc:// URI: ${input.url}`);
  const { info } = input;
  if (typeof info.mimetype !== 'string' || info.mimetype === '') {
    throw new ChatSdkError('CHAT_BAD_INPUT', 'Media needs a mimetype');
  }
  const copied: MediaInfo = { mimetype: info.mimetype, size: count(info.size, 'size') };
  if (info.w !== undefined) copied.w = count(info.w, 'w');
  if (info.h !== undefined) copied.h = count(info.h, 'h');
  if (info.duration !== undefined) copied.duration = count(info.duration, 'duration');
  if (info.thumbnail_url !== undefined) {
    if (!isMxcUrl(info.thumbnail_url)) {
      throw new ChatSdkError('CHAT_BAD_INPUT', `Not an mxc:// URI: ${info.thumbnail_url}`);
    }
    copied.thumbnail_url = info.thumbnail_url;
  }
  if (info.thumbnail_info !== undefined) copied.thumbnail_info = thumbnailInfo(info.thumbnail_info);
  return { msgtype, body: input.body, url: input.url, info: copied, 'm.mentions': {} };
}

function thumbnailInfo(info: ThumbnailInfo): ThumbnailInfo {
  const copied: ThumbnailInfo = {};
  if (info.mimetype !== undefined) copied.mimetype = info.mimetype;
  if (info.size !== undefined) copied.size = count(info.size, 'thumbnail size');
  if (info.w !== undefined) copied.w = count(info.w, 'thumbnail w');
  if (info.h !== undefined) copied.h = count(info.h, 'thumbnail h');
  return copied;
}

/** Matrix JSON allows only integers in the signed 53-bit range; sizes and durations are never negative. */
function count(value: number, what: string): number {
  if (!Number.isSafeInteger(value) || value < 0) {
    throw new ChatSdkError('CHAT_BAD_INPUT', `Media ${what} must be a non-negative integer, not ${value}`);
  }
  return value;
}
