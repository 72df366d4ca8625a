import { useEffect } from 'react';

const APP = 'OpenMeet Chat example';

/** "Hikers · OpenMeet Chat example": each page names itself for tabs, history and screen readers. */
export function useDocumentTitle(title: string | undefined): void {
  useEffect(() => {
    document.title = title ? `${title} · ${APP}` : APP;
  }, [title]);
}
