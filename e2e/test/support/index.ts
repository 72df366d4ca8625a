// The browser test bed, shared with the browser benchmarks (bench/latency, bench/cold-start, bench/timeline).
export { type AxeViolation, ChatPage } from './ChatPage.js';
export { type E2eBed, type E2eBedOptions, startE2eBed } from './startE2eBed.js';
