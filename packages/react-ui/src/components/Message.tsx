import type { MessageItem } from '@openmeet/chat-sdk';
import { memo, type ReactNode, useState } from 'react';
import { useChatContext } from '../ChatProvider.js';
import { useMember } from '../hooks/useMember.js';
import { useUserId } from '../hooks/useUserId.js';
import { isEditable } from '../lib/findMessage.js';
import { findUrls } from '../lib/linkify.js';
import { isNotice } from '../lib/timelineRows.js';
import { Avatar } from './Avatar.js';
import { DeleteConfirmation } from './DeleteConfirmation.js';
import { LinkPreview } from './LinkPreview.js';
import { MediaContent } from './MediaContent.js';
import { MessageActions } from './MessageActions.js';
import { MessageBody } from './MessageBody.js';
import { NoticeCard } from './NoticeCard.js';
import { Reactions } from './Reactions.js';
import { ReplyQuote } from './ReplyQuote.js';
import { SendStatus } from './SendStatus.js';

export interface MessageProps {
  item: MessageItem;
  roomId: string;
  /** Follows a message of the same sender: the name and avatar are not repeated on screen. */
  grouped?: boolean;
  /** The timeline's roving focus: -1 takes the message and its controls out of the tab order. */
  tabIndex?: number;
  /** Show a preview card for the first link (fetched through the homeserver). Default true. */
  linkPreview?: boolean;
}

const MEDIA = new Set(['m.image', 'm.file', 'm.video', 'm.audio']);

/** One message: sender, time, body, reply quote, reactions, send state and its actions menu. */
export const Message = memo(function Message({
  item,
  roomId,
  grouped = false,
  tabIndex,
  linkPreview = true,
}: MessageProps) {
  const { client, strings, drafts } = useChatContext();
  const userId = useUserId();
  const member = useMember(roomId, item.sender);
  const [confirming, setConfirming] = useState(false);
  const name = member?.displayName ?? item.sender;
  const own = item.sender === userId;
  const date = new Date(item.ts);
  const controls = tabIndex === -1 ? -1 : undefined;
  const { content, eventId } = item;
  const msgtype = typeof content.msgtype === 'string' ? content.msgtype : undefined;
  const notice = !item.redacted && isNotice(item);
  const media =
    !item.redacted && (item.type === 'm.sticker' || (msgtype !== undefined && MEDIA.has(msgtype)));
  const firstUrl =
    linkPreview && !item.redacted && !notice && !media && typeof content.body === 'string'
      ? findUrls(content.body)[0]
      : undefined;
  const deletable = own && !item.redacted && (eventId ?? item.txnId) !== undefined;

  let body: ReactNode;
  if (item.redacted) body = <p className="om-message__deleted">{strings.deleted}</p>;
  else if (notice) body = <NoticeCard content={content} />;
  else if (media) body = <MediaContent content={{ msgtype: msgtype ?? item.type, ...content }} />;
  else if (msgtype === 'm.emote')
    body = (
      <div className="om-message__emote">
        <span aria-hidden="true">* </span>
        {name} <MessageBody content={content} />
      </div>
    );
  else body = <MessageBody content={content} />;

  const className = [
    'om-message',
    grouped ? 'om-message--grouped' : '',
    own ? 'om-message--own' : '',
    notice ? 'om-message--notice' : '',
    item.sendState === 'failed' || item.sendState === 'unsent' ? 'om-message--failed' : '',
  ]
    .filter(Boolean)
    .join(' ');

  return (
    <article className={className} tabIndex={tabIndex} data-event-id={eventId} data-key={item.key}>
      <div className="om-message__gutter">
        {grouped ? null : <Avatar name={name} mxc={member?.avatarUrl} />}
      </div>
      <div className="om-message__main">
        <div className={grouped ? 'om-message__header om-visually-hidden' : 'om-message__header'}>
          <span className="om-message__sender">{name}</span>{' '}
          <time className="om-message__time" dateTime={date.toISOString()}>
            {strings.formatTime(date)}
          </time>
        </div>
        {item.replyTo && !item.redacted ? <ReplyQuote roomId={roomId} eventId={item.replyTo} /> : null}
        {body}
        {item.edit && !item.redacted ? <span className="om-message__edited">{strings.edited}</span> : null}
        {firstUrl ? <LinkPreview url={firstUrl} /> : null}
        <SendStatus item={item} tabIndex={controls} />
        <Reactions
          roomId={roomId}
          eventId={eventId}
          reactions={item.reactions}
          userId={userId}
          tabIndex={controls}
        />
      </div>
      {item.redacted ? null : (
        <MessageActions
          senderName={name}
          tabIndex={controls}
          onReply={eventId ? () => drafts.setReplyTo(roomId, eventId) : undefined}
          onReact={eventId ? (key) => client.react(roomId, eventId, key).catch(() => {}) : undefined}
          onEdit={
            eventId && isEditable(item, userId)
              ? () => drafts.startEdit(roomId, eventId, content.body as string)
              : undefined
          }
          onDelete={deletable ? () => setConfirming(true) : undefined}
        />
      )}
      {confirming ? (
        <DeleteConfirmation
          onCancel={() => setConfirming(false)}
          onConfirm={() => {
            setConfirming(false);
            const target = eventId ?? item.txnId;
            // The redaction is queued like a message; its outcome shows in the timeline.
            if (target) client.deleteMessage(roomId, target).catch(() => {});
          }}
        />
      ) : null}
    </article>
  );
});
