export {
  MatrixProxy,
  type MatrixProxyOptions,
  type ProxyRequest,
  type ProxyResponse,
} from './MatrixProxy.js';
export {
  matchProxyRoute,
  PROXY_PATTERNS,
  type ProxyMethod,
  type ProxyRoute,
  type ProxyTarget,
} from './ProxyAllowlist.js';
