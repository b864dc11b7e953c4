/**
 * The argocd CLI's config file as the CLI reads it (argo-cd util/localconfig/localconfig.go), the
 * default path rules (DefaultConfigDir), and what becomes of each server entry: REST root URL, TLS
 * settings, and the refusal to send a token over plain HTTP to another machine.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { argoCdContexts, parseArgoCdConfig, resolveArgoCdContext } from '../../../../../src/core/argocd/api/localConfig';
import { serverBaseUrl, targetFromContext, targetFromUrl } from '../../../../../src/core/argocd/api/endpoint';
import { defaultArgoCdConfigPath, readArgoCdConfig, readTokenFile } from '../../../../../src/infra/argocd/configFile';

/** Shaped like `argocd login` output and util/localconfig/testdata/sample.local.config (our own values). */
const SAMPLE = `contexts:
- name: argocd.example.test
  server: argocd.example.test
  user: argocd.example.test
- name: staging
  server: cd.staging.example.test:8443
  user: staging-sso
- name: localhost:8080
  server: localhost:8080
  user: localhost:8080
- name: core
  server: kubernetes
  user: kubernetes
current-context: staging
prompts-enabled: false
servers:
- grpc-web-root-path: ""
  server: argocd.example.test
- grpc-web: true
  grpc-web-root-path: /argo-cd/
  insecure: true
  server: cd.staging.example.test:8443
- plain-text: true
  server: localhost:8080
- core: true
  server: kubernetes
users:
- auth-token: eyJhbGciOiJIUzI1NiJ9.prod.sig
  name: argocd.example.test
- auth-token: eyJhbGciOiJIUzI1NiJ9.staging.sig
  name: staging-sso
  refresh-token: refresh-staging
- auth-token: local-token
  name: localhost:8080
- name: kubernetes
`;

describe('argocd CLI config', () => {
  it('parses contexts, servers and users and resolves the current context', () => {
    const cfg = parseArgoCdConfig('/home/u/.config/argocd/config', SAMPLE);
    assert.deepEqual(cfg.problems, []);
    assert.equal(cfg.currentContext, 'staging');
    const r = resolveArgoCdContext(cfg);
    assert.ok('context' in r);
    assert.equal(r.context.name, 'staging');
    assert.deepEqual(r.context.server, { server: 'cd.staging.example.test:8443', insecure: true, plainText: false, grpcWeb: true, grpcWebRootPath: '/argo-cd/', core: false });
    assert.deepEqual(r.context.user, { name: 'staging-sso', authToken: 'eyJhbGciOiJIUzI1NiJ9.staging.sig', refreshToken: 'refresh-staging' });
    assert.equal(argoCdContexts(cfg).contexts.length, 4);
  });

  it('names what is missing: a context, its server, its user, a current-context', () => {
    const cfg = parseArgoCdConfig('f', SAMPLE);
    const none = resolveArgoCdContext(cfg, 'prod');
    assert.ok('problem' in none);
    assert.match(none.problem, /no context named "prod" in f \(contexts: argocd\.example\.test, staging, localhost:8080, core\)/);
    const broken = parseArgoCdConfig('f', `contexts: [{name: a, server: s1, user: u1}]\ncurrent-context: a\nservers: []\nusers: [{name: u1}]\n`);
    assert.deepEqual(broken.problems.map((p) => p.message), ['current-context: context "a" names server "s1", which f does not define']);
    const noCurrent = parseArgoCdConfig('f', `contexts: []\n`);
    const r = resolveArgoCdContext(noCurrent);
    assert.ok('problem' in r && /has no current-context/.test(r.problem));
  });

  it('bad input is a problem, never a throw: wrong types, not YAML, alias bombs, too large', () => {
    const wrong = parseArgoCdConfig('f', `contexts: {a: 1}\nservers:\n- server: x\n  insecure: "yes"\nusers:\n- name: 3\n`);
    assert.deepEqual(wrong.problems.map((p) => p.message), ['"contexts" must be a list', 'servers[0].insecure must be true or false', 'users[0].name must be a string', 'users[0] has no name']);
    assert.match(parseArgoCdConfig('f', 'contexts: [').problems[0]?.message ?? '', /not valid YAML/);
    const bomb = ['a: &a ["x","x","x","x","x","x","x","x","x"]', ...Array.from({ length: 8 }, (_, i) => `${String.fromCharCode(98 + i)}: &${String.fromCharCode(98 + i)} [${Array(9).fill(`*${String.fromCharCode(97 + i)}`).join(',')}]`)].join('\n');
    assert.match(parseArgoCdConfig('f', bomb).problems[0]?.message ?? '', /not valid YAML: excessive aliasing/);
    assert.match(parseArgoCdConfig('f', 'x'.repeat(4 * 1024 * 1024 + 1)).problems[0]?.message ?? '', /larger than 4 MiB/);
    assert.deepEqual(parseArgoCdConfig('f', '').contexts, []);
  });

  it('decodes certificate data and refuses a half client certificate', () => {
    const pem = '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n';
    const b64 = Buffer.from(pem).toString('base64');
    const cfg = parseArgoCdConfig('f', `servers:\n- server: a:443\n  certificate-authority-data: ${b64}\n- server: b:443\n  client-certificate-data: ${b64}\n- server: c:443\n  certificate-authority-data: '%%%'\n`);
    assert.equal(cfg.servers[0]?.certificateAuthority, pem);
    assert.equal(cfg.servers[1]?.clientCertificate, undefined);
    assert.deepEqual(cfg.problems.map((p) => p.message), ['server "b:443": client-certificate-data and client-certificate-key-data must be given together', 'server "c:443" certificate-authority-data is not base64']);
  });

  it('server entries become REST roots: :443 added as the CLI does, http only for plain-text, the root path kept', () => {
    const url = (server: string, plainText = false, root = ''): string => {
      const r = serverBaseUrl({ server, plainText, grpcWebRootPath: root });
      return 'url' in r ? r.url : `problem: ${r.problem}`;
    };
    assert.equal(url('argocd.example.test'), 'https://argocd.example.test');
    assert.equal(url('cd.example.test:8443', false, '/argo-cd/'), 'https://cd.example.test:8443/argo-cd');
    assert.equal(url('localhost:8080', true), 'http://localhost:8080');
    assert.equal(url('[::1]:8080', true), 'http://[::1]:8080');
    assert.match(url('https://argocd.example.test'), /is a URL; the argocd config holds an address/);
    assert.match(url('a.test', false, '../x'), /is not a URL path/);
    assert.match(url('a.test/x'), /not a host name/);
  });

  it('a token goes over plain HTTP only to this machine; core mode has no server', () => {
    const cfg = parseArgoCdConfig('f', `${SAMPLE}`);
    const ctx = (name: string) => {
      const r = resolveArgoCdContext(cfg, name);
      assert.ok('context' in r);
      return r.context;
    };
    const local = targetFromContext(ctx('localhost:8080'));
    assert.ok('target' in local);
    assert.equal(local.target.baseUrl, 'http://localhost:8080');
    const staging = targetFromContext(ctx('staging'));
    assert.ok('target' in staging);
    assert.deepEqual({ ...staging.target, token: staging.target.token ? '***' : undefined }, { name: 'staging', baseUrl: 'https://cd.staging.example.test:8443/argo-cd', insecure: true, grpcWeb: true, token: '***' });
    const core = targetFromContext(ctx('core'));
    assert.ok('problem' in core && /core mode \(argocd --core\)/.test(core.problem));

    const remotePlain = parseArgoCdConfig('f', `contexts: [{name: r, server: 'cd.example.test:80', user: r}]\nservers: [{server: 'cd.example.test:80', plain-text: true}]\nusers: [{name: r, auth-token: t}]\n`);
    const r = resolveArgoCdContext(remotePlain, 'r');
    assert.ok('context' in r);
    const refused = targetFromContext(r.context);
    assert.ok('problem' in refused);
    assert.match(refused.problem, /does not send an Argo CD token over plain HTTP \(http:\/\/cd\.example\.test\)/);

    assert.ok('target' in targetFromUrl('a', 'https://cd.example.test/argo-cd/', 't'));
    assert.ok('problem' in targetFromUrl('a', 'http://cd.example.test', 't'));
    assert.ok('target' in targetFromUrl('a', 'http://127.0.0.1:8080', 't'));
    assert.ok('problem' in targetFromUrl('a', 'https://user:pw@cd.example.test', 't'));
  });

  it('finds the file as the CLI does: ARGOCD_CONFIG_DIR, legacy ~/.argocd, XDG_CONFIG_HOME, ~/.config/argocd', () => {
    const none = (): boolean => false;
    assert.equal(defaultArgoCdConfigPath({ ARGOCD_CONFIG_DIR: '/etc/acd' }, '/home/u', none), path.join('/etc/acd', 'config'));
    assert.equal(defaultArgoCdConfigPath({ XDG_CONFIG_HOME: '/x' }, '/home/u', (p) => p === path.join('/home/u', '.argocd')), path.join('/home/u', '.argocd', 'config'));
    assert.equal(defaultArgoCdConfigPath({ XDG_CONFIG_HOME: '/x' }, '/home/u', none), path.join('/x', 'argocd', 'config'));
    assert.equal(defaultArgoCdConfigPath({}, '/home/u', none), path.join('/home/u', '.config', 'argocd', 'config'));
  });

  it('reads the file only with owner-only permissions, as the CLI does; an absent file is no config', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'argocd-config-'));
    try {
      const file = path.join(dir, 'config');
      assert.equal((await readArgoCdConfig(file)).kind, 'absent');
      fs.writeFileSync(file, SAMPLE, { mode: 0o644 });
      fs.chmodSync(file, 0o644);
      const refused = await readArgoCdConfig(file, 'linux');
      assert.equal(refused.kind, 'refused');
      assert.match(refused.kind === 'refused' ? refused.problem : '', /has permission 0644.*chmod 600/);
      fs.chmodSync(file, 0o600);
      const read = await readArgoCdConfig(file, 'linux');
      assert.equal(read.kind === 'read' ? read.config.contexts.length : 0, 4);
      const tokenFile = path.join(dir, 'token');
      fs.writeFileSync(tokenFile, '  tok-123 \nignored\n');
      assert.equal(await readTokenFile(tokenFile), 'tok-123');
      fs.writeFileSync(tokenFile, '\n');
      await assert.rejects(readTokenFile(tokenFile), /holds no token/);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
