export { type BrokerConfig, buildApp } from './buildApp.js';
