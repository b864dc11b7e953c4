/**
 * System-level diff settings from argocd-cm (issue 14): how they are read (argo-cd util/settings
 * settings.go, util/argo/diff/ignore.go, util/argo/normalizers/diff_normalizer.go), and the lenses
 * honouring them end to end below the editor: the cluster's argocd-cm read by the same settings cache
 * as resource health, handed to the real DriftSession as composition.ts wires it.
 */
import * as assert from 'node:assert/strict';
import { mapArgoApplication } from '../../../../src/core/argocd/application';
import { ArgoCdSettingsCache } from '../../../../src/core/argocd/settings/cache';
import { parseDiffSettings } from '../../../../src/core/argocd/settings/diffSettings';
import { compareSides } from '../../../../src/core/drift/comparer';
import { ignoreSpecsOf, rulesFor } from '../../../../src/core/drift/ignore';
import { builtinListKeys } from '../../../../src/core/drift/listKeys';
import { DriftSession } from '../../../../src/core/drift/session';
import type { App } from '../../../../src/core/model/app';
import { lensTitle } from '../../../../src/vscode/codelens/lensTitle';
import * as F from '../../../fixtures/gitops/argocd';
import { FakeReader, guestbookConfigMapYaml, guestbookDeploymentYaml, liveOf, repoOf, ROOT, settle, uriOf } from '../../../support/driftFixtures';
import { recordingLogger } from '../../../support/fakes';

type Obj = Record<string, unknown>;
const argocdCm = (data: Record<string, string>): Obj => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'argocd-cm', namespace: 'argocd' }, data });
const id = (apiVersion: string, kind: string, name = 'x', namespace = 'ns') => ({ apiVersion, kind, name, namespace });

describe('argocd-cm diff settings (parseDiffSettings)', () => {
  it('reads split keys per group_kind, kind and all, and the legacy block whose ignoreDifferences is a YAML string', () => {
    const { settings, problems } = parseDiffSettings(argocdCm({
      'resource.customizations.ignoreDifferences.admissionregistration.k8s.io_MutatingWebhookConfiguration': "jqPathExpressions:\n- '.webhooks[]?.clientConfig.caBundle'\n",
      'resource.customizations.ignoreDifferences.Service': 'jsonPointers:\n- /spec/clusterIP\n',
      'resource.customizations.ignoreDifferences.all': 'managedFieldsManagers:\n- kube-controller-manager\njsonPointers:\n- /spec/replicas\n',
      'resource.customizations': 'apps/StatefulSet:\n  ignoreDifferences: |\n    jsonPointers:\n    - /spec/volumeClaimTemplates\n',
    }));
    assert.deepEqual(problems, []);
    const sources = (apiVersion: string, kind: string, live: unknown = {}) => rulesFor(settings.ignore, id(apiVersion, kind), live).map((r) => r.source).sort();
    assert.deepEqual(sources('admissionregistration.k8s.io/v1', 'MutatingWebhookConfiguration'), [
      'resource.customizations.ignoreDifferences.admissionregistration.k8s.io_MutatingWebhookConfiguration.jqPathExpressions[0]',
      'resource.customizations.ignoreDifferences.all.jsonPointers[0]',
    ]);
    assert.deepEqual(sources('v1', 'Service'), ['resource.customizations.ignoreDifferences.Service.jsonPointers[0]', 'resource.customizations.ignoreDifferences.all.jsonPointers[0]']);
    assert.deepEqual(sources('apps/v1', 'StatefulSet'), ['resource.customizations "apps/StatefulSet".ignoreDifferences.jsonPointers[0]', 'resource.customizations.ignoreDifferences.all.jsonPointers[0]']);
    assert.deepEqual(sources('v1', 'ConfigMap'), ['resource.customizations.ignoreDifferences.all.jsonPointers[0]']);
    // `all` managers resolve against the live object's managedFields.
    const live = { metadata: { managedFields: [{ manager: 'kube-controller-manager', operation: 'Update', fieldsType: 'FieldsV1', fieldsV1: { 'f:spec': { 'f:replicas': {} } } }] } };
    assert.ok(sources('apps/v1', 'Deployment', live).includes('resource.customizations.ignoreDifferences.all.managedFieldsManagers (kube-controller-manager)'));
    assert.deepEqual(settings.ignoreAggregatedRoles, false);
    assert.equal(settings.ignoreResourceStatusField, 'all');
  });

  it('a split key replaces the legacy block\'s entry for the same group/kind; a glob key applies its paths but not its managers', () => {
    const { settings } = parseDiffSettings(argocdCm({
      'resource.customizations': "apps/Deployment:\n  ignoreDifferences: 'jsonPointers: [/spec/paused]'\n'apps/*':\n  ignoreDifferences: |\n    jsonPointers: [/spec/minReadySeconds]\n    managedFieldsManagers: [hpa]\n",
      'resource.customizations.ignoreDifferences.apps_Deployment': 'jsonPointers: [/spec/replicas]',
    }));
    const live = { metadata: { managedFields: [{ manager: 'hpa', operation: 'Update', fieldsType: 'FieldsV1', fieldsV1: { 'f:spec': { 'f:replicas': {} } } }] } };
    // The split key's /spec/replicas, not the block's /spec/paused; the glob's path, not its manager hpa.
    assert.deepEqual(rulesFor(settings.ignore, id('apps/v1', 'Deployment'), live).map((r) => r.source).sort(), [
      'resource.customizations "apps/*".ignoreDifferences.jsonPointers[0]',
      'resource.customizations.ignoreDifferences.apps_Deployment.jsonPointers[0]',
    ]);
  });

  it('resource.compareoptions: ignoreAggregatedRoles and ignoreResourceStatusField (off/false read as none, anything else as all)', () => {
    const read = (text: string) => parseDiffSettings(argocdCm({ 'resource.compareoptions': text })).settings;
    assert.deepEqual([read('ignoreAggregatedRoles: true').ignoreAggregatedRoles, read('ignoreAggregatedRoles: true').ignoreResourceStatusField], [true, 'all']);
    assert.equal(read('ignoreResourceStatusField: crd').ignoreResourceStatusField, 'crd');
    assert.equal(read('ignoreResourceStatusField: none').ignoreResourceStatusField, 'none');
    assert.equal(read('ignoreResourceStatusField: off').ignoreResourceStatusField, 'none');
    assert.equal(read('ignoreResourceStatusField: sometimes').ignoreResourceStatusField, 'all');
  });

  it('says what it cannot read, and keeps the rest', () => {
    const { settings, problems } = parseDiffSettings(argocdCm({
      'resource.customizations.ignoreDifferences.apps_Deployment': 'jsonPointers: [spec/replicas]',
      'resource.customizations.ignoreDifferences.a_b_c': 'jsonPointers: [/x]',
      'resource.customizations.ignoreDifferences.Service': ': : [',
      'resource.customizations.ignoreDifferences.ConfigMap': 'jsonPointers: [/data/x]',
      'resource.compareoptions': 'ignoreAggregatedRoles: maybe',
    }));
    assert.equal(problems.length, 4, problems.join('\n'));
    assert.match(problems.join('\n'), /must start with "\/"/);
    assert.match(problems.join('\n'), /a_b_c: the key must end in <group>_<kind>/);
    assert.equal(rulesFor(settings.ignore, id('v1', 'ConfigMap'), {}).length, 1);
  });

  it('ignoreResourceStatusField none compares a status written in Git; crd spares CRDs; all (the default) never compares it', () => {
    const crd = (status: Obj): Obj => ({ apiVersion: 'apiextensions.k8s.io/v1', kind: 'CustomResourceDefinition', metadata: { name: 'widgets.example.com' }, spec: { group: 'example.com' }, status });
    const widget = (status: Obj): Obj => ({ apiVersion: 'example.com/v1', kind: 'Widget', metadata: { name: 'w', namespace: 'a' }, spec: {}, status });
    const run = (desired: Obj, live: Obj, field: 'all' | 'crd' | 'none') =>
      compareSides({ obj: desired }, { obj: live }, { listKeys: builtinListKeys({ group: 'example.com', kind: 'Widget' }), settings: { ignore: [], ignoreAggregatedRoles: false, ignoreResourceStatusField: field } }).map((f) => f.path);
    assert.deepEqual(run(widget({ phase: 'Ready' }), widget({ phase: 'Pending' }), 'all'), []);
    assert.deepEqual(run(widget({ phase: 'Ready' }), widget({ phase: 'Pending' }), 'none'), ['/status/phase']);
    assert.deepEqual(run(widget({ phase: 'Ready' }), widget({ phase: 'Pending' }), 'crd'), ['/status/phase']);
    assert.deepEqual(run(crd({ storedVersions: ['v1'] }), crd({ storedVersions: ['v1', 'v2'] }), 'crd'), []);
  });
});

describe('lenses honour the cluster\'s argocd-cm (ArgoCdSettingsCache → DriftSession)', () => {
  const FILE = `${ROOT}/apps/guestbook/guestbook.yaml`;
  const URI = uriOf(FILE);
  const DEPLOYMENT = guestbookDeploymentYaml();
  const CONFIGMAP = guestbookConfigMapYaml({ LOG_LEVEL: 'info', MODE: 'web' });

  /** The live objects: an HPA scaled the Deployment, an operator rewrote MODE; argocd-cm as given. */
  function cluster(cm: Obj | undefined): FakeReader {
    const reader = new FakeReader();
    reader.set('prod', 'Deployment', 'guestbook', 'guestbook-ui', { obj: liveOf(DEPLOYMENT, 'guestbook', (o) => ((o.spec as Obj).replicas = 4)) });
    reader.set('prod', 'ConfigMap', 'guestbook', 'guestbook-config', {
      obj: liveOf(CONFIGMAP, 'guestbook', (o) => {
        (o.data as Obj).MODE = 'api';
        (o.metadata as Obj).managedFields = [{ manager: 'mode-operator', operation: 'Update', fieldsType: 'FieldsV1', fieldsV1: { 'f:data': { 'f:MODE': {} } } }];
      }),
    });
    if (cm) reader.set('prod', 'ConfigMap', 'argocd', 'argocd-cm', { obj: cm });
    return reader;
  }

  function setup(reader: FakeReader) {
    const app: App = mapArgoApplication('prod', structuredClone(F.ARGO2_SYNCED_HEALTHY));
    // As composition.ts wires it: one settings cache (health and diff), its reads announced to the session.
    const settings = new ArgoCdSettingsCache((c, namespace, name) => reader.get(c, { apiVersion: 'v1', kind: 'ConfigMap', namespace, name }));
    const session = new DriftSession({
      apps: () => [app],
      reader,
      repoOf,
      log: recordingLogger().logger,
      ignoreOf: ignoreSpecsOf,
      diffSettingsOf: (a) => (a.tool === 'argocd' ? settings.diffNow(a.cluster, a.namespace) : undefined),
    });
    settings.onDidRead(() => session.settingsChanged());
    session.track({ uri: URI, fsPath: FILE, text: `${DEPLOYMENT}---\n${CONFIGMAP}` });
    return { session, settings };
  }
  const titles = (r: DriftSession) => r.lenses(URI).map((l) => lensTitle(l));

  it('without ignore rules in argocd-cm both drifts count', async () => {
    const { session } = setup(cluster(argocdCm({})));
    await settle(session, URI);
    await new Promise((r) => setImmediate(r));
    assert.deepEqual(titles(session), ['Drift: 1 field · prod', 'Drift: 1 field · prod']);
  });

  it('resource.customizations.ignoreDifferences.apps_Deployment and .all (managedFieldsManagers) hide their fields', async () => {
    const reader = cluster(argocdCm({
      'resource.customizations.ignoreDifferences.apps_Deployment': 'jsonPointers:\n- /spec/replicas\n',
      'resource.customizations.ignoreDifferences.all': 'managedFieldsManagers:\n- mode-operator\n',
    }));
    const { session } = setup(reader);
    await settle(session, URI);
    for (let i = 0; i < 5; i++) await new Promise((r) => setImmediate(r));
    assert.deepEqual(titles(session), ['In sync · prod', 'In sync · prod']);
    assert.ok(reader.calls.includes('prod ConfigMap argocd/argocd-cm'), 'argocd-cm read from the app\'s cluster and namespace');
    assert.deepEqual(session.details(URI).map((d) => d.changes.length), [0, 0]);
  });

  it('argocd-cm read again after invalidate (a refresh) changes the lenses', async () => {
    const reader = cluster(argocdCm({}));
    const { session, settings } = setup(reader);
    await settle(session, URI);
    for (let i = 0; i < 5; i++) await new Promise((r) => setImmediate(r));
    assert.deepEqual(titles(session), ['Drift: 1 field · prod', 'Drift: 1 field · prod']);
    reader.set('prod', 'ConfigMap', 'argocd', 'argocd-cm', { obj: argocdCm({ 'resource.customizations.ignoreDifferences.apps_Deployment': 'jsonPointers: [/spec/replicas]' }) });
    settings.invalidate('prod');
    session.settingsChanged();
    for (let i = 0; i < 5; i++) await new Promise((r) => setImmediate(r));
    assert.deepEqual(titles(session), ['In sync · prod', 'Drift: 1 field · prod']);
  });
});
