import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { mergeKubeconfigs, splitKubeconfigEnv } from '../../src/core/kube/kubeconfig';
import { REPO_ROOT } from '../support/paths';

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
});
