import { isChatSdkError } from '@openmeet/chat-sdk';
import { useCallback, useEffect, useRef, useState } from 'react';
import { useChatContext } from '../ChatProvider.js';

export interface Upload {
  id: number;
  name: string;
  loaded: number;
  total: number;
  error?: unknown;
}

export interface UploadsView {
  uploads: readonly Upload[];
  /** Uploads a file and posts it to the room (`client.sendFile`). */
  upload: (file: File) => void;
  /** Aborts an upload in flight, or dismisses a failed one. */
  cancel: (id: number) => void;
}

/** Files being sent to a room, with their progress; aborted when the composer unmounts. */
export function useUploads(roomId: string): UploadsView {
  const { client } = useChatContext();
  const [uploads, setUploads] = useState<readonly Upload[]>([]);
  const controllers = useRef(new Map<number, AbortController>());
  const nextId = useRef(1);

  useEffect(() => {
    const running = controllers.current;
    return () => {
      for (const controller of running.values()) controller.abort();
      running.clear();
    };
  }, []);

  const change = useCallback(
    (id: number, patch: Partial<Upload>) =>
      setUploads((list) => list.map((item) => (item.id === id ? { ...item, ...patch } : item))),
    [],
  );
  const remove = useCallback((id: number) => setUploads((list) => list.filter((item) => item.id !== id)), []);

  const upload = useCallback(
    (file: File) => {
      const id = nextId.current++;
      const controller = new AbortController();
      controllers.current.set(id, controller);
      setUploads((list) => [...list, { id, name: file.name, loaded: 0, total: file.size }]);
      client
        .sendFile(roomId, file, {
          signal: controller.signal,
          onProgress: ({ loaded, total }) => change(id, { loaded, total }),
        })
        .then(
          () => remove(id),
          (error: unknown) => {
            if (controller.signal.aborted || isChatSdkError(error, 'CHAT_ABORTED')) remove(id);
            else change(id, { error });
          },
        )
        .finally(() => controllers.current.delete(id));
    },
    [client, roomId, change, remove],
  );

  const cancel = useCallback(
    (id: number) => {
      const controller = controllers.current.get(id);
      if (controller) controller.abort();
      remove(id);
    },
    [remove],
  );

  return { uploads, upload, cancel };
}
