import { ChatErrorNotice } from '@openmeet/react-ui';

/** The group, event and DM pages arrive with the widgets (issue #7); until then this shows the stack builds. */
export function App() {
  return (
    <main>
      <h1>OpenMeet Chat example</h1>
      <p>The chat widgets land here as they are built.</p>
      <ChatErrorNotice error={undefined} />
    </main>
  );
}
