import type { ChatClient } from '@openmeet/chat-sdk';
import { createContext, type ReactNode, useContext, useMemo, useState } from 'react';
import { ComposerDrafts } from './lib/ComposerDrafts.js';
import { type ChatStrings, defaultStrings } from './strings.js';

export interface ChatContextValue {
  client: ChatClient;
  strings: ChatStrings;
  /** Composer drafts by room, shared by the composer and the message actions (reply, edit). */
  drafts: ComposerDrafts;
}

export const ChatContext = createContext<ChatContextValue | null>(null);

/** The strings without a provider too, so standalone widgets such as `ChatErrorNotice` still have text. */
export const StringsContext = createContext<ChatStrings>(defaultStrings);

export interface ChatProviderProps {
  client: ChatClient;
  /** Overrides of the English defaults (translations, wording). */
  strings?: Partial<ChatStrings>;
  children?: ReactNode;
}

/** Makes a `ChatClient` (and the strings catalogue) available to the hooks and widgets below. */
export function ChatProvider({ client, strings, children }: ChatProviderProps) {
  const [drafts] = useState(() => new ComposerDrafts());
  const merged = useMemo(() => ({ ...defaultStrings, ...strings }), [strings]);
  const value = useMemo(() => ({ client, strings: merged, drafts }), [client, merged, drafts]);
  return (
    <ChatContext.Provider value={value}>
      <StringsContext.Provider value={merged}>{children}</StringsContext.Provider>
    </ChatContext.Provider>
  );
}

/** The provider's value; throws a helpful error outside `<ChatProvider>`. */
export function useChatContext(): ChatContextValue {
  const value = useContext(ChatContext);
  if (value === null) {
    throw new Error(
      'No ChatClient here: wrap the tree in <ChatProvider client={client}> (from @openmeet/react-ui) to use its hooks and widgets.',
    );
  }
  return value;
}

/** The strings catalogue (the defaults outside a provider). */
export function useStrings(): ChatStrings {
  return useContext(StringsContext);
}
