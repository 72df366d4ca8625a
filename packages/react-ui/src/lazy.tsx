import { lazy } from 'react';

/** The widgets module (`@openmeet/react-ui`), as the lazy components load it. */
export type Widgets = typeof import('./index.js');

let loading: Promise<Widgets> | undefined;

/**
 * Downloads the widgets, and `@openmeet/chat-sdk` with them, once. The lazy components call it when
 * they first render; call it earlier to prefetch (when the pointer enters the button that opens
 * chat, say). A failed download is forgotten, so the next call tries again.
 */
export function loadWidgets(): Promise<Widgets> {
  loading ??= import('./index.js').catch((error: unknown) => {
    loading = undefined;
    throw error;
  });
  return loading;
}

// Only React is imported statically: a page that renders these components but never mounts them
// downloads none of the widgets, the SDK or matrix-js-sdk. `@__PURE__` lets a bundler drop the ones
// a page does not use.
export const LazyChatProvider = /* @__PURE__ */ lazy(() =>
  loadWidgets().then((w) => ({ default: w.ChatProvider })),
);
export const LazyRoomList = /* @__PURE__ */ lazy(() => loadWidgets().then((w) => ({ default: w.RoomList })));
export const LazyRoomView = /* @__PURE__ */ lazy(() => loadWidgets().then((w) => ({ default: w.RoomView })));
export const LazyTimeline = /* @__PURE__ */ lazy(() => loadWidgets().then((w) => ({ default: w.Timeline })));
export const LazyComposer = /* @__PURE__ */ lazy(() => loadWidgets().then((w) => ({ default: w.Composer })));
export const LazyNotificationSettings = /* @__PURE__ */ lazy(() =>
  loadWidgets().then((w) => ({ default: w.NotificationSettings })),
);
export const LazyChatErrorNotice = /* @__PURE__ */ lazy(() =>
  loadWidgets().then((w) => ({ default: w.ChatErrorNotice })),
);
