/**
 * The manifest lenses honour the ignore rules the tools declare, end to end below the editor: real
 * mappers (Argo CD spec.ignoreDifferences, Flux spec.ignore / spec.driftDetection.ignore), the
 * `ignoreSpecsOf` composition passes as `ignoreOf`, and the real DriftSession engine.
 */
import * as assert from 'node:assert/strict';
import { parse } from 'yaml';
import { mapArgoApplication } from '../../../../src/core/argocd/application';
import { ignoreSpecsOf } from '../../../../src/core/drift/ignore';
import { mapFluxKustomization, mapFluxSource } from '../../../../src/core/flux/mapFlux';
import type { App } from '../../../../src/core/model/app';
import { DriftSession } from '../../../../src/core/drift/session';
import { lensTitle } from '../../../../src/vscode/codelens/lensTitle';
import * as F from '../../../fixtures/gitops/argocd';
import { FakeReader, guestbookConfigMapYaml, guestbookDeploymentYaml, liveOf, repoOf, ROOT, settle, uriOf } from '../../../support/driftFixtures';
import { recordingLogger } from '../../../support/fakes';

// The Argo CD fixture deploys apps/guestbook of the repository the workspace clones (driftFixtures.ts),
// into namespace guestbook.
const FILE = `${ROOT}/apps/guestbook/guestbook.yaml`;
const URI = uriOf(FILE);

const DEPLOYMENT = guestbookDeploymentYaml({ initContainer: { name: 'injected-init-container', image: 'sidecar:1' } });
const CONFIGMAP = guestbookConfigMapYaml({ LOG_LEVEL: 'info', MODE: 'web' });
const TEXT = `${DEPLOYMENT}---\n${CONFIGMAP}`;

type Obj = Record<string, unknown>;

/** The cluster after an HPA scaled the Deployment, a webhook bumped the injected init container, someone edited the image, and an operator rewrote the ConfigMap's MODE. */
function drifted(): FakeReader {
  const deploy = liveOf(DEPLOYMENT, 'guestbook', (o) => {
    const spec = o.spec as { replicas: number; template: { spec: { initContainers: Array<{ image: string }>; containers: Array<{ image: string }> } } };
    spec.replicas = 4;
    spec.template.spec.initContainers[0]!.image = 'sidecar:2';
    spec.template.spec.containers[0]!.image = 'gcr.io/heptio-images/ks-guestbook-demo:0.3';
  });
  const cm = liveOf(CONFIGMAP, 'guestbook', (o) => {
    (o.data as Obj).MODE = 'api';
    (o.metadata as Obj).managedFields = [
      { manager: 'argocd-controller', operation: 'Apply', fieldsType: 'FieldsV1', fieldsV1: { 'f:data': { 'f:LOG_LEVEL': {}, 'f:MODE': {} } } },
      { manager: 'mode-operator', operation: 'Update', fieldsType: 'FieldsV1', fieldsV1: { 'f:data': { 'f:MODE': {} } } },
    ];
  });
  const reader = new FakeReader();
  reader.set('prod', 'Deployment', 'guestbook', 'guestbook-ui', { obj: deploy });
  reader.set('prod', 'ConfigMap', 'guestbook', 'guestbook-config', { obj: cm });
  return reader;
}

function argoApp(ignoreDifferences?: unknown[]): App {
  const obj = structuredClone(F.ARGO2_SYNCED_HEALTHY) as { spec: Obj };
  if (ignoreDifferences) obj.spec.ignoreDifferences = ignoreDifferences;
  const app = mapArgoApplication('prod', obj);
  assert.deepEqual(app.problems, []);
  return app;
}

function setup(apps: () => readonly App[]) {
  const results = new DriftSession({
    apps,
    reader: drifted(),
    repoOf,
    log: recordingLogger().logger,
    // As composition.ts wires it.
    ignoreOf: ignoreSpecsOf,
  });
  results.track({ uri: URI, fsPath: FILE, text: TEXT });
  return results;
}

const titles = (r: DriftSession) => r.lenses(URI).map((l) => lensTitle(l));
const changed = (r: DriftSession) => r.details(URI).map((d) => d.changes.map((c) => c.path));

describe('lenses honour the apps\' ignore rules (ignoreOf = ignoreSpecsOf)', () => {
  it('without rules every changed field counts (the baseline the other cases subtract from)', async () => {
    const r = setup(() => [argoApp()]);
    await settle(r, URI);
    assert.deepEqual(titles(r), ['Drift: 3 fields · prod', 'Drift: 1 field · prod']);
    assert.deepEqual(changed(r), [['/spec/replicas', '/spec/template/spec/initContainers/0/image', '/spec/template/spec/containers/0/image'], ['/data/MODE']]);
  });

  it('Argo CD jsonPointers, jqPathExpressions with select, and managedFieldsManagers hide their fields; the edited image still counts', async () => {
    // The shapes of Argo CD's diffing docs (user-guide/diffing.md, "Application Level Configuration").
    const app = argoApp([
      { group: 'apps', kind: 'Deployment', jsonPointers: ['/spec/replicas'] },
      { group: 'apps', kind: 'Deployment', jqPathExpressions: ['.spec.template.spec.initContainers[] | select(.name == "injected-init-container")'] },
      { kind: 'ConfigMap', managedFieldsManagers: ['mode-operator'] },
    ]);
    const r = setup(() => [app]);
    await settle(r, URI);
    assert.deepEqual(titles(r), ['Drift: 1 field · prod', 'In sync · prod']);
    assert.deepEqual(changed(r), [['/spec/template/spec/containers/0/image'], []]);
  });

  it('a rule for another kind, name or group changes nothing', async () => {
    const app = argoApp([
      { group: 'apps', kind: 'StatefulSet', jsonPointers: ['/spec/replicas'] },
      { group: 'apps', kind: 'Deployment', name: 'other', jsonPointers: ['/spec/replicas'] },
      { kind: 'Deployment', jsonPointers: ['/spec/replicas'] },
    ]);
    const r = setup(() => [app]);
    await settle(r, URI);
    assert.deepEqual(titles(r), ['Drift: 3 fields · prod', 'Drift: 1 field · prod']);
  });

  it('an app that gains a rule is compared again when AppStore reports it updated', async () => {
    let apps: readonly App[] = [argoApp()];
    const r = setup(() => apps);
    await settle(r, URI);
    assert.deepEqual(titles(r), ['Drift: 3 fields · prod', 'Drift: 1 field · prod']);
    apps = [argoApp([{ group: 'apps', kind: 'Deployment', jsonPointers: ['/spec/replicas'] }])];
    r.appsChanged({ added: [], updated: [apps[0]!.key], removed: [] });
    await settle(r, URI);
    assert.deepEqual(titles(r), ['Drift: 2 fields · prod', 'Drift: 1 field · prod']);
    assert.deepEqual(changed(r)[0], ['/spec/template/spec/initContainers/0/image', '/spec/template/spec/containers/0/image']);
  });

  it('Flux Kustomization spec.ignore: paths on the targeted kind only', async () => {
    const repo = mapFluxSource(
      'prod',
      'GitRepository',
      parse(`apiVersion: source.toolkit.fluxcd.io/v1
kind: GitRepository
metadata: {name: apps, namespace: flux-system}
spec: {interval: 1m, url: https://git.example.test/org/apps.git, ref: {branch: main}}
status:
  artifact: {revision: main@sha1:5f3ae2b1c0d9e8f7a6b5c4d3e2f1a0b9c8d7e6f5}
  conditions: [{type: Ready, status: "True", reason: Succeeded, message: stored}]
`) as unknown,
    );
    // The kustomize-controller docs' HPA case (fluxcd/kustomize-controller#1627), plus an untargeted rule.
    const ks = mapFluxKustomization(
      'prod',
      parse(`apiVersion: kustomize.toolkit.fluxcd.io/v1
kind: Kustomization
metadata: {name: guestbook, namespace: flux-system}
spec:
  interval: 10m
  path: ./apps/guestbook
  prune: true
  targetNamespace: guestbook
  sourceRef: {kind: GitRepository, name: apps}
  ignore:
  - paths: [/spec/replicas, /spec/template/spec/initContainers]
    target: {kind: Deployment}
  - paths: [/data/MODE]
    target: {kind: ConfigMap, name: other-.*}
`) as unknown,
    );
    assert.deepEqual(ks.problems, []);
    const r = setup(() => [repo, ks]);
    await settle(r, URI);
    // The ConfigMap rule targets other names (an anchored regular expression): MODE still drifts.
    assert.deepEqual(titles(r), ['Drift: 1 field · prod', 'Drift: 1 field · prod']);
    assert.deepEqual(changed(r), [['/spec/template/spec/containers/0/image'], ['/data/MODE']]);
  });
});
