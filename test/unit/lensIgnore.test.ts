/**
 * The manifest lenses honour the ignore rules the tools declare, end to end below the editor: real
 * mappers (Argo CD spec.ignoreDifferences, Flux spec.ignore / spec.driftDetection.ignore), the
 * `ignoreSpecsOf` composition passes as `ignoreOf`, and the real DriftResults engine.
 */
import * as assert from 'node:assert/strict';
import { parse } from 'yaml';
import { mapArgoApplication } from '../../src/core/argocd/application';
import { ignoreSpecsOf } from '../../src/core/drift/ignore';
import { mapFluxKustomization, mapFluxSource } from '../../src/core/flux/mapFlux';
import type { App } from '../../src/core/model/app';
import { DriftResults, lensTitle, type LiveReader, type LiveRef } from '../../src/vscode/codelens/driftResults';
import * as F from '../fixtures/gitops/argocd';
import { applyDefaults } from '../sim/k8s/semantics/defaults';
import type { KubeObject } from '../sim/k8s/types';
import { recordingLogger } from '../support/fakes';

// The Argo CD fixture deploys https://git.example.test/org/apps.git, path apps/guestbook, into
// namespace guestbook; the workspace is a clone of that repository.
const ROOT = '/home/me/apps';
const REMOTE = 'git@git.example.test:org/apps.git';
const FILE = `${ROOT}/apps/guestbook/guestbook.yaml`;
const URI = `file://${FILE}`;

const DEPLOYMENT = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: guestbook-ui
spec:
  replicas: 1
  selector:
    matchLabels: {app: guestbook-ui}
  template:
    metadata:
      labels: {app: guestbook-ui}
    spec:
      initContainers:
      - name: injected-init-container
        image: sidecar:1
      containers:
      - name: guestbook-ui
        image: gcr.io/heptio-images/ks-guestbook-demo:0.2
`;
const CONFIGMAP = `apiVersion: v1
kind: ConfigMap
metadata:
  name: guestbook-config
data:
  LOG_LEVEL: info
  MODE: web
`;
const TEXT = `${DEPLOYMENT}---\n${CONFIGMAP}`;

type Obj = Record<string, unknown>;

/** What the API server would return for a manifest, then changed by someone else. */
function liveOf(manifest: string, edit: (o: Obj) => void): Obj {
  const o = applyDefaults(parse(manifest) as KubeObject) as unknown as Obj;
  o.metadata = { ...(o.metadata as object), namespace: 'guestbook', uid: 'b7f2c1d0-0000-4000-8000-000000000002', resourceVersion: '12', generation: 2 };
  edit(o);
  return o;
}

/** The cluster after an HPA scaled the Deployment, a webhook bumped the injected init container, someone edited the image, and an operator rewrote the ConfigMap's MODE. */
function drifted(): Map<string, Obj> {
  const deploy = liveOf(DEPLOYMENT, (o) => {
    const spec = o.spec as { replicas: number; template: { spec: { initContainers: Array<{ image: string }>; containers: Array<{ image: string }> } } };
    spec.replicas = 4;
    spec.template.spec.initContainers[0]!.image = 'sidecar:2';
    spec.template.spec.containers[0]!.image = 'gcr.io/heptio-images/ks-guestbook-demo:0.3';
  });
  const cm = liveOf(CONFIGMAP, (o) => {
    (o.data as Obj).MODE = 'api';
    (o.metadata as Obj).managedFields = [
      { manager: 'argocd-controller', operation: 'Apply', fieldsType: 'FieldsV1', fieldsV1: { 'f:data': { 'f:LOG_LEVEL': {}, 'f:MODE': {} } } },
      { manager: 'mode-operator', operation: 'Update', fieldsType: 'FieldsV1', fieldsV1: { 'f:data': { 'f:MODE': {} } } },
    ];
  });
  return new Map([
    ['Deployment guestbook/guestbook-ui', deploy],
    ['ConfigMap guestbook/guestbook-config', cm],
  ]);
}

class MapReader implements LiveReader {
  constructor(private readonly objects: Map<string, Obj>) {}
  async get(_cluster: string, ref: LiveRef): Promise<unknown> {
    await Promise.resolve();
    const o = this.objects.get(`${ref.kind} ${ref.namespace}/${ref.name}`);
    if (!o) throw Object.assign(new Error('HTTP-Code: 404'), { code: 404 });
    return structuredClone(o);
  }
}

function argoApp(ignoreDifferences?: unknown[]): App {
  const obj = structuredClone(F.ARGO2_SYNCED_HEALTHY) as { spec: Obj };
  if (ignoreDifferences) obj.spec.ignoreDifferences = ignoreDifferences;
  const app = mapArgoApplication('prod', obj);
  assert.deepEqual(app.problems, []);
  return app;
}

function setup(apps: () => readonly App[]) {
  const results = new DriftResults({
    apps,
    reader: new MapReader(drifted()),
    repoOf: (fsPath) => (fsPath.startsWith(`${ROOT}/`) ? { root: ROOT, remotes: [REMOTE], branch: 'main' } : undefined),
    log: recordingLogger().logger,
    // As composition.ts wires it.
    ignoreOf: ignoreSpecsOf,
  });
  results.track({ uri: URI, fsPath: FILE, text: TEXT });
  return results;
}

async function settle(results: DriftResults): Promise<void> {
  for (let i = 0; i < 200; i++) {
    await new Promise((r) => setImmediate(r));
    if (results.lenses(URI).length > 0 && results.lenses(URI).every((l) => l.state.kind !== 'loading')) {
      await new Promise((r) => setImmediate(r));
      return;
    }
  }
  assert.fail(`lenses never settled: ${JSON.stringify(results.lenses(URI))}`);
}

const titles = (r: DriftResults) => r.lenses(URI).map((l) => lensTitle(l));
const changed = (r: DriftResults) => r.details(URI).map((d) => d.changes.map((c) => c.path));

describe('lenses honour the apps\' ignore rules (ignoreOf = ignoreSpecsOf)', () => {
  it('without rules every changed field counts (the baseline the other cases subtract from)', async () => {
    const r = setup(() => [argoApp()]);
    await settle(r);
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
    await settle(r);
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
    await settle(r);
    assert.deepEqual(titles(r), ['Drift: 3 fields · prod', 'Drift: 1 field · prod']);
  });

  it('an app that gains a rule is compared again when AppStore reports it updated', async () => {
    let apps: readonly App[] = [argoApp()];
    const r = setup(() => apps);
    await settle(r);
    assert.deepEqual(titles(r), ['Drift: 3 fields · prod', 'Drift: 1 field · prod']);
    apps = [argoApp([{ group: 'apps', kind: 'Deployment', jsonPointers: ['/spec/replicas'] }])];
    r.appsChanged({ added: [], updated: [apps[0]!.key], removed: [] });
    await settle(r);
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
    await settle(r);
    // The ConfigMap rule targets other names (an anchored regular expression): MODE still drifts.
    assert.deepEqual(titles(r), ['Drift: 1 field · prod', 'Drift: 1 field · prod']);
    assert.deepEqual(changed(r), [['/spec/template/spec/containers/0/image'], ['/data/MODE']]);
  });
});
