import type { ChatClient } from '@openmeet/chat-sdk';
import { LazyChatProvider, LazyRoomView, loadWidgets } from '@openmeet/react-ui/lazy';
import { Suspense, useState } from 'react';
import { createRoot } from 'react-dom/client';

// A host page with a "Chat" button that mounts the widgets only when it is clicked, as in
// packages/react-ui/README.md: everything of ours but `@openmeet/react-ui/lazy` is behind import().
function ChatButton({ roomId }: { roomId: string }) {
  const [client, setClient] = useState<ChatClient>();
  const open = async () => {
    const { createChatClient } = await import('@openmeet/chat-sdk');
    const chat = createChatClient({ brokerUrl: 'https://chat.example.org', getHostToken: () => 'host-jwt' });
    void chat.connect();
    setClient(chat);
  };
  if (!client) {
    return (
      <button type="button" onPointerEnter={() => void loadWidgets()} onClick={() => void open()}>
        Chat
      </button>
    );
  }
  return (
    <Suspense fallback={<p role="status">Loading chat…</p>}>
      <LazyChatProvider client={client}>
        <LazyRoomView roomId={roomId} />
      </LazyChatProvider>
    </Suspense>
  );
}

const root = document.getElementById('root');
if (root) createRoot(root).render(<ChatButton roomId="!room:example.org" />);
