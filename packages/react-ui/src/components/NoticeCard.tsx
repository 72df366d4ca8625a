import { useStrings } from '../ChatProvider.js';
import { MessageBody } from './MessageBody.js';

export interface NoticeCardProps {
  content: Record<string, unknown>;
}

/** A notice from the host app (`org.openmeet.notice`: an event changed, a member was approved…) or a bot. */
export function NoticeCard({ content }: NoticeCardProps) {
  const strings = useStrings();
  const notice = content['org.openmeet.notice'];
  const type =
    typeof notice === 'object' && notice !== null && typeof (notice as { type?: unknown }).type === 'string'
      ? (notice as { type: string }).type
      : 'm.notice';
  return (
    <div className="om-notice" data-notice-type={type}>
      <span className="om-notice__type">{strings.notice(type)}</span>
      <MessageBody content={content} />
    </div>
  );
}
