import ipaddr from 'ipaddr.js';

// IPv6 global unicast; ipaddr.js calls everything outside its special ranges "unicast", including
// unassigned space such as the deprecated IPv4-compatible `::a.b.c.d` form.
const GLOBAL_UNICAST_V6 = ipaddr.parseCIDR('2000::/3');

/**
 * True only for an address on the public internet: loopback, private, link-local, unique-local,
 * multicast, CGNAT, unspecified, documentation, benchmarking, reserved and the IPv6 transition
 * ranges (NAT64, 6to4, Teredo) are all refused. IPv4-mapped IPv6 is judged as the IPv4 it carries.
 */
export function isPublicAddress(address: string): boolean {
  if (!ipaddr.isValid(address)) return false;
  const ip = ipaddr.process(address);
  if (ip.range() !== 'unicast') return false;
  return ip.kind() === 'ipv4' || ip.match(GLOBAL_UNICAST_V6);
}
