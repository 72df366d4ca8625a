import { useStrings } from '../ChatProvider.js';
import { useLoadedMessage } from '../hooks/useLoadedMessage.js';
import { useMember } from '../hooks/useMember.js';

export interface ReplyQuoteProps {
  roomId: string;
  eventId: string;
}

/** The message replied to, when it is loaded; "a message" otherwise. */
export function ReplyQuote({ roomId, eventId }: ReplyQuoteProps) {
  const strings = useStrings();
  const target = useLoadedMessage(roomId, eventId);
  const sender = useMember(roomId, target?.sender ?? '');
  const name = target ? (sender?.displayName ?? target.sender) : strings.aMessage;
  const body =
    target && !target.redacted && typeof target.content.body === 'string' ? target.content.body : '';
  return (
    <blockquote className="om-reply-quote">
      <span className="om-reply-quote__sender">{strings.inReplyTo(name)}</span>
      {body ? <span className="om-reply-quote__body">{body}</span> : null}
    </blockquote>
  );
}
