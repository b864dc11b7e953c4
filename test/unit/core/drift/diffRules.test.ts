/**
 * Diff rules borrowed from Argo CD and Flux (issue 14, "Diff"), one describe per rule, on our own
 * objects shaped like the real ones. Each names the upstream source it follows.
 */
import * as assert from 'node:assert/strict';
import { compareWithFiles } from '../../../../src/cli/diff';
import type { SourcedObject } from '../../../../src/cli/manifests';
import { compareSides } from '../../../../src/core/drift/comparer';
import { diffPair } from '../../../../src/core/drift/engine';
import { applicationCompareOptions, compareOptionsOf, fluxSkipReason, hasCompareOption } from '../../../../src/core/drift/objectOptions';
import { exitCodeOf, summarize } from '../../../../src/core/drift/report';
import { builtinListKeys } from '../../../../src/core/drift/listKeys';
import { DEFAULT_DIFF_SETTINGS } from '../../../../src/core/drift/settings';

type Obj = Record<string, unknown>;

const keys = (group: string, kind: string) => builtinListKeys({ group, kind });
const paths = (desired: Obj, live: Obj, group: string, kind: string): string[] => diffPair(desired, live, keys(group, kind)).changes.map((c) => c.path);
const sourced = (obj: Obj, file: string): SourcedObject => ({ obj, file, absFile: file, line: 1 });

describe('diff rules', () => {
  describe('empty lists and maps in Git (gitops-engine pkg/diff remarshal, normalizeRole)', () => {
    it('an empty list or map of a Kubernetes kind is not drift against an absent or null live field', () => {
      const desired = { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'builder', namespace: 'ci' }, imagePullSecrets: [], secrets: [] };
      const live = { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'builder', namespace: 'ci', uid: 'u' }, secrets: null };
      assert.deepEqual(paths(desired, live, '', 'ServiceAccount'), []);
      const pod = {
        apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'web', namespace: 'shop' },
        spec: { template: { spec: { nodeSelector: {}, tolerations: [], containers: [{ name: 'web', image: 'web:1', env: [], resources: { limits: {} } }] } } },
      };
      const podLive = {
        apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'web', namespace: 'shop' },
        spec: { replicas: 1, template: { spec: { containers: [{ name: 'web', image: 'web:1', resources: {} }] } } },
      };
      assert.deepEqual(paths(pod, podLive, 'apps', 'Deployment'), []);
    });

    it('an empty list is still compared when live has items, and a missing non-empty list is drift', () => {
      const desired = { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p', namespace: 'a' }, spec: { tolerations: [], containers: [{ name: 'c', image: 'i', args: ['--x'] }] } };
      const live = { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p', namespace: 'a' }, spec: { tolerations: [{ key: 'k', operator: 'Exists' }], containers: [{ name: 'c', image: 'i' }] } };
      assert.deepEqual(paths(desired, live, '', 'Pod'), ['/spec/tolerations', '/spec/containers/0/args']);
    });

    it('a custom resource keeps `[]` on the API server: an empty list live lacks is drift there', () => {
      const desired = { apiVersion: 'example.com/v1', kind: 'Widget', metadata: { name: 'w', namespace: 'a' }, spec: { items: [] } };
      const live = { apiVersion: 'example.com/v1', kind: 'Widget', metadata: { name: 'w', namespace: 'a' }, spec: {} };
      assert.deepEqual(paths(desired, live, 'example.com', 'Widget'), ['/spec/items']);
    });

    it('Role and ClusterRole `rules: []` is no rule list: not drift against `rules: null` nor against rules written live', () => {
      const role = (rules: unknown): Obj => ({ apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRole', metadata: { name: 'view-extra' }, rules });
      assert.deepEqual(paths(role([]), role(null), 'rbac.authorization.k8s.io', 'ClusterRole'), []);
      assert.deepEqual(paths(role([]), role([{ apiGroups: [''], resources: ['pods'], verbs: ['get'] }]), 'rbac.authorization.k8s.io', 'ClusterRole'), []);
      // A rule written in Git is compared as always.
      assert.deepEqual(paths(role([{ apiGroups: [''], resources: ['pods'], verbs: ['get'] }]), role(null), 'rbac.authorization.k8s.io', 'ClusterRole'), ['/rules']);
    });
  });

  describe('cluster-scoped objects ignore a namespace written in Git (gitops-engine removeNamespaceAnnotation)', () => {
    it('pairs a manifest naming a namespace with the live object that has none, and reports no drift', () => {
      const desired = { apiVersion: 'cert-manager.io/v1', kind: 'ClusterIssuer', metadata: { name: 'letsencrypt', namespace: 'cert-manager' }, spec: { acme: { server: 'https://acme.example/dir' } } };
      const live = { apiVersion: 'cert-manager.io/v1', kind: 'ClusterIssuer', metadata: { name: 'letsencrypt', uid: 'u' }, spec: { acme: { server: 'https://acme.example/dir' } } };
      const results = compareWithFiles([sourced(desired, 'issuer.yaml')], [sourced(live, 'live.yaml')], []);
      assert.deepEqual(results.map((r) => [r.status, r.namespace, r.changes.length]), [['InSync', undefined, 0]]);
    });

    it('a namespaced object in another namespace is still another object', () => {
      const cm = (namespace: string): Obj => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c', namespace }, data: { a: '1' } });
      const results = compareWithFiles([sourced(cm('prod'), 'c.yaml')], [sourced(cm('stage'), 'live.yaml')], []);
      assert.deepEqual(results.map((r) => r.status), ['Missing', 'Extra']);
    });
  });

  describe('argocd-cm resource.compareoptions ignoreAggregatedRoles (gitops-engine normalizeRole)', () => {
    const lastApplied = { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRole', metadata: { name: 'monitoring' }, aggregationRule: { clusterRoleSelectors: [{ matchLabels: { 'rbac.example.com/aggregate-to-monitoring': 'true' } }] }, rules: [{ apiGroups: [''], resources: ['nodes'], verbs: ['get'] }] };
    const desired = { ...lastApplied, rules: undefined };
    delete desired.rules;
    const live = {
      ...lastApplied,
      metadata: { name: 'monitoring', annotations: { 'kubectl.kubernetes.io/last-applied-configuration': JSON.stringify(lastApplied) } },
      rules: [{ apiGroups: [''], resources: ['services', 'endpoints'], verbs: ['list'] }],
    };
    const run = (ignoreAggregatedRoles: boolean) => diffPair(desired, live, keys('rbac.authorization.k8s.io', 'ClusterRole'), [], undefined, { ...DEFAULT_DIFF_SETTINGS, ignoreAggregatedRoles }).changes.map((c) => c.path);

    it('off (the default): rules removed from Git but still live are drift', () => {
      assert.deepEqual(run(false), ['/rules']);
    });

    it('on: the rules of an aggregated role are the aggregation controller\'s', () => {
      assert.deepEqual(run(true), []);
    });
  });

  describe('three-way removal when the last-applied configuration lacks server-defaulted keys (kubectl apply)', () => {
    const service = (ports: Obj[], extra: Obj = {}): Obj => ({ apiVersion: 'v1', kind: 'Service', metadata: { name: 'web', namespace: 'shop', ...extra }, spec: { selector: { app: 'web' }, ports } });
    // What was applied: ports without `protocol`; the API server defaulted it to TCP.
    const applied = service([{ name: 'http', port: 80, targetPort: 8080 }, { name: 'https', port: 443, targetPort: 8443 }]);
    const live = service(
      [{ name: 'http', port: 80, protocol: 'TCP', targetPort: 8080 }, { name: 'https', port: 443, protocol: 'TCP', targetPort: 8443 }],
      { annotations: { 'kubectl.kubernetes.io/last-applied-configuration': JSON.stringify(applied) } },
    );

    it('a port removed from Git but still live is drift', () => {
      const desired = service([{ name: 'http', port: 80, targetPort: 8080 }]);
      const changes = diffPair(desired, live, keys('', 'Service')).changes;
      assert.deepEqual(changes.map((c) => [c.path, c.kind]), [['/spec/ports/1', 'removed']]);
    });

    it('a field removed from a port that stays is drift too; the unchanged manifest is in sync', () => {
      const desired = service([{ name: 'http', port: 80 }, { name: 'https', port: 443, targetPort: 8443 }]);
      assert.deepEqual(diffPair(desired, live, keys('', 'Service')).changes.map((c) => [c.path, c.kind]), [['/spec/ports/0/targetPort', 'removed']]);
      assert.deepEqual(diffPair(applied, live, keys('', 'Service')).changes, []);
    });

    it('a manifest that now writes the protocol still finds its last-applied item', () => {
      const desired = service([{ name: 'http', port: 80, protocol: 'TCP' }, { name: 'https', port: 443, protocol: 'TCP', targetPort: 8443 }]);
      assert.deepEqual(diffPair(desired, live, keys('', 'Service')).changes.map((c) => c.path), ['/spec/ports/0/targetPort']);
    });
  });

  describe('server-side apply: fields the controller applied and Git dropped (managedFields; gitops-engine structuredMergeDiff, fluxcd/pkg ssa)', () => {
    const entry = (manager: string, operation: string, fieldsV1: Obj, subresource?: string): Obj => ({ manager, operation, apiVersion: 'v1', fieldsType: 'FieldsV1', fieldsV1, time: '2026-03-01T10:00:00Z', ...(subresource ? { subresource } : {}) });
    const configMap = (data: Obj, managedFields: Obj[] = [], annotations?: Obj): Obj => ({
      apiVersion: 'v1', kind: 'ConfigMap',
      metadata: { name: 'settings', namespace: 'shop', ...(annotations ? { annotations } : {}), ...(managedFields.length > 0 ? { managedFields } : {}) },
      data,
    });
    const liveWith = (applier: string, annotations?: Obj): Obj =>
      configMap({ a: '1', b: '2', c: '3' }, [
        entry(applier, 'Apply', { 'f:data': { 'f:a': {}, 'f:b': {} } }),
        entry('kubectl-edit', 'Update', { 'f:data': { 'f:c': {} } }),
      ], annotations);
    const run = (desired: Obj, live: Obj, tool?: 'argocd' | 'flux'): string[][] =>
      diffPair(desired, live, keys('', 'ConfigMap'), [], tool ? { tool, name: 'shop' } : undefined).changes.map((c) => [c.path, c.kind]);

    it('Argo CD (argocd-controller, Apply): a key it applied and Git dropped is removed; a key kubectl edit added is not its to remove', () => {
      assert.deepEqual(run(configMap({ a: '1' }), liveWith('argocd-controller'), 'argocd'), [['/data/b', 'removed']]);
      assert.deepEqual(run(configMap({ a: '1', b: '2' }), liveWith('argocd-controller'), 'argocd'), []);
    });

    it('Flux (kustomize-controller) takes over kubectl\'s fields before applying: both keys are removed, unless ssa: Merge', () => {
      assert.deepEqual(run(configMap({ a: '1' }), liveWith('kustomize-controller'), 'flux'), [['/data/b', 'removed'], ['/data/c', 'removed']]);
      const merge = { 'kustomize.toolkit.fluxcd.io/ssa': 'Merge' };
      assert.deepEqual(run(configMap({ a: '1' }, [], merge), liveWith('kustomize-controller', merge), 'flux'), [['/data/b', 'removed']]);
      // helm-controller has no such cleanup: a HelmRelease's object keeps kubectl's key.
      const helm = diffPair(configMap({ a: '1' }), liveWith('helm-controller'), keys('', 'ConfigMap'), [], { tool: 'flux', name: 'shop', kind: 'HelmRelease' }).changes.map((c) => [c.path, c.kind]);
      assert.deepEqual(helm, [['/data/b', 'removed']]);
    });

    it('without a known deployer any GitOps controller\'s Apply entry counts; other appliers do not', () => {
      assert.deepEqual(run(configMap({ a: '1' }), liveWith('helm-controller')), [['/data/b', 'removed']]);
      assert.deepEqual(run(configMap({ a: '1' }), liveWith('kubectl')), []);
      // An Update entry of the controller is client-side apply: its removals come from last-applied.
      const update = configMap({ a: '1', b: '2' }, [entry('argocd-controller', 'Update', { 'f:data': { 'f:a': {}, 'f:b': {} } })]);
      assert.deepEqual(run(configMap({ a: '1' }), update, 'argocd'), []);
    });

    it('Argo CD\'s tracking label, which its apply adds, is not a removal when Git never wrote it', () => {
      const live = configMap({ a: '1' }, [entry('argocd-controller', 'Apply', { 'f:metadata': { 'f:labels': { 'f:app.kubernetes.io/instance': {} } }, 'f:data': { 'f:a': {} } })]);
      (live.metadata as Obj).labels = { 'app.kubernetes.io/instance': 'shop' };
      assert.deepEqual(run(configMap({ a: '1' }), live), []);
      assert.deepEqual(run(configMap({ a: '1' }), live, 'argocd'), []);
    });

    it('a field another manager owns too stays: shared ownership is released, not deleted', () => {
      const live = configMap({ a: '1', b: '2' }, [
        entry('argocd-controller', 'Apply', { 'f:data': { 'f:a': {}, 'f:b': {} } }),
        entry('platform-operator', 'Apply', { 'f:data': { 'f:b': {} } }),
      ]);
      assert.deepEqual(run(configMap({ a: '1' }), live, 'argocd'), []);
    });

    it('keyed list items: a Service port removed from Git is removed by key; of a port others co-own only the controller\'s fields go', () => {
      const svc = (ports: Obj[], managedFields: Obj[] = []): Obj => ({ apiVersion: 'v1', kind: 'Service', metadata: { name: 'web', namespace: 'shop', ...(managedFields.length ? { managedFields } : {}) }, spec: { ports } });
      const port = (p: number, extra: Obj = {}): Obj => ({ name: `p${p}`, port: p, protocol: 'TCP', targetPort: p + 8000, ...extra });
      const owned = (p: number): Obj => ({ [`k:{"port":${p},"protocol":"TCP"}`]: { '.': {}, 'f:name': {}, 'f:port': {}, 'f:targetPort': {} } });
      const live = svc([port(80), port(443, { nodePort: 30443 })], [
        entry('argocd-controller', 'Apply', { 'f:spec': { 'f:ports': { ...owned(80), ...owned(443) } } }),
        entry('kube-controller-manager', 'Update', { 'f:spec': { 'f:ports': { 'k:{"port":443,"protocol":"TCP"}': { 'f:nodePort': {} } } } }),
      ]);
      const changes = diffPair(svc([{ name: 'p80', port: 80, targetPort: 8080 }]), live, keys('', 'Service'), [], { tool: 'argocd', name: 'shop' }).changes;
      assert.deepEqual(changes.map((c) => [c.path, c.kind]), [['/spec/ports/1/name', 'removed'], ['/spec/ports/1/port', 'removed'], ['/spec/ports/1/targetPort', 'removed']]);
      const alone = svc([port(80), port(443)], [entry('argocd-controller', 'Apply', { 'f:spec': { 'f:ports': { ...owned(80), ...owned(443) } } })]);
      assert.deepEqual(diffPair(svc([{ name: 'p80', port: 80, targetPort: 8080 }]), alone, keys('', 'Service'), [], { tool: 'argocd', name: 'shop' }).changes.map((c) => [c.path, c.kind]), [['/spec/ports/1', 'removed']]);
    });

    it('status writes (subresource) and Flux\'s own ownership labels are never removals', () => {
      const live = configMap({ a: '1' }, [
        entry('kustomize-controller', 'Apply', { 'f:metadata': { 'f:labels': { 'f:kustomize.toolkit.fluxcd.io/name': {}, 'f:kustomize.toolkit.fluxcd.io/namespace': {} } }, 'f:data': { 'f:a': {} } }),
        entry('kustomize-controller', 'Apply', { 'f:status': { 'f:x': {} } }, 'status'),
      ]);
      (live.metadata as Obj).labels = { 'kustomize.toolkit.fluxcd.io/name': 'apps', 'kustomize.toolkit.fluxcd.io/namespace': 'flux-system' };
      assert.deepEqual(run(configMap({ a: '1' }), live, 'flux'), []);
    });
  });

  describe('server-side dry-run prediction (gitops-engine serverSideDiff, removeWebhookMutation)', () => {
    const live: Obj = {
      apiVersion: 'v1', kind: 'ConfigMap',
      metadata: { name: 'settings', namespace: 'shop', managedFields: [{ manager: 'argocd-controller', operation: 'Apply', fieldsType: 'FieldsV1', fieldsV1: { 'f:data': { 'f:a': {}, 'f:b': {} } } }] },
      data: { a: '1', b: '2' },
    };
    const original: Obj = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'settings', namespace: 'shop' }, data: { a: '10' } };
    // The dry-run as gitops-lens: our field a, a webhook's label, b kept (another manager's apply keeps it).
    const predicted: Obj = {
      apiVersion: 'v1', kind: 'ConfigMap',
      metadata: { name: 'settings', namespace: 'shop', labels: { injected: 'by-webhook' }, managedFields: [...(live.metadata as { managedFields: Obj[] }).managedFields, { manager: 'gitops-lens', operation: 'Apply', fieldsType: 'FieldsV1', fieldsV1: { 'f:data': { 'f:a': {} } } }] },
      data: { a: '10', b: '2' },
    };
    const run = (includeMutationWebhook: boolean): string[][] =>
      compareSides({ obj: predicted }, { obj: live }, { listKeys: keys('', 'ConfigMap'), predicted: true, original: { obj: original }, dryRunManager: 'gitops-lens', includeMutationWebhook, app: { tool: 'argocd', name: 'shop' } }).map((f) => [f.path, f.kind]);

    it('a webhook\'s change in the prediction is not drift; Git\'s change is; the key Git dropped is removed', () => {
      assert.deepEqual(run(false), [['/data/a', 'changed'], ['/data/b', 'removed']]);
    });

    it('IncludeMutationWebhook=true counts the webhook\'s change too', () => {
      assert.deepEqual(run(true), [['/metadata/labels', 'missingLive'], ['/data/a', 'changed'], ['/data/b', 'removed']]);
    });
  });

  describe('object annotations: Argo CD compare-options, Flux ssa (gitops-engine HasAnnotationOption, fluxcd/pkg ssa shouldSkipDiff)', () => {
    const annotated = (annotations: Obj, kind = 'ConfigMap'): Obj => ({ apiVersion: 'v1', kind, metadata: { name: 'x', namespace: 'a', annotations }, data: { k: 'v' } });

    it('compare-options is a trimmed comma list matched exactly; Application options for the diff', () => {
      assert.deepEqual(compareOptionsOf(annotated({ 'argocd.argoproj.io/compare-options': ' IgnoreExtraneous, ServerSideDiff=true ,,IgnoreExtraneous' })), ['IgnoreExtraneous', 'ServerSideDiff=true']);
      assert.equal(hasCompareOption(annotated({ 'argocd.argoproj.io/compare-options': 'ignoreextraneous' }), 'IgnoreExtraneous'), false);
      assert.deepEqual(applicationCompareOptions(annotated({ 'argocd.argoproj.io/compare-options': 'ServerSideDiff=false,IncludeMutationWebhook=true' })), { serverSideDiff: false, includeMutationWebhook: true });
      assert.deepEqual(applicationCompareOptions(annotated({})), { includeMutationWebhook: false });
    });

    it('Flux skips on ssa: Ignore or reconcile: disabled on either side (any case, label or annotation), on IfNotPresent in Git when the object exists', () => {
      assert.equal(fluxSkipReason(annotated({}), annotated({ 'kustomize.toolkit.fluxcd.io/ssa': 'IGNORE' })), 'kustomize.toolkit.fluxcd.io/ssa: Ignore');
      assert.equal(fluxSkipReason({ metadata: { labels: { 'kustomize.toolkit.fluxcd.io/reconcile': 'disabled' } } }, annotated({})), 'kustomize.toolkit.fluxcd.io/reconcile: disabled');
      assert.equal(fluxSkipReason(annotated({ 'kustomize.toolkit.fluxcd.io/ssa': 'IfNotPresent' }), annotated({})), 'kustomize.toolkit.fluxcd.io/ssa: IfNotPresent');
      assert.equal(fluxSkipReason(annotated({ 'kustomize.toolkit.fluxcd.io/ssa': 'IfNotPresent' }), undefined), undefined);
      assert.equal(fluxSkipReason(annotated({ 'kustomize.toolkit.fluxcd.io/ssa': 'Merge' }), annotated({})), undefined);
    });

    it('the CLI: an extra object annotated IgnoreExtraneous is listed but does not fail the run; Flux-ignored drift is in sync with a note', () => {
      const extra = { ...annotated({ 'argocd.argoproj.io/compare-options': 'IgnoreExtraneous' }), metadata: { name: 'generated', namespace: 'a', annotations: { 'argocd.argoproj.io/compare-options': 'IgnoreExtraneous' } } };
      const results = compareWithFiles([], [sourced(extra, 'live.yaml')], []);
      assert.deepEqual(results.map((r) => [r.status, r.note]), [['Extra', 'compare-options IgnoreExtraneous: not counted as drift']]);
      assert.equal(exitCodeOf(summarize(results), results), 0);
      const plainExtra = compareWithFiles([], [sourced(annotated({}), 'live.yaml')], []);
      assert.equal(exitCodeOf(summarize(plainExtra), plainExtra), 1);
      const live = { ...annotated({ 'kustomize.toolkit.fluxcd.io/ssa': 'Ignore' }), data: { k: 'changed' } };
      const skipped = compareWithFiles([sourced(annotated({}), 'cm.yaml')], [sourced(live, 'live.yaml')], []);
      assert.deepEqual(skipped.map((r) => [r.status, r.changes.length, r.note]), [['InSync', 0, 'Flux leaves it alone: kustomize.toolkit.fluxcd.io/ssa: Ignore']]);
    });
  });

  describe('SOPS-encrypted documents: keys compared, values not (kustomize-controller decryption)', () => {
    const enc = 'ENC[AES256_GCM,data:Zm9v,iv:aXY=,tag:dGFn,type:str]';
    const sopsBlock = { mac: enc, version: '3.9.4', age: [{ recipient: 'age1example', enc: '-----BEGIN AGE ENCRYPTED FILE-----' }] };
    const desired: Obj = { apiVersion: 'example.com/v1', kind: 'Credentials', metadata: { name: 'c', namespace: 'a' }, spec: { token: enc, user: 'bot', nested: { key: enc } }, sops: sopsBlock };

    it('no drift for encrypted values that differ (they always do), nor for the sops block', () => {
      const live = { apiVersion: 'example.com/v1', kind: 'Credentials', metadata: { name: 'c', namespace: 'a' }, spec: { token: 'plain-token', user: 'bot', nested: { key: 'plain' } } };
      assert.deepEqual(paths(desired, live, 'example.com', 'Credentials'), []);
    });

    it('an encrypted key live lacks is drift, shown without its ciphertext; a plain value is compared as always', () => {
      const live = { apiVersion: 'example.com/v1', kind: 'Credentials', metadata: { name: 'c', namespace: 'a' }, spec: { user: 'robot', nested: {} } };
      const changes = diffPair(desired, live, keys('example.com', 'Credentials')).changes;
      assert.deepEqual(changes.map((c) => [c.path, c.desired]), [['/spec/token', '(encrypted with SOPS)'], ['/spec/user', 'bot'], ['/spec/nested/key', '(encrypted with SOPS)']]);
    });

    it('a document without a sops block (no mac) is plain YAML: ENC-looking values are compared', () => {
      const plain = { ...desired };
      delete plain.sops;
      const live = { apiVersion: 'example.com/v1', kind: 'Credentials', metadata: { name: 'c', namespace: 'a' }, spec: { token: 'plain-token', user: 'bot', nested: { key: 'plain' } } };
      assert.deepEqual(paths(plain, live, 'example.com', 'Credentials'), ['/spec/token', '/spec/nested/key']);
    });
  });
});
