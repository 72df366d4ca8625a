/** `m.mentions` (spec v1.7+): who an event notifies, so clients stop guessing from the body. */
export interface Mentions {
  user_ids?: string[];
  room?: boolean;
}

export interface RelatesTo {
  rel_type?: string;
  event_id?: string;
  is_falling_back?: boolean;
  'm.in_reply_to'?: { event_id: string };
}

export type TextMsgtype = 'm.text' | 'm.notice' | 'm.emote';
export type MediaMsgtype = 'm.image' | 'm.file' | 'm.video' | 'm.audio';

/** The fields every `m.room.message` content built here shares. */
export interface MessageContent {
  msgtype: string;
  body: string;
  format?: 'org.matrix.custom.html';
  formatted_body?: string;
  'm.mentions'?: Mentions;
  'm.relates_to'?: RelatesTo;
}

export interface TextContent extends MessageContent {
  msgtype: TextMsgtype;
  'm.mentions': Mentions;
}

export interface ThumbnailInfo {
  mimetype?: string;
  size?: number;
  w?: number;
  h?: number;
}

export interface MediaInfo extends ThumbnailInfo {
  mimetype: string;
  size: number;
  /** Milliseconds, for audio and video. */
  duration?: number;
  thumbnail_url?: string;
  thumbnail_info?: ThumbnailInfo;
}

export interface MediaContent extends MessageContent {
  msgtype: MediaMsgtype;
  url: string;
  info: MediaInfo;
  'm.mentions': Mentions;
}
