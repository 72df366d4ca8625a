import { createChatClient } from '@openmeet/chat-sdk';
import { ChatProvider, RoomList, RoomView } from '@openmeet/react-ui';
import { useState } from 'react';
import { createRoot } from 'react-dom/client';

// A host page that mounts the widgets as soon as it loads, through the main entry point.
const client = createChatClient({ brokerUrl: 'https://chat.example.org', getHostToken: () => 'host-jwt' });
void client.connect();

function Chat() {
  const [roomId, setRoomId] = useState('!room:example.org');
  return (
    <ChatProvider client={client}>
      <RoomList selectedRoomId={roomId} onSelect={setRoomId} />
      <RoomView roomId={roomId} />
    </ChatProvider>
  );
}

const root = document.getElementById('root');
if (root) createRoot(root).render(<Chat />);
