/**
 * Argo CD's built-in Lua checks that we re-express (argo-cd `resource_customizations/<group>/<kind>/health.lua`),
 * family by family, on objects shaped like what each controller writes.
 */
import * as assert from 'node:assert/strict';
import fc from 'fast-check';
import { assessHealth, liveResourceHealth } from '../../../../../src/core/argocd/health/assess';
import { NATIVE_RULES } from '../../../../../src/core/argocd/health/rules';

type Cond = { type: string; status: string; reason?: string; message?: string; [k: string]: unknown };
const obj = (apiVersion: string, kind: string, status?: unknown, spec: unknown = {}, metadata: Record<string, unknown> = {}) => ({
  apiVersion,
  kind,
  metadata: { name: 'x', namespace: 'ns', generation: 1, ...metadata },
  spec,
  ...(status === undefined ? {} : { status }),
});
const conds = (...c: Cond[]) => ({ conditions: c });
const h = (o: unknown) => liveResourceHealth(o);

describe('core/argocd/health CRD rules (Argo CD built-in Lua checks)', () => {
  it('cert-manager Certificate: Issuing first, then Ready; Issuer and ClusterIssuer by Ready', () => {
    const cert = (...c: Cond[]) => obj('cert-manager.io/v1', 'Certificate', conds(...c), { secretName: 'shop-tls', issuerRef: { name: 'le', kind: 'ClusterIssuer' } });
    assert.deepEqual(h(obj('cert-manager.io/v1', 'Certificate')), { status: 'Progressing', message: 'Waiting for certificate' });
    assert.deepEqual(h(cert({ type: 'Ready', status: 'False', reason: 'Failed', message: 'The certificate request has failed to complete' })), { status: 'Degraded', message: 'The certificate request has failed to complete' });
    assert.deepEqual(h(cert({ type: 'Ready', status: 'False', message: 'stale' }, { type: 'Issuing', status: 'True', message: 'Renewing certificate as renewal was scheduled' })), {
      status: 'Progressing',
      message: 'Renewing certificate as renewal was scheduled',
    });
    assert.deepEqual(h(cert({ type: 'Ready', status: 'True', reason: 'Ready', message: 'Certificate is up to date and has not expired' })), { status: 'Healthy', message: 'Certificate is up to date and has not expired' });
    assert.deepEqual(h(obj('cert-manager.io/v1', 'ClusterIssuer', {})), { status: 'Progressing', message: 'Initializing ClusterIssuer' });
    assert.deepEqual(h(obj('cert-manager.io/v1', 'Issuer', conds({ type: 'Ready', status: 'False', message: 'Failed to register ACME account' }))), { status: 'Degraded', message: 'Failed to register ACME account' });
    // Argo CD has no check for CertificateRequest, so neither do we.
    assert.equal(h(obj('cert-manager.io/v1', 'CertificateRequest', conds({ type: 'Ready', status: 'False', message: 'x' }))), undefined);
  });

  it('Flux: suspended, the counted Ready/Reconciling conditions, the reason as message', () => {
    const ks = (status?: unknown, spec: unknown = {}) => obj('kustomize.toolkit.fluxcd.io/v1', 'Kustomization', status, spec);
    assert.deepEqual(h(ks(conds({ type: 'Ready', status: 'True', reason: 'ReconciliationSucceeded' }), { suspend: true })), { status: 'Suspended', message: 'Kustomization is suspended' });
    assert.deepEqual(h(ks()), { status: 'Progressing', message: 'Status unknown' });
    assert.deepEqual(h(ks(conds({ type: 'Reconciling', status: 'True', reason: 'Progressing' }, { type: 'Ready', status: 'Unknown', reason: 'Progressing' }))), { status: 'Progressing', message: 'Progressing' });
    assert.deepEqual(h(ks(conds({ type: 'Ready', status: 'True', reason: 'ReconciliationSucceeded' }))), { status: 'Healthy', message: 'ReconciliationSucceeded' });
    assert.deepEqual(h(ks(conds({ type: 'Ready', status: 'False', reason: 'BuildFailed' }))), { status: 'Degraded', message: 'BuildFailed' });
    // Sources need the artifact in storage as well; an outdated artifact adds its reason.
    const git = (...c: Cond[]) => obj('source.toolkit.fluxcd.io/v1', 'GitRepository', conds(...c));
    assert.deepEqual(h(git({ type: 'Ready', status: 'True', reason: 'Succeeded' }, { type: 'ArtifactInStorage', status: 'True', reason: 'Succeeded' })), { status: 'Healthy', message: 'Succeeded' });
    assert.deepEqual(h(git({ type: 'Ready', status: 'True', reason: 'Succeeded' })), { status: 'Degraded', message: 'Succeeded' });
    assert.deepEqual(h(git({ type: 'Ready', status: 'False', reason: 'GitOperationFailed' }, { type: 'ArtifactOutdated', status: 'True', reason: 'NewRevision' })), { status: 'Degraded', message: 'GitOperationFailed NewRevision' });
    assert.deepEqual(h(obj('source.toolkit.fluxcd.io/v1', 'HelmRepository', undefined, { type: 'oci', url: 'oci://ghcr.io/acme' })), {
      status: 'Healthy',
      message: "Helm repositories of type 'oci' do not contain any information in the status.",
    });
    const hr = (...c: Cond[]) => obj('helm.toolkit.fluxcd.io/v2', 'HelmRelease', conds(...c));
    assert.equal(h(hr({ type: 'Ready', status: 'True', reason: 'InstallSucceeded' }, { type: 'Released', status: 'True', reason: 'InstallSucceeded' }))?.status, 'Healthy');
    assert.deepEqual(h(hr({ type: 'Ready', status: 'False', reason: 'UpgradeFailed' }, { type: 'Released', status: 'False', reason: 'UpgradeFailed' })), { status: 'Degraded', message: 'UpgradeFailed' });
    // Image automation and receivers count differently (Ready False is progress for images; two signals degrade a receiver).
    assert.equal(h(obj('image.toolkit.fluxcd.io/v1beta2', 'ImagePolicy', conds({ type: 'Ready', status: 'False', reason: 'x' }, { type: 'Reconciling', status: 'True', reason: 'ApplyingPolicy' })))?.status, 'Progressing');
    assert.equal(h(obj('notification.toolkit.fluxcd.io/v1', 'Receiver', conds({ type: 'Ready', status: 'False', reason: 'TokenNotFound' }, { type: 'Reconciling', status: 'True', reason: 'x' })))?.status, 'Degraded');
  });

  it('Argo Rollouts: observed generation, phase surfaced as is, pause, replica and strategy checks', () => {
    const ro = (status: Record<string, unknown> | undefined, spec: Record<string, unknown> = { replicas: 2, strategy: { canary: { steps: [] } } }, generation = 3) =>
      obj('argoproj.io/v1alpha1', 'Rollout', status, spec, { generation });
    assert.deepEqual(h(ro(undefined)), { status: 'Progressing', message: 'Waiting for rollout spec update to be observed' });
    assert.deepEqual(h(ro({ observedGeneration: '2' })), { status: 'Progressing', message: 'Waiting for rollout spec update to be observed' });
    assert.deepEqual(h(ro({ observedGeneration: 3, phase: 'Degraded', message: 'RolloutAborted: Rollout aborted update to revision 4' })), { status: 'Degraded', message: 'RolloutAborted: Rollout aborted update to revision 4' });
    assert.deepEqual(h(ro({ observedGeneration: 3, phase: 'Paused', message: 'CanaryPauseStep' })), { status: 'Suspended', message: 'CanaryPauseStep' });
    assert.deepEqual(h(ro({ observedGeneration: 3, phase: 'Sideways' })), { status: 'Unknown', message: 'Lua returned an invalid health status' });
    // Before 1.0 (no phase): conditions, pause, replicas, stable ReplicaSet.
    const base = { observedGeneration: '7d9f8b6c5d', currentPodHash: '6b8cf6f7db', replicas: 2, updatedReplicas: 2, availableReplicas: 2, conditions: [] as Cond[] };
    assert.deepEqual(h(ro({ ...base, conditions: [{ type: 'Progressing', status: 'False', reason: 'ProgressDeadlineExceeded', message: 'timed out' }] })), { status: 'Degraded', message: 'timed out' });
    assert.deepEqual(h(ro({ ...base, pauseConditions: [{ reason: 'CanaryPauseStep' }] })), { status: 'Suspended', message: 'Rollout is paused' });
    assert.deepEqual(h(ro({ ...base, updatedReplicas: 1 })), { status: 'Progressing', message: 'Waiting for roll out to finish: More replicas need to be updated' });
    assert.deepEqual(h(ro({ ...base, stableRS: 'old' })), { status: 'Progressing', message: 'Waiting for rollout to finish steps' });
    assert.deepEqual(h(ro({ ...base, stableRS: '6b8cf6f7db' })), { status: 'Healthy' });
    const bg = { replicas: 2, strategy: { blueGreen: { activeService: 'web' } } };
    assert.deepEqual(h(ro({ ...base, blueGreen: { activeSelector: 'old' } }, bg)), { status: 'Progressing', message: 'active service cutover pending' });
    assert.deepEqual(h(ro({ ...base, blueGreen: { activeSelector: '6b8cf6f7db' }, stableRS: '6b8cf6f7db' }, bg)), { status: 'Healthy' });
  });

  it('Argo AnalysisRun, Experiment, CronWorkflow, EventBus, ApplicationSet', () => {
    const run = (phase: string, message?: string) => obj('argoproj.io/v1alpha1', 'AnalysisRun', { phase, ...(message ? { message } : {}) });
    assert.deepEqual(h(run('Running')), { status: 'Progressing', message: 'Analysis run is running' });
    assert.deepEqual(h(run('Failed')), { status: 'Degraded', message: 'Analysis run failed' });
    assert.deepEqual(h(run('Inconclusive', 'metric "errors" assessed Inconclusive')), { status: 'Unknown', message: 'metric "errors" assessed Inconclusive' });
    // A phase the check does not name yields an empty health, which Argo CD shows as none.
    assert.equal(h(run('Bogus')), undefined);
    assert.deepEqual(h(obj('argoproj.io/v1alpha1', 'Experiment', { phase: 'Error' })), { status: 'Degraded', message: 'Experiment had an error' });
    assert.deepEqual(h(obj('argoproj.io/v1alpha1', 'CronWorkflow', conds({ type: 'SubmissionError', status: 'True', message: 'workflow template not found' }))), { status: 'Degraded', message: 'workflow template not found' });
    assert.deepEqual(h(obj('argoproj.io/v1alpha1', 'CronWorkflow', {})), { status: 'Healthy', message: 'CronWorkflow is healthy.' });
    assert.deepEqual(h(obj('argoproj.io/v1alpha1', 'EventBus', conds({ type: 'Deployed', status: 'True', reason: 'Succeeded' }))), { status: 'Healthy', message: 'Succeeded' });
    const appSet = (...c: Cond[]) => obj('argoproj.io/v1alpha1', 'ApplicationSet', conds(...c));
    assert.deepEqual(h(appSet({ type: 'ResourcesUpToDate', status: 'True', message: 'All applications have been generated successfully' }, { type: 'ErrorOccurred', status: 'True', message: 'repo not found' })), {
      status: 'Degraded',
      message: 'repo not found',
    });
  });

  it('External Secrets and Sealed Secrets', () => {
    assert.deepEqual(h(obj('external-secrets.io/v1', 'ExternalSecret', conds({ type: 'Ready', status: 'False', reason: 'SecretSyncedError', message: 'could not get secret data from provider' }))), {
      status: 'Degraded',
      message: 'could not get secret data from provider',
    });
    assert.deepEqual(h(obj('external-secrets.io/v1', 'ExternalSecret', {})), { status: 'Progressing', message: 'Waiting for ExternalSecret' });
    assert.deepEqual(h(obj('external-secrets.io/v1', 'ClusterSecretStore', conds({ type: 'Ready', status: 'True', message: 'store validated' }))), { status: 'Healthy', message: 'store validated' });
    assert.deepEqual(h(obj('external-secrets.io/v1alpha1', 'PushSecret', {})), { status: 'Progressing', message: 'Waiting for PushSecret' });
    // Only the last condition of a ClusterExternalSecret counts.
    const ces = obj('external-secrets.io/v1', 'ClusterExternalSecret', conds({ type: 'NotReady', status: 'True', message: 'old' }, { type: 'Ready', status: 'True', message: 'all namespaces synced' }));
    assert.deepEqual(h(ces), { status: 'Healthy', message: 'all namespaces synced' });
    assert.deepEqual(h(obj('bitnami.com/v1alpha1', 'SealedSecret', conds({ type: 'Synced', status: 'False', message: 'no key could decrypt secret (password)' }))), {
      status: 'Degraded',
      message: 'no key could decrypt secret (password)',
    });
    assert.deepEqual(h(obj('bitnami.com/v1alpha1', 'SealedSecret', {})), { status: 'Progressing', message: 'Waiting for Sealed Secret to be decrypted' });
  });

  it('KEDA: a failing condition wins over Ready, Paused suspends a ready object', () => {
    const so = (...c: Cond[]) => obj('keda.sh/v1alpha1', 'ScaledObject', conds(...c));
    assert.deepEqual(h(so({ type: 'Ready', status: 'True', message: 'ScaledObject is defined correctly and is ready for scaling' }, { type: 'Fallback', status: 'True', message: 'At least one trigger is falling back' })), {
      status: 'Degraded',
      message: 'At least one trigger is falling back',
    });
    assert.deepEqual(h(so({ type: 'Ready', status: 'True', message: 'ready' }, { type: 'Paused', status: 'True', message: 'ScaledObject is paused' })), { status: 'Suspended', message: 'ScaledObject is paused' });
    assert.deepEqual(h(so()), { status: 'Progressing', message: 'Creating HorizontalPodAutoscaler Object' });
    assert.equal(h(obj('keda.sh/v1alpha1', 'ScaledJob', conds({ type: 'Ready', status: 'Unknown', message: 'Some triggers are not working' })))?.status, 'Degraded');
  });

  it('Gateway API: Gateway, listeners, routes per parent (current generation only), GatewayClass, BackendTLSPolicy', () => {
    const gw = (status: unknown) => obj('gateway.networking.k8s.io/v1', 'Gateway', status);
    assert.deepEqual(h(gw(conds({ type: 'Accepted', status: 'True' }, { type: 'Programmed', status: 'False', message: 'Waiting for load balancer' }))), { status: 'Progressing', message: 'Waiting for load balancer' });
    assert.deepEqual(h(gw({ ...conds({ type: 'Accepted', status: 'True' }, { type: 'Programmed', status: 'True' }), listeners: [{ name: 'https', conditions: [{ type: 'ResolvedRefs', status: 'False', message: 'certificate not found' }] }] })), {
      status: 'Degraded',
      message: 'Listener: certificate not found',
    });
    assert.deepEqual(h(gw(conds({ type: 'Accepted', status: 'True' }, { type: 'Programmed', status: 'True' }))), { status: 'Healthy', message: 'Gateway is healthy' });
    const route = (parents: unknown[], generation = 2) => obj('gateway.networking.k8s.io/v1', 'HTTPRoute', { parents }, {}, { generation });
    const parent = (observedGeneration: number, ...c: Cond[]) => ({ parentRef: { name: 'public' }, controllerName: 'example.test/gw', conditions: c.map((x) => ({ ...x, observedGeneration })) });
    assert.deepEqual(h(route([parent(2, { type: 'Accepted', status: 'True' }, { type: 'ResolvedRefs', status: 'False', message: 'backend web not found' })])), { status: 'Degraded', message: 'Parent public: backend web not found' });
    // A parent that still describes generation 1 is skipped; nothing current means still waiting.
    assert.deepEqual(h(route([parent(1, { type: 'Accepted', status: 'False', message: 'old' })])), { status: 'Progressing', message: 'Waiting for HTTPRoute status' });
    assert.deepEqual(h(route([parent(2, { type: 'Accepted', status: 'True' }, { type: 'ResolvedRefs', status: 'True' })])), { status: 'Healthy', message: 'HTTPRoute is healthy' });
    assert.deepEqual(h(obj('gateway.networking.k8s.io/v1', 'GRPCRoute', { parents: [{ parentRef: {}, conditions: [{ type: 'ResolvedRefs', status: 'False' }] }] })), { status: 'Degraded', message: 'Parent : Failed condition: ResolvedRefs' });
    const gc = (observedGeneration: number, status: string) => obj('gateway.networking.k8s.io/v1', 'GatewayClass', conds({ type: 'Accepted', status, observedGeneration, message: `accepted ${status}` }), {}, { generation: 2 });
    assert.deepEqual(h(gc(2, 'False')), { status: 'Degraded', message: 'accepted False' });
    assert.deepEqual(h(gc(1, 'True')), { status: 'Progressing', message: 'Waiting for GatewayClass status' });
    const btp = obj('gateway.networking.k8s.io/v1alpha3', 'BackendTLSPolicy', { ancestors: [{ ancestorRef: { name: 'public' }, conditions: [{ type: 'Accepted', status: 'True', observedGeneration: 1 }] }] });
    assert.deepEqual(h(btp), { status: 'Healthy', message: 'BackendTLSPolicy is healthy' });
  });

  it('Cluster API: Cluster, Machine, MachineDeployment, MachineHealthCheck, MachinePool, ClusterResourceSet, AWSManagedControlPlane', () => {
    const cluster = (status: unknown, spec: unknown = {}) => obj('cluster.x-k8s.io/v1beta1', 'Cluster', status, spec);
    assert.deepEqual(h(cluster({ phase: 'Provisioned' }, { paused: true })), { status: 'Suspended', message: 'Cluster is paused' });
    assert.deepEqual(h(cluster({ phase: 'Provisioning', conditions: [{ type: 'Ready', status: 'False', severity: 'Info', message: 'waiting for control plane' }] })), { status: 'Progressing', message: 'Waiting for clusters' });
    assert.deepEqual(h(cluster({ phase: 'Provisioned', conditions: [{ type: 'Ready', status: 'False', severity: 'Error', message: 'quota exceeded' }] })), { status: 'Degraded', message: 'quota exceeded' });
    assert.deepEqual(h(obj('cluster.x-k8s.io/v1beta1', 'Machine', { phase: 'Provisioning', conditions: [{ type: 'Ready', status: 'False', message: '0 of 2 completed' }] })), { status: 'Progressing', message: '0 of 2 completed' });
    assert.deepEqual(h(obj('cluster.x-k8s.io/v1beta1', 'MachineDeployment', { phase: 'ScalingUp' })), { status: 'Progressing', message: 'Cluster is spawning machines' });
    assert.deepEqual(h(obj('cluster.x-k8s.io/v1beta1', 'MachineHealthCheck', { expectedMachines: 3, currentHealthy: 2 })), { status: 'Degraded' });
    assert.deepEqual(h(obj('cluster.x-k8s.io/v1beta1', 'MachinePool', { phase: 'Provisioning', conditions: [{ type: 'Ready', status: 'False', reason: 'WaitingForInfrastructure' }, { type: 'BootstrapReady', status: 'True' }] })), {
      status: 'Progressing',
      message: 'MachinePool is Provisioning: Not Ready (WaitingForInfrastructure)',
    });
    assert.deepEqual(h(obj('addons.cluster.x-k8s.io/v1beta1', 'ClusterResourceSet', conds({ type: 'ResourcesApplied', status: 'True' }))), { status: 'Healthy', message: 'cluster resource set is applied' });
    const cp = (status: unknown, generation = 1) => obj('controlplane.cluster.x-k8s.io/v1beta2', 'AWSManagedControlPlane', status, {}, { generation });
    assert.deepEqual(h(cp({ observedGeneration: 1, failureMessage: 'EKS cluster in unexpected FAILED state' })), { status: 'Degraded', message: 'EKS cluster in unexpected FAILED state' });
    assert.deepEqual(h(cp({ observedGeneration: 1, ready: false, conditions: [{ type: 'Ready', status: 'False', severity: 'Warning' }] })), { status: 'Progressing', message: 'Control plane is not ready (.status.ready is false)' });
  });

  it('CronJob, PodDisruptionBudget, CustomResourceDefinition', () => {
    const cron = (status: unknown, spec: unknown = { schedule: '*/5 * * * *' }) => obj('batch/v1', 'CronJob', status, spec);
    assert.deepEqual(h(cron({}, { suspend: true })), { status: 'Healthy', message: 'CronJob is Suspended' });
    assert.deepEqual(h(cron({ lastScheduleTime: '2026-04-01T10:05:00Z', lastSuccessfulTime: '2026-04-01T10:00:10Z' })), { status: 'Degraded', message: 'CronJob has not completed its last execution successfully' });
    assert.deepEqual(h(cron({ lastScheduleTime: '2026-04-01T10:05:00Z', lastSuccessfulTime: '2026-04-01T10:05:09Z' })), { status: 'Healthy', message: 'CronJob has completed its last execution successfully' });
    assert.deepEqual(h(cron({ lastScheduleTime: '2026-04-01T10:05:00Z', lastSuccessfulTime: '2026-04-01T10:00:10Z', active: [{ name: 'j' }] })), { status: 'Healthy', message: 'The job is running. Its last execution may not have been successful' });
    assert.deepEqual(h(cron(undefined)), { status: 'Progressing', message: 'Waiting for CronJob' });
    const pdb = (...c: Cond[]) => obj('policy/v1', 'PodDisruptionBudget', conds(...c));
    assert.deepEqual(h(pdb({ type: 'DisruptionAllowed', status: 'False', reason: 'InsufficientPods' })), { status: 'Healthy', message: 'PodDisruptionBudget has InsufficientPods' });
    assert.deepEqual(h(pdb({ type: 'DisruptionAllowed', status: 'False', reason: 'SyncFailed' })), { status: 'Degraded', message: 'PodDisruptionBudget has SyncFailed' });
    const crd = (...c: Cond[]) => obj('apiextensions.k8s.io/v1', 'CustomResourceDefinition', conds(...c));
    assert.deepEqual(h(crd({ type: 'NamesAccepted', status: 'True' }, { type: 'Established', status: 'True' })), { status: 'Healthy', message: 'CRD is healthy' });
    assert.deepEqual(h(crd({ type: 'Established', status: 'False', reason: 'Installing' })), { status: 'Progressing', message: 'CRD is being installed' });
    assert.deepEqual(h(crd({ type: 'NonStructuralSchema', status: 'True', message: 'spec.preserveUnknownFields: must be false' })), { status: 'Degraded', message: 'Schema violations found: spec.preserveUnknownFields: must be false' });
  });

  it('wildcard groups: Crossplane, Upbound, AWS Controllers, Config Connector; an exact Argo CD check we lack is not judged by the wildcard', async () => {
    assert.deepEqual(h(obj('apiextensions.crossplane.io/v1', 'Composition', undefined)), { status: 'Healthy', message: 'Resource is up-to-date.' });
    assert.deepEqual(h(obj('ec2.aws.upbound.io/v1beta1', 'VPC', conds({ type: 'Synced', status: 'False', message: 'cannot update' }, { type: 'Ready', status: 'True' }))), { status: 'Degraded', message: 'cannot update' });
    assert.deepEqual(h(obj('ec2.aws.upbound.io/v1beta1', 'VPC', conds({ type: 'Synced', status: 'True' }, { type: 'Ready', status: 'True' }))), { status: 'Healthy', message: 'Resource is up-to-date.' });
    assert.deepEqual(h(obj('s3.services.k8s.aws/v1alpha1', 'Bucket', conds({ type: 'ACK.Terminal', status: 'True', message: 'Resource already exists' }))), { status: 'Degraded', message: 'Resource already exists' });
    assert.deepEqual(h(obj('sql.cnrm.cloud.google.com/v1beta1', 'SQLInstance', { observedGeneration: 1, ...conds({ type: 'Ready', status: 'False', reason: 'DependencyNotReady', message: 'waiting for network' }) })), {
      status: 'Suspended',
      message: 'waiting for network',
    });
    // pkg.crossplane.io/Provider has its own check in Argo CD, which we do not implement: no health, with a note.
    const provider = await assessHealth(obj('pkg.crossplane.io/v1', 'Provider', conds({ type: 'Healthy', status: 'True' })));
    assert.equal(provider.health, undefined);
    assert.match(provider.note ?? '', /pkg\.crossplane\.io\/Provider with a built-in Lua check that GitOps Lens does not implement/);
    // A kind with Ready conditions but no Argo CD check has no health, as in Argo CD.
    assert.equal(h(obj('widgets.example.test/v1', 'Widget', conds({ type: 'Ready', status: 'False', message: 'broken' }))), undefined);
  });

  it('every rule is total: never throws on malformed status, spec or metadata', () => {
    const keys = [...NATIVE_RULES.keys()];
    fc.assert(
      fc.property(fc.constantFrom(...keys), fc.anything(), fc.anything(), fc.anything(), (key, status, spec, metadata) => {
        const [group, kind] = key.includes('/') ? key.split('/') : ['', key];
        const v = liveResourceHealth({ apiVersion: `${group}/v1`, kind, metadata, spec, status });
        assert.ok(v === undefined || typeof v.status === 'string');
      }),
      { numRuns: 2000 },
    );
  });
});
