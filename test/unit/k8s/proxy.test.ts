/** Which proxy kubectl would use: proxy-url first, then Go's ProxyFromEnvironment rules. */
import * as assert from 'node:assert/strict';
import { test } from 'node:test';
import * as https from 'node:https';
import { HttpProxyAgent, HttpsProxyAgent } from 'hpagent';
import { SocksProxyAgent } from 'socks-proxy-agent';
import { agentFor, proxyFor } from '../../../src/adapters/k8s/proxy';

const via = (server: string, env: NodeJS.ProcessEnv, proxyUrl?: string) =>
  proxyFor(server, proxyUrl, env)?.url.href;

test("the cluster's proxy-url wins, even for loopback and hosts NO_PROXY lists", () => {
  const env = { HTTPS_PROXY: 'http://env-proxy:3128', NO_PROXY: '*' };
  assert.equal(via('https://127.0.0.1:6443', env, 'http://127.0.0.1:8888'), 'http://127.0.0.1:8888/');
  assert.equal(proxyFor('https://api.example.com', 'socks5://gw:1080', {})?.from, 'proxy-url');
});

test('HTTPS_PROXY for https servers, HTTP_PROXY for http ones; upper case first, empty skipped', () => {
  assert.equal(
    via('https://api.example.com', { HTTPS_PROXY: 'http://a:1', https_proxy: 'http://b:2' }),
    'http://a:1/',
  );
  assert.equal(via('https://api.example.com', { HTTPS_PROXY: '', https_proxy: 'http://b:2' }), 'http://b:2/');
  assert.equal(via('https://api.example.com', { HTTP_PROXY: 'http://a:1' }), undefined);
  assert.equal(via('http://api.example.com', { HTTP_PROXY: 'http://a:1' }), 'http://a:1/');
  assert.equal(via('https://api.example.com', {}), undefined);
});

test('a proxy without a scheme is http, as in Go', () => {
  assert.equal(via('https://api.example.com', { HTTPS_PROXY: 'proxy.corp:3128' }), 'http://proxy.corp:3128/');
});

test('localhost and loopback addresses never use the environment proxy', () => {
  const env = { HTTPS_PROXY: 'http://p:1' };
  assert.equal(via('https://localhost:6443', env), undefined);
  assert.equal(via('https://127.0.0.1:6443', env), undefined);
  assert.equal(via('https://127.9.9.9:6443', env), undefined);
  assert.equal(via('https://[::1]:6443', env), undefined);
  assert.equal(via('https://10.0.0.1:6443', env), 'http://p:1/');
});

test('NO_PROXY: domains with their subdomains, leading dot and *. for subdomains only, ports, IPs, CIDRs, *', () => {
  const env = (NO_PROXY: string) => ({ HTTPS_PROXY: 'http://p:1', NO_PROXY });
  assert.equal(via('https://api.corp.example', env('corp.example')), undefined);
  assert.equal(via('https://corp.example', env('corp.example')), undefined);
  assert.equal(via('https://corp.example', env('.corp.example')), 'http://p:1/');
  assert.equal(via('https://api.corp.example', env('.corp.example')), undefined);
  assert.equal(via('https://corp.example', env('*.corp.example')), 'http://p:1/');
  assert.equal(via('https://api.corp.example', env('*.corp.example')), undefined);
  assert.equal(via('https://notcorp.example', env('corp.example')), 'http://p:1/');
  assert.equal(via('https://api.corp.example:6443', env('corp.example:443')), 'http://p:1/');
  assert.equal(via('https://api.corp.example', env('corp.example:443')), undefined);
  assert.equal(via('https://10.1.2.3:6443', env('10.0.0.0/8')), undefined);
  assert.equal(via('https://11.1.2.3:6443', env('10.0.0.0/8')), 'http://p:1/');
  assert.equal(via('https://10.1.2.3:6443', env('10.1.2.3')), undefined);
  assert.equal(via('https://[fd00::5]:6443', env('fd00::/8')), undefined);
  assert.equal(via('https://API.Corp.Example', env(' other.example , CORP.example ')), undefined);
  assert.equal(via('https://anything.example', env('*')), undefined);
  assert.equal(
    via('https://api.corp.example', { HTTPS_PROXY: 'http://p:1', no_proxy: 'corp.example' }),
    undefined,
  );
});

test('an unusable proxy address is a kubeconfig problem in plain words', () => {
  assert.throws(
    () => proxyFor('https://api.example.com', 'proxy host:3128', {}),
    /proxy address in proxy-url/,
  );
});

test('the pooled agent: direct, CONNECT through an http(s) proxy, or SOCKS; pool options kept', () => {
  const pool = { keepAlive: true, maxSockets: 16 };
  const direct = agentFor('https://api.example.com', undefined, pool);
  assert.ok(direct instanceof https.Agent && !(direct instanceof HttpsProxyAgent));
  const tunnelled = agentFor(
    'https://api.example.com',
    proxyFor('https://api.example.com', 'http://p:3128'),
    pool,
  );
  assert.ok(tunnelled instanceof HttpsProxyAgent);
  assert.equal(tunnelled.maxSockets, 16);
  assert.ok(
    agentFor('http://api.example.com', proxyFor('http://api.example.com', 'http://p:3128'), pool) instanceof
      HttpProxyAgent,
  );
  assert.ok(
    agentFor(
      'https://api.example.com',
      proxyFor('https://api.example.com', 'socks5://p:1080'),
      pool,
    ) instanceof SocksProxyAgent,
  );
});
