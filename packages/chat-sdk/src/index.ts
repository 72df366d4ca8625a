export { ChatError, type ChatErrorCode, isChatError } from './ChatError.js';
