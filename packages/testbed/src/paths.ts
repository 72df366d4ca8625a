import { fileURLToPath } from 'node:url';

/** The package's bundled Python helpers (shipped in `python/`, beside `dist/`). */
export const pythonDir = fileURLToPath(new URL('../python/', import.meta.url));
export const guardScript = `${pythonDir}guard.py`;
export const postgresScript = `${pythonDir}postgres.py`;
export const requirementsFile = `${pythonDir}requirements.txt`;
