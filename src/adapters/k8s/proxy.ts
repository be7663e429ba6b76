import * as http from 'node:http';
import * as https from 'node:https';
import { isIP } from 'node:net';
import { HttpProxyAgent, HttpsProxyAgent } from 'hpagent';
import { SocksProxyAgent } from 'socks-proxy-agent';
import { KubeError } from './errors';

/** Where a connection to the API server goes through, and why (for the log). */
export interface ProxyChoice {
  readonly url: URL;
  readonly from: 'proxy-url' | 'HTTPS_PROXY' | 'HTTP_PROXY';
}

/**
 * The proxy kubectl would use for `server`: the cluster's `proxy-url` always wins; otherwise
 * Go's ProxyFromEnvironment (golang.org/x/net/http/httpproxy) — HTTPS_PROXY for https servers,
 * HTTP_PROXY for http ones (upper case first), unless NO_PROXY matches the host or the host is
 * localhost or a loopback address.
 */
export function proxyFor(
  server: string,
  proxyUrl: string | undefined,
  env: NodeJS.ProcessEnv = process.env,
): ProxyChoice | undefined {
  if (proxyUrl) return { url: parseProxy(proxyUrl, 'proxy-url'), from: 'proxy-url' };
  const target = new URL(server);
  const secure = target.protocol === 'https:';
  // Go takes the first non-empty of the two spellings.
  const raw = secure ? env['HTTPS_PROXY'] || env['https_proxy'] : env['HTTP_PROXY'] || env['http_proxy'];
  if (!raw) return undefined;
  const host = target.hostname.replace(/^\[|\]$/g, '').toLowerCase();
  const port = target.port || (secure ? '443' : '80');
  if (!useProxy(host, port, env['NO_PROXY'] || env['no_proxy'] || '')) return undefined;
  const from = secure ? 'HTTPS_PROXY' : 'HTTP_PROXY';
  return { url: parseProxy(raw, from), from };
}

/** Go accepts "proxy:3128" meaning http://proxy:3128. */
function parseProxy(raw: string, from: string): URL {
  const trimmed = raw.trim();
  try {
    const url = new URL(trimmed);
    if (['http:', 'https:', 'socks5:', 'socks5h:', 'socks4:', 'socks:'].includes(url.protocol)) return url;
  } catch {
    // Not absolute: fall through.
  }
  try {
    return new URL(`http://${trimmed}`);
  } catch {
    throw new KubeError('config', `The proxy address in ${from} is not a valid URL.`);
  }
}

function useProxy(host: string, port: string, noProxy: string): boolean {
  if (host === 'localhost') return false;
  const ip = isIP(host) ? host : undefined;
  if (ip && isLoopback(ip)) return false;
  for (const entry of noProxy.split(',')) {
    let p = entry.trim().toLowerCase();
    if (!p) continue;
    if (p === '*') return false;
    if (p.includes('/')) {
      if (ip && inCidr(ip, p)) return false;
      continue;
    }
    let pport = '';
    const hostPort = /^(\[[^\]]+\]|[^:]+):(\d+)$/.exec(p);
    if (hostPort) {
      p = hostPort[1] ?? '';
      pport = hostPort[2] ?? '';
    }
    p = p.replace(/^\[|\]$/g, '');
    if (isIP(p)) {
      if (ip && sameIp(ip, p) && (!pport || pport === port)) return false;
      continue;
    }
    if (p.startsWith('*.')) p = p.slice(1);
    const matchHost = !p.startsWith('.');
    const suffix = matchHost ? `.${p}` : p;
    if ((host.endsWith(suffix) || (matchHost && host === p)) && (!pport || pport === port)) return false;
  }
  return true;
}

function isLoopback(ip: string): boolean {
  if (isIP(ip) === 4) return ip.startsWith('127.');
  const v4 = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(ip);
  if (v4) return (v4[1] ?? '').startsWith('127.');
  return expand6(ip) === expand6('::1');
}

function sameIp(a: string, b: string): boolean {
  if (isIP(a) !== isIP(b)) return false;
  return isIP(a) === 4 ? a === b : expand6(a) === expand6(b);
}

function inCidr(ip: string, cidr: string): boolean {
  const [base = '', bitsText = ''] = cidr.split('/');
  const bits = Number(bitsText);
  if (!isIP(base) || isIP(base) !== isIP(ip) || !Number.isInteger(bits)) return false;
  const a = toBits(ip);
  const b = toBits(base);
  return bits <= a.length && a.slice(0, bits) === b.slice(0, bits);
}

function toBits(ip: string): string {
  if (isIP(ip) === 4)
    return ip
      .split('.')
      .map((o) => Number(o).toString(2).padStart(8, '0'))
      .join('');
  return expand6(ip)
    .split(':')
    .map((h) => parseInt(h, 16).toString(2).padStart(16, '0'))
    .join('');
}

function expand6(ip: string): string {
  const [head = '', tail] = ip.split('::');
  const left = head ? head.split(':') : [];
  const right = tail ? tail.split(':') : [];
  const missing = tail === undefined ? 0 : 8 - left.length - right.length;
  return [...left, ...Array<string>(missing).fill('0'), ...right].map((h) => h.padStart(4, '0')).join(':');
}

/** The proxy's address without its credentials, for the log. */
export function describeProxy(choice: ProxyChoice): string {
  return `${choice.url.protocol}//${choice.url.host} (${choice.from})`;
}

export type PoolOptions = http.AgentOptions & https.AgentOptions;

/**
 * The pooled agent for one API server: direct, or through the proxy kubectl would use. TLS
 * options (CA, client certificate) apply to the API server, tunnelled inside the proxy's CONNECT.
 */
export function agentFor(server: string, proxy: ProxyChoice | undefined, options: PoolOptions): http.Agent {
  const secure = new URL(server).protocol === 'https:';
  if (!proxy) return secure ? new https.Agent(options) : new http.Agent(options);
  if (proxy.url.protocol.startsWith('socks')) return new SocksProxyAgent(proxy.url, options);
  return secure
    ? new HttpsProxyAgent({ ...options, proxy: proxy.url })
    : new HttpProxyAgent({ ...options, proxy: proxy.url });
}
