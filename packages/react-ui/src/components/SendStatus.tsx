import type { MessageItem } from '@openmeet/chat-sdk';
import { useChatContext } from '../ChatProvider.js';

export interface SendStatusProps {
  item: MessageItem;
  tabIndex?: number | undefined;
}

/** Where one of your messages stands: sending, or not sent with Resend and Discard. */
export function SendStatus({ item, tabIndex }: SendStatusProps) {
  const { client, strings } = useChatContext();
  const { sendState, txnId } = item;
  if (sendState === 'sending') {
    return <span className="om-send-state om-send-state--sending">{strings.sending}</span>;
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
