export { ChatErrorNotice, type ChatErrorNoticeProps } from './ChatErrorNotice.js';
