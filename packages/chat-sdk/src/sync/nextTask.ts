/**
 * Resolves in a new task of the event loop, once every microtask of the current one has run (a
 * render scheduled as one has committed, and mutation observers have been told). A message channel
 * rather than a timer: browsers throttle a hidden tab's timers to seconds, not its messages.
 */
export function nextTask(): Promise<void> {
  if (typeof MessageChannel === 'undefined') return new Promise((resolve) => setTimeout(resolve, 0));
  return new Promise((resolve) => {
    const { port1, port2 } = new MessageChannel();
    port1.onmessage = () => {
      // Closed, so an open port never keeps a Node process (tests, SSR) alive.
      port1.close();
      resolve();
    };
    port2.postMessage(null);
  });
}
