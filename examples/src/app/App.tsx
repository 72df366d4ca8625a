import { ChatProvider } from '@openmeet/react-ui';
import { useState } from 'react';
import { type ChatSession, endChatSession, startChatSession } from './chatSession.js';
import type { RuntimeConfig } from './runtimeConfig.js';
import { Shell } from './Shell.js';
import { SignIn } from './SignIn.js';

export interface AppProps {
  config: RuntimeConfig;
  initialSession: ChatSession | undefined;
}

/** The host app: a demo sign-in, then its pages with the chat widgets. */
export function App({ config, initialSession }: AppProps) {
  const [session, setSession] = useState(initialSession);
  if (!session) {
    return <SignIn users={config.users} onSignIn={(user) => setSession(startChatSession(config, user))} />;
  }
  return (
    <ChatProvider client={session.client}>
      <Shell
        session={session}
        users={config.users}
        onSignOut={async () => {
          await endChatSession(session).catch(() => {});
          setSession(undefined);
        }}
      />
    </ChatProvider>
  );
}
