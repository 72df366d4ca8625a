import { type ChatClient, createChatClient, indexedDbCache } from '@openmeet/chat-sdk';
import { devHostToken } from './devSignIn.js';
import type { RuntimeConfig } from './runtimeConfig.js';

export interface ChatSession {
  user: string;
  client: ChatClient;
  /** The first connection; a rejection is shown by the shell (the client keeps its own status). */
  connected: Promise<void>;
}

// Per tab, like a host app's login: a reload keeps the user signed in, a new tab asks again.
const SIGNED_IN_KEY = 'openmeet-example:user';

/**
 * Signs a demo user in: one chat client for as long as they stay signed in. It is made here, on the
 * user's action, rather than in a React effect, so React's development double effects never create
 * and close a second client.
 */
export function startChatSession(config: RuntimeConfig, user: string): ChatSession {
  const client = createChatClient({
    brokerUrl: config.brokerUrl,
    getHostToken: devHostToken(config.brokerUrl, user),
    transport: config.transport,
    // A returning user sees their rooms at once; signing out (endChatSession) deletes the snapshot.
    cache: indexedDbCache(),
  });
  sessionStorage.setItem(SIGNED_IN_KEY, user);
  return { user, client, connected: client.connect() };
}

/** The session this tab had before a reload, if its user is still a demo user. */
export function resumeChatSession(config: RuntimeConfig): ChatSession | undefined {
  const user = sessionStorage.getItem(SIGNED_IN_KEY);
  return user && config.users.includes(user) ? startChatSession(config, user) : undefined;
}

/** Host logout: stops the client and forgets this user's queued messages and caches. */
export async function endChatSession(session: ChatSession): Promise<void> {
  sessionStorage.removeItem(SIGNED_IN_KEY);
  await session.client.signOut();
}
