/**
 * Flux-deployed manifests in the lenses (issue 14): an object Flux is told to leave alone
 * (`kustomize.toolkit.fluxcd.io/ssa: Ignore`, `IfNotPresent`) is not drift, as Flux's drift detection
 * skips it (fluxcd/pkg ssa `shouldSkipDiff`); a SOPS-encrypted Secret is compared by key names only and
 * the lens says so. Real mappers and the real DriftSession, as composition.ts wires them.
 */
import * as assert from 'node:assert/strict';
import { parse } from 'yaml';
import { ignoreSpecsOf } from '../../../../src/core/drift/ignore';
import { DriftSession } from '../../../../src/core/drift/session';
import { mapFluxKustomization, mapFluxSource } from '../../../../src/core/flux/mapFlux';
import { lensTitle } from '../../../../src/vscode/codelens/lensTitle';
import { FakeReader, guestbookDeploymentYaml, liveOf, repoOf, ROOT, settle, uriOf } from '../../../support/driftFixtures';
import { recordingLogger } from '../../../support/fakes';

type Obj = Record<string, unknown>;
const FILE = `${ROOT}/apps/guestbook/guestbook.yaml`;
const URI = uriOf(FILE);

const enc = (tag: string): string => `ENC[AES256_GCM,data:${Buffer.from(tag).toString('base64')},iv:aXZpdml2aXZpdml2,tag:dGFndGFndGFndGFn,type:str]`;
/** A Secret as `sops --encrypt` writes it: keys plain, values ENC[…], the sops block with its mac. */
const SOPS_SECRET = `apiVersion: v1
kind: Secret
metadata:
  name: db
type: Opaque
stringData:
  username: ${enc('u')}
  password: ${enc('p')}
data:
  ca.crt: ${enc('c')}
sops:
  age:
  - recipient: age1example
    enc: |
      -----BEGIN AGE ENCRYPTED FILE-----
      ZXhhbXBsZQ==
      -----END AGE ENCRYPTED FILE-----
  lastmodified: "2026-02-01T10:00:00Z"
  mac: ${enc('mac')}
  unencrypted_suffix: _unencrypted
  version: 3.9.4
`;

function fluxApps() {
  const repo = mapFluxSource('prod', 'GitRepository', parse(`apiVersion: source.toolkit.fluxcd.io/v1
kind: GitRepository
metadata: {name: apps, namespace: flux-system}
spec: {interval: 1m, url: https://git.example.test/org/apps.git, ref: {branch: main}}
status:
  artifact: {revision: main@sha1:5f3ae2b1c0d9e8f7a6b5c4d3e2f1a0b9c8d7e6f5}
  conditions: [{type: Ready, status: "True", reason: Succeeded, message: stored}]
`) as unknown);
  const ks = mapFluxKustomization('prod', parse(`apiVersion: kustomize.toolkit.fluxcd.io/v1
kind: Kustomization
metadata: {name: guestbook, namespace: flux-system}
spec:
  interval: 10m
  path: ./apps/guestbook
  prune: true
  targetNamespace: guestbook
  sourceRef: {kind: GitRepository, name: apps}
  decryption: {provider: sops, secretRef: {name: sops-age}}
`) as unknown);
  assert.deepEqual(ks.problems, []);
  return [repo, ks];
}

function setup(text: string, reader: FakeReader): DriftSession {
  const apps = fluxApps();
  const session = new DriftSession({ apps: () => apps, reader, repoOf, log: recordingLogger().logger, ignoreOf: ignoreSpecsOf });
  session.track({ uri: URI, fsPath: FILE, text });
  return session;
}
const titles = (r: DriftSession) => r.lenses(URI).map((l) => lensTitle(l));

describe('lenses on Flux-deployed manifests: ssa annotations and SOPS', () => {
  const scaled = (annotation?: string): FakeReader => {
    const reader = new FakeReader();
    const text = guestbookDeploymentYaml();
    reader.set('prod', 'Deployment', 'guestbook', 'guestbook-ui', {
      obj: liveOf(text, 'guestbook', (o) => {
        (o.spec as Obj).replicas = 7;
        if (annotation) (o.metadata as Obj).annotations = { 'kustomize.toolkit.fluxcd.io/ssa': annotation };
      }),
    });
    return reader;
  };

  it('a drifted object is drift; with ssa: Ignore on the live object Flux leaves it alone, and the lens says why', async () => {
    const plain = setup(guestbookDeploymentYaml(), scaled());
    await settle(plain, URI);
    assert.deepEqual(titles(plain), ['Drift: 1 field · prod']);
    const ignored = setup(guestbookDeploymentYaml(), scaled('ignore'));
    await settle(ignored, URI);
    assert.deepEqual(titles(ignored), ['In sync · prod (Flux leaves it alone: kustomize.toolkit.fluxcd.io/ssa: Ignore)']);
  });

  it('ssa: IfNotPresent in Git: an existing object is not compared; a missing one is still missing', async () => {
    const text = guestbookDeploymentYaml().replace('metadata:\n', 'metadata:\n  annotations:\n    kustomize.toolkit.fluxcd.io/ssa: IfNotPresent\n');
    assert.match(text, /IfNotPresent/);
    const present = setup(text, scaled());
    await settle(present, URI);
    assert.deepEqual(titles(present), ['In sync · prod (Flux leaves it alone: kustomize.toolkit.fluxcd.io/ssa: IfNotPresent)']);
    const absent = setup(text, new FakeReader());
    await settle(absent, URI);
    assert.deepEqual(titles(absent), ['Not in cluster · prod']);
  });

  it('a SOPS-encrypted Secret: keys compared, values never; the lens says values are not compared', async () => {
    const reader = new FakeReader();
    const liveSecret = (data: Obj): Obj => ({ apiVersion: 'v1', kind: 'Secret', metadata: { name: 'db', namespace: 'guestbook', uid: 'u' }, type: 'Opaque', data });
    const b64 = (s: string) => Buffer.from(s).toString('base64');
    reader.set('prod', 'Secret', 'guestbook', 'db', { obj: liveSecret({ username: b64('app'), password: b64('s3cret'), 'ca.crt': b64('-----BEGIN CERTIFICATE-----') }) });
    const same = setup(SOPS_SECRET, reader);
    await settle(same, URI);
    assert.deepEqual(titles(same), ['In sync · prod (encrypted with SOPS: values not compared)']);

    reader.set('prod', 'Secret', 'guestbook', 'db', { obj: liveSecret({ username: b64('app') }) });
    const missing = setup(SOPS_SECRET, reader);
    await settle(missing, URI);
    assert.deepEqual(titles(missing), ['Drift: 2 fields · prod (encrypted with SOPS: values not compared)']);
    const changes = missing.details(URI)[0]?.changes ?? [];
    assert.deepEqual(changes.map((c) => c.path).sort(), ['/data/ca.crt', '/stringData/password']);
    // Neither ciphertext nor clear text is shown.
    assert.ok(!JSON.stringify(changes).includes('ENC['), JSON.stringify(changes));
    assert.ok(!JSON.stringify(changes).includes(b64('app')));
  });
});
