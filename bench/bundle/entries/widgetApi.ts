// What the widget page (widget.tsx) uses of our packages, with none of the page's own code: the
// build of our code alone (row 1) starts here, so the host's lines are not counted as ours.
export { createChatClient } from '@openmeet/chat-sdk';
export { ChatProvider, RoomList, RoomView } from '@openmeet/react-ui';
