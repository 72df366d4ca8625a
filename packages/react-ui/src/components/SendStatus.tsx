import type { MessageItem } from '@openmeet/chat-sdk';
import { useChatContext } from '../ChatProvider.js';
import { useDelayedFlag } from '../lib/useDelayedFlag.js';

/**
 * A message still sending after this long gets its "Sending…" mark. Most sends are answered well
 * within it: shown at once, the mark would add a line under the message and take it away again a
 * moment later, jumping the timeline by that line on every send.
 */
export const SENDING_SHOWN_AFTER_MS = 500;

export interface SendStatusProps {
  item: MessageItem;
  tabIndex?: number | undefined;
}

/**
 * Where one of your messages stands: sending (once it has taken `SENDING_SHOWN_AFTER_MS`), or not
 * sent with Resend and Discard.
 */
export function SendStatus({ item, tabIndex }: SendStatusProps) {
  const { client, strings } = useChatContext();
  const { sendState, txnId } = item;
  const slow = useDelayedFlag(sendState === 'sending', SENDING_SHOWN_AFTER_MS);
  if (sendState === 'sending') {
    return slow ? <span className="om-send-state om-send-state--sending">{strings.sending}</span> : null;
  }
  if ((sendState !== 'failed' && sendState !== 'unsent') || !txnId) return null;
  // Outcomes show up in the store (the message is sending again, or gone).
  const ignore = () => {};
  return (
    <div className="om-send-state om-send-state--failed" role="alert">
      <span>{sendState === 'failed' ? strings.failed(item.error?.message ?? '') : strings.unsent}</span>{' '}
      <button
        type="button"
        className="om-button"
        tabIndex={tabIndex}
        onClick={() => client.resend(txnId).catch(ignore)}
      >
        {strings.resend}
      </button>{' '}
      <button
        type="button"
        className="om-button"
        tabIndex={tabIndex}
        onClick={() => client.discard(txnId).catch(ignore)}
      >
        {strings.discard}
      </button>
    </div>
  );
}
