import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { mergeKubeconfigs, resolveContext, splitKubeconfigEnv, type PathRules } from '../../../../src/core/kube/kubeconfig';
import { runCli } from '../../../support/cliRun';
import { REPO_ROOT } from '../../../support/paths';

const FIXTURES = path.join(REPO_ROOT, 'test', 'fixtures', 'kubeconfig');
const file = (name: string) => ({ path: path.join(FIXTURES, name), text: fs.readFileSync(path.join(FIXTURES, name), 'utf8') });

describe('core/kube/kubeconfig', () => {
  it('lists contexts with their cluster server, user and namespace', () => {
    const merged = mergeKubeconfigs([file('two-clusters.yaml')]);
    assert.equal(merged.currentContext, 'prod-eu');
    assert.deepEqual(
      merged.contexts.map((c) => ({ name: c.name, server: c.server, user: c.user, ns: c.namespace, current: c.isCurrent })),
      [
        { name: 'prod-eu', server: 'https://127.0.0.1:16443', user: 'prod-admin', ns: 'argocd', current: true },
        { name: 'staging', server: 'https://127.0.0.1:26443', user: 'staging-admin', ns: undefined, current: false },
      ],
    );
    assert.deepEqual(merged.problems, []);
  });

  it('merges like kubectl: the first file to define a name wins, and the first current-context', () => {
    const merged = mergeKubeconfigs([file('two-clusters.yaml'), file('extra.yaml')]);
    assert.equal(merged.currentContext, 'prod-eu');
    assert.deepEqual(
      merged.contexts.map((c) => [c.name, c.server]),
      [
        ['prod-eu', 'https://127.0.0.1:16443'],
        ['staging', 'https://127.0.0.1:26443'],
        ['dev', 'https://127.0.0.1:36443'],
      ],
    );
    const reversed = mergeKubeconfigs([file('extra.yaml'), file('two-clusters.yaml')]);
    assert.equal(reversed.currentContext, 'dev');
    // Reversed, extra.yaml comes first and its own "staging" cluster wins.
    assert.equal(reversed.contexts.find((c) => c.name === 'staging')?.server, 'https://staging-from-extra.invalid');
  });

  it('reports broken YAML with the file and line, and keeps the good files', () => {
    const merged = mergeKubeconfigs([file('broken.yaml'), file('two-clusters.yaml')]);
    assert.equal(merged.contexts.length, 2);
    assert.equal(merged.problems.length > 0, true);
    const p = merged.problems[0];
    assert.equal(p?.file, path.join(FIXTURES, 'broken.yaml'));
    assert.equal(p?.line, 7, 'the unclosed flow sequence ends the document at line 7');
  });

  it('reports the problems of a broken file on every read, and sees a file changed at the same path', () => {
    const first = mergeKubeconfigs([file('broken.yaml'), file('two-clusters.yaml')]);
    const again = mergeKubeconfigs([file('broken.yaml'), file('two-clusters.yaml')]);
    assert.ok(first.problems.length > 0);
    assert.deepEqual(again.problems, first.problems);
    const changed = { path: '/k', text: 'contexts:\n- name: a\n  context: {cluster: c, user: u}\nclusters:\n- name: c\n  cluster: {server: https://a.invalid}\n' };
    assert.equal(mergeKubeconfigs([changed]).contexts[0]?.server, 'https://a.invalid');
    assert.equal(mergeKubeconfigs([{ ...changed, text: changed.text.replace('a.invalid', 'b.invalid') }]).contexts[0]?.server, 'https://b.invalid');
  });

  it('reports a context whose cluster no file defines', () => {
    const merged = mergeKubeconfigs([
      { path: '/k', text: 'contexts:\n- name: orphan\n  context: {cluster: nowhere, user: u}\n' },
    ]);
    assert.equal(merged.contexts[0]?.server, undefined);
    assert.match(merged.problems[0]?.message ?? '', /context "orphan" refers to cluster "nowhere"/);
  });

  it('skips missing and empty files and reads a path listed twice once', () => {
    const f = file('two-clusters.yaml');
    const merged = mergeKubeconfigs([{ path: '/missing', text: undefined }, { path: '/empty', text: '' }, f, f]);
    assert.deepEqual(merged.contexts.map((c) => c.name), ['prod-eu', 'staging']);
    assert.deepEqual(merged.problems, []);
  });

  it('rejects a document that is not a mapping, naming the file', () => {
    const merged = mergeKubeconfigs([{ path: '/list.yaml', text: '- a\n- b\n' }]);
    assert.deepEqual(merged.problems, [{ file: '/list.yaml', line: 1, message: 'a kubeconfig must be a YAML mapping' }]);
  });

  it('splits KUBECONFIG by the platform separator and drops empty entries', () => {
    assert.deepEqual(splitKubeconfigEnv('/a:/b::/c', ':'), ['/a', '/b', '/c']);
    assert.deepEqual(splitKubeconfigEnv('C:\\a;C:\\b', ';'), ['C:\\a', 'C:\\b']);
    assert.deepEqual(splitKubeconfigEnv(undefined, ':'), []);
  });

  it('reads at most 4 MiB of a kubeconfig: KUBECONFIG=/dev/zero ends at once with a clear problem', async () => {
    const started = Date.now();
    const r = await runCli(['contexts', '--kubeconfig', '/dev/zero']);
    assert.equal(r.code, 2);
    assert.match(r.err, /\/dev\/zero: the file is larger than 4 MiB; it is not read/);
    assert.ok(Date.now() - started < 5000);
  });

  it('refuses a YAML alias bomb in a kubeconfig with a problem instead of expanding it', () => {
    const lines = ['a: &a ["x","x","x","x","x","x","x","x","x"]'];
    for (let i = 1; i < 9; i++) lines.push(`${String.fromCharCode(97 + i)}: &${String.fromCharCode(97 + i)} [${Array(9).fill(`*${String.fromCharCode(96 + i)}`).join(',')}]`);
    const merged = mergeKubeconfigs([{ path: '/bomb.yaml', text: lines.join('\n') }]);
    assert.equal(merged.contexts.length, 0);
    assert.match(merged.problems[0]?.message ?? '', /alias/i);
  });
});

/** POSIX rules for the pure resolution tests (infra passes Node's own). */
const POSIX: PathRules = {
  dirname: (p) => p.slice(0, p.lastIndexOf('/')) || '/',
  isAbsolute: (p) => p.startsWith('/'),
  resolve: (base, p) => {
    const out: string[] = [];
    for (const seg of `${base}/${p}`.split('/')) {
      if (seg === '..') out.pop();
      else if (seg !== '' && seg !== '.') out.push(seg);
    }
    return `/${out.join('/')}`;
  },
  sep: '/',
};

describe('core/kube/resolveContext', () => {
  const cfg = (path: string, text: string) => ({ path, text });

  it('resolves relative paths against the folder of the file defining each entry', () => {
    const r = resolveContext([
      cfg('/home/me/.kube/config', 'clusters:\n- name: c\n  cluster: {server: "https://k:6443", certificate-authority: certs/ca.crt}\ncontexts:\n- name: x\n  context: {cluster: c, user: u}\n'),
      cfg('/etc/kube/users.yaml', 'users:\n- name: u\n  user: {client-certificate: ../pki/u.crt, client-key: /abs/u.key, tokenFile: tok, exec: {command: ./bin/cred, apiVersion: client.authentication.k8s.io/v1beta1}}\n'),
    ], 'x', POSIX);
    assert.ok(r.ok, r.ok ? '' : r.problems.join('; '));
    assert.equal(r.config.caFile, '/home/me/.kube/certs/ca.crt');
    assert.equal(r.config.auth?.clientCertificateFile, '/etc/pki/u.crt');
    assert.equal(r.config.auth?.clientKeyFile, '/abs/u.key');
    assert.equal(r.config.auth?.tokenFile, '/etc/kube/tok');
    assert.equal(r.config.auth?.exec?.command, '/etc/kube/bin/cred');
    assert.equal(r.config.auth?.exec?.interactiveMode, 'IfAvailable', 'the v1beta1 default (client-go api/v1/defaults.go)');
    assert.deepEqual(r.config.sources, { context: '/home/me/.kube/config', cluster: '/home/me/.kube/config', user: '/etc/kube/users.yaml' });
  });

  it('leaves an exec command without a separator to PATH, and wants interactiveMode for v1', () => {
    const text = (mode: string) => `clusters:\n- name: c\n  cluster: {server: "https://k"}\nusers:\n- name: u\n  user: {exec: {command: kubelogin, apiVersion: client.authentication.k8s.io/v1${mode}}}\ncontexts:\n- name: x\n  context: {cluster: c, user: u}\n`;
    const ok = resolveContext([cfg('/k/config', text(', interactiveMode: Never'))], 'x', POSIX);
    assert.ok(ok.ok);
    assert.equal(ok.config.auth?.exec?.command, 'kubelogin');
    const missing = resolveContext([cfg('/k/config', text(''))], 'x', POSIX);
    assert.ok(!missing.ok);
    assert.match(missing.problems.join(), /the exec plugin must set interactiveMode/);
  });

  it('sends no credentials to a plain-http server and says so', () => {
    const r = resolveContext([cfg('/k', 'clusters:\n- name: c\n  cluster: {server: "http://127.0.0.1:8001"}\nusers:\n- name: u\n  user: {token: t0k3n}\ncontexts:\n- name: x\n  context: {cluster: c, user: u}\n')], 'x', POSIX);
    assert.ok(r.ok);
    assert.equal(r.config.auth, undefined);
    assert.equal(r.config.credentialsWithheld, true);
  });

  it('a field of the wrong type breaks only its own entry, and problems never quote a credential', () => {
    const files = [cfg('/k', 'clusters:\n- name: c\n  cluster: {server: "https://k"}\n- name: bad\n  cluster: {server: 6443}\nusers:\n- name: u\n  user: {token: s3cr3t-t0k3n, username: admin, password: hunter2}\n- name: ok\n  user: {token: fine}\ncontexts:\n- name: good\n  context: {cluster: c, user: ok}\n- name: wrong-server\n  context: {cluster: bad, user: ok}\n- name: two-methods\n  context: {cluster: c, user: u, namespace: Not_A_Label}\n')];
    assert.ok(resolveContext(files, 'good', POSIX).ok);
    const wrong = resolveContext(files, 'wrong-server', POSIX);
    assert.ok(!wrong.ok);
    assert.match(wrong.problems.join(), /cluster "bad" \(\/k\): "server" must be a string/);
    const two = resolveContext(files, 'two-methods', POSIX);
    assert.ok(!two.ok);
    assert.match(two.problems.join(), /more than one authentication method \(token, basicAuth\)/);
    assert.match(two.problems.join(), /namespace "Not_A_Label" .* DNS_LABEL/);
    assert.ok(!two.problems.join().includes('s3cr3t') && !two.problems.join().includes('hunter2'));
  });

  it('keeps the path prefix of a server and adds https when TLS is configured but no scheme is given', () => {
    const r = resolveContext([cfg('/k', 'clusters:\n- name: c\n  cluster: {server: "https://lb.example/k8s/prod/", insecure-skip-tls-verify: true}\n- name: bare\n  cluster: {server: "10.0.0.1:6443", insecure-skip-tls-verify: true}\ncontexts:\n- name: x\n  context: {cluster: c, user: u}\n- name: y\n  context: {cluster: bare, user: u}\nusers:\n- name: u\n  user: {}\n')], 'x', POSIX);
    assert.ok(r.ok);
    assert.equal(r.config.server, 'https://lb.example/k8s/prod');
    const bare = resolveContext([cfg('/k', 'clusters:\n- name: bare\n  cluster: {server: "10.0.0.1:6443", insecure-skip-tls-verify: true}\ncontexts:\n- name: y\n  context: {cluster: bare, user: u}\nusers:\n- name: u\n  user: {}\n')], 'y', POSIX);
    assert.ok(bare.ok);
    assert.equal(bare.config.server, 'https://10.0.0.1:6443');
  });
});
