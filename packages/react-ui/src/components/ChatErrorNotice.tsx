import { isChatSdkError } from '@openmeet/chat-sdk';
import { useStrings } from '../ChatProvider.js';

export interface ChatErrorNoticeProps {
  error: unknown;
  /** Shown for errors that are not `ChatSdkError`s, whose messages may not be meant for users. */
  fallback?: string;
}

/** An error announced to assistive technology (`role="alert"`), tagged with its stable code. */
export function ChatErrorNotice({ error, fallback }: ChatErrorNoticeProps) {
  const strings = useStrings();
  if (error == null) return null;
  const chatError = isChatSdkError(error) ? error : undefined;
  return (
    <div role="alert" className="om-error" data-code={chatError?.code}>
      {chatError ? chatError.message : (fallback ?? strings.errorFallback)}
    </div>
  );
}
