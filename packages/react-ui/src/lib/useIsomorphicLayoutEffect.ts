import { useEffect, useLayoutEffect } from 'react';

/** Layout effects where there is a DOM (scroll positions must be set before paint); plain effects on servers. */
export const useIsomorphicLayoutEffect = typeof document === 'undefined' ? useEffect : useLayoutEffect;
