/**
 * gitops-engine's built-in health checks (argo-cd `gitops-engine/pkg/health/health_*.go`), one rule at
 * a time, on objects shaped like what the API server returns.
 */
import * as assert from 'node:assert/strict';
import fc from 'fast-check';
import { builtinVerdict, liveResourceHealth } from '../../../../../src/core/argocd/health/assess';
import { MISSING_HEALTH, worseHealth } from '../../../../../src/core/argocd/health/types';
import { CONFIG_MAP, DEPLOYMENT_DEADLINE_EXCEEDED } from '../../../../fixtures/gitops/liveResources';

const live = (apiVersion: string, kind: string, spec: unknown, status: unknown, generation = 1, extra: Record<string, unknown> = {}) => ({
  apiVersion,
  kind,
  metadata: { name: 'x', namespace: 'ns', generation, ...extra },
  spec,
  status,
});
const statusOf = (o: unknown) => liveResourceHealth(o)?.status;

/** A pod as the kubelet reports it; `restartPolicy` defaults to Always as the API server defaults it. */
function pod(status: Record<string, unknown>, opts: { restartPolicy?: string; annotations?: Record<string, string>; metadata?: Record<string, unknown> } = {}) {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: 'web-6d4cf56db6-x7k2p', namespace: 'shop', ...(opts.annotations ? { annotations: opts.annotations } : {}), ...opts.metadata },
    spec: { restartPolicy: opts.restartPolicy ?? 'Always', containers: [{ name: 'web', image: 'registry.example.test/web:1.2.0' }] },
    status,
  };
}
const ready = (v: 'True' | 'False') => [{ type: 'Initialized', status: 'True' }, { type: 'Ready', status: v }, { type: 'ContainersReady', status: v }];
const waiting = (reason: string, message: string) => ({ name: 'web', ready: false, restartCount: 0, state: { waiting: { reason, message } } });

describe('core/argocd/health built-in checks (gitops-engine)', () => {
  it('Deployment: paused, not yet observed, deadline exceeded, rolling out, healthy', () => {
    assert.deepEqual(liveResourceHealth(live('apps/v1', 'Deployment', { paused: true }, {})), { status: 'Suspended', message: 'Deployment is paused' });
    assert.equal(statusOf(live('apps/v1', 'Deployment', { replicas: 1 }, { observedGeneration: 1 }, 2)), 'Progressing');
    assert.deepEqual(liveResourceHealth(DEPLOYMENT_DEADLINE_EXCEEDED), { status: 'Degraded', message: 'Deployment "checkout" exceeded its progress deadline' });
    assert.deepEqual(liveResourceHealth(live('apps/v1', 'Deployment', { replicas: 3 }, { observedGeneration: 1, updatedReplicas: 1, replicas: 3, availableReplicas: 1 })), {
      status: 'Progressing',
      message: 'Waiting for rollout to finish: 1 out of 3 new replicas have been updated...',
    });
    assert.deepEqual(liveResourceHealth(live('apps/v1', 'Deployment', { replicas: 2 }, { observedGeneration: 1, updatedReplicas: 2, replicas: 3, availableReplicas: 2 })), {
      status: 'Progressing',
      message: 'Waiting for rollout to finish: 1 old replicas are pending termination...',
    });
    assert.deepEqual(liveResourceHealth(live('apps/v1', 'Deployment', { replicas: 2 }, { observedGeneration: 1, updatedReplicas: 2, replicas: 2, availableReplicas: 1 })), {
      status: 'Progressing',
      message: 'Waiting for rollout to finish: 1 of 2 updated replicas are available...',
    });
    assert.deepEqual(liveResourceHealth(live('apps/v1', 'Deployment', { replicas: 2 }, { observedGeneration: 1, updatedReplicas: 2, replicas: 2, availableReplicas: 2 })), { status: 'Healthy' });
  });

  it('StatefulSet: unobserved, pods not ready, partitioned, OnDelete, revision mismatch, complete', () => {
    assert.deepEqual(liveResourceHealth(live('apps/v1', 'StatefulSet', { replicas: 1 }, {})), { status: 'Progressing', message: 'Waiting for statefulset spec update to be observed...' });
    assert.deepEqual(liveResourceHealth(live('apps/v1', 'StatefulSet', { replicas: 3 }, { observedGeneration: 1, readyReplicas: 2 })), { status: 'Progressing', message: 'Waiting for 1 pods to be ready...' });
    const part = { replicas: 3, updateStrategy: { type: 'RollingUpdate', rollingUpdate: { partition: 2 } } };
    assert.deepEqual(liveResourceHealth(live('apps/v1', 'StatefulSet', part, { observedGeneration: 1, readyReplicas: 3, updatedReplicas: 0 })), {
      status: 'Progressing',
      message: 'Waiting for partitioned roll out to finish: 0 out of 1 new pods have been updated...',
    });
    assert.deepEqual(liveResourceHealth(live('apps/v1', 'StatefulSet', part, { observedGeneration: 1, readyReplicas: 3, updatedReplicas: 1 })), { status: 'Healthy', message: 'partitioned roll out complete: 1 new pods have been updated...' });
    // A RollingUpdate block without a partition is complete once the pods are ready, whatever the revisions say.
    const rolling = { replicas: 1, updateStrategy: { type: 'RollingUpdate', rollingUpdate: {} } };
    assert.equal(statusOf(live('apps/v1', 'StatefulSet', rolling, { observedGeneration: 1, readyReplicas: 1, currentRevision: 'a', updateRevision: 'b' })), 'Healthy');
    assert.deepEqual(liveResourceHealth(live('apps/v1', 'StatefulSet', { replicas: 2, updateStrategy: { type: 'OnDelete' } }, { observedGeneration: 1, readyReplicas: 2 })), { status: 'Healthy', message: 'statefulset has 2 ready pods' });
    assert.deepEqual(liveResourceHealth(live('apps/v1', 'StatefulSet', { replicas: 1 }, { observedGeneration: 1, readyReplicas: 1, updatedReplicas: 1, currentRevision: 'db-5c8', updateRevision: 'db-7f9' })), {
      status: 'Progressing',
      message: 'waiting for statefulset rolling update to complete 1 pods at revision db-7f9...',
    });
    assert.equal(statusOf(live('apps/v1', 'StatefulSet', { replicas: 1 }, { observedGeneration: 1, readyReplicas: 1, currentRevision: 'a', updateRevision: 'a' })), 'Healthy');
  });

  it('DaemonSet (OnDelete is healthy once observed) and ReplicaSet', () => {
    assert.equal(statusOf(live('apps/v1', 'DaemonSet', {}, { observedGeneration: 1, desiredNumberScheduled: 3, updatedNumberScheduled: 2 })), 'Progressing');
    assert.equal(statusOf(live('apps/v1', 'DaemonSet', {}, { observedGeneration: 1, desiredNumberScheduled: 3, updatedNumberScheduled: 3, numberAvailable: 2 })), 'Progressing');
    assert.equal(statusOf(live('apps/v1', 'DaemonSet', {}, { observedGeneration: 1, desiredNumberScheduled: 3, updatedNumberScheduled: 3, numberAvailable: 3 })), 'Healthy');
    assert.deepEqual(liveResourceHealth(live('apps/v1', 'DaemonSet', { updateStrategy: { type: 'OnDelete' } }, { observedGeneration: 1, desiredNumberScheduled: 3, updatedNumberScheduled: 1 })), {
      status: 'Healthy',
      message: 'daemon set 1 out of 3 new pods have been updated',
    });
    const failure = { type: 'ReplicaFailure', status: 'True', message: 'pods "x-" is forbidden: exceeded quota' };
    assert.deepEqual(liveResourceHealth(live('apps/v1', 'ReplicaSet', { replicas: 1 }, { observedGeneration: 1, conditions: [failure] })), { status: 'Degraded', message: failure.message });
    assert.equal(statusOf(live('apps/v1', 'ReplicaSet', { replicas: 2 }, { observedGeneration: 1, availableReplicas: 1 })), 'Progressing');
    assert.equal(statusOf(live('apps/v1', 'ReplicaSet', { replicas: 2 }, { observedGeneration: 1, availableReplicas: 2 })), 'Healthy');
  });

  it('Service (a LoadBalancer waits for an ingress point), Ingress of both groups, PVC phases', () => {
    assert.equal(statusOf(live('v1', 'Service', { type: 'ClusterIP' }, {})), 'Healthy');
    assert.equal(statusOf(live('v1', 'Service', { type: 'LoadBalancer' }, { loadBalancer: {} })), 'Progressing');
    assert.equal(statusOf(live('v1', 'Service', { type: 'LoadBalancer' }, { loadBalancer: { ingress: [{ ip: '192.0.2.1' }] } })), 'Healthy');
    assert.equal(statusOf(live('networking.k8s.io/v1', 'Ingress', {}, { loadBalancer: {} })), 'Progressing');
    assert.equal(statusOf(live('networking.k8s.io/v1', 'Ingress', {}, { loadBalancer: { ingress: [{ hostname: 'lb.example.test' }] } })), 'Healthy');
    assert.equal(statusOf(live('extensions/v1beta1', 'Ingress', {}, { loadBalancer: { ingress: [{ ip: '192.0.2.7' }] } })), 'Healthy');
    assert.deepEqual(['Bound', 'Pending', 'Lost', 'Weird'].map((phase) => statusOf(live('v1', 'PersistentVolumeClaim', {}, { phase }))), ['Healthy', 'Progressing', 'Degraded', 'Unknown']);
  });

  it('Pod: image pull back-off and errors while Pending are Degraded, with every waiting message', () => {
    const pulling = pod({ phase: 'Pending', containerStatuses: [waiting('ImagePullBackOff', 'Back-off pulling image "registry.example.test/web:1.2.0"')] });
    assert.deepEqual(liveResourceHealth(pulling), { status: 'Degraded', message: 'Back-off pulling image "registry.example.test/web:1.2.0"' });
    const two = pod({ phase: 'Pending', containerStatuses: [waiting('ErrImagePull', 'rpc error: not found'), waiting('CreateContainerConfigError', 'secret "db" not found')] });
    assert.deepEqual(liveResourceHealth(two), { status: 'Degraded', message: 'rpc error: not found, secret "db" not found' });
    // ContainerCreating is not an error: still Progressing.
    assert.equal(statusOf(pod({ phase: 'Pending', containerStatuses: [waiting('ContainerCreating', '')] })), 'Progressing');
    const crash = pod({ phase: 'Running', containerStatuses: [waiting('CrashLoopBackOff', 'back-off 5m0s restarting failed container')] });
    assert.deepEqual(liveResourceHealth(crash), { status: 'Degraded', message: 'back-off 5m0s restarting failed container' });
  });

  it('Pod: ready, running not ready, and not ready after a container terminated', () => {
    assert.equal(statusOf(pod({ phase: 'Running', conditions: ready('True') })), 'Healthy');
    assert.equal(statusOf(pod({ phase: 'Running', conditions: ready('False'), containerStatuses: [{ name: 'web', ready: false, state: { running: {} } }] })), 'Progressing');
    const restarted = { name: 'web', ready: false, restartCount: 3, state: { running: {} }, lastState: { terminated: { exitCode: 137, reason: 'Error' } } };
    assert.equal(statusOf(pod({ phase: 'Running', conditions: ready('False'), containerStatuses: [restarted] })), 'Degraded');
  });

  it('Pod: a run-to-completion pod (Never / OnFailure) is Progressing while running, even with back-off (hooks)', () => {
    for (const restartPolicy of ['Never', 'OnFailure']) {
      assert.equal(statusOf(pod({ phase: 'Running', conditions: ready('True') }, { restartPolicy })), 'Progressing', restartPolicy);
      assert.equal(statusOf(pod({ phase: 'Pending', containerStatuses: [waiting('ImagePullBackOff', 'Back-off')] }, { restartPolicy })), 'Progressing', restartPolicy);
      assert.equal(statusOf(pod({ phase: 'Succeeded' }, { restartPolicy })), 'Healthy', restartPolicy);
    }
  });

  it('Pod: argocd.argoproj.io/ignore-restart-policy judges a non-hook pod as long-running, never a hook', () => {
    const ignore = { 'argocd.argoproj.io/ignore-restart-policy': 'true' };
    assert.equal(statusOf(pod({ phase: 'Running', conditions: ready('True') }, { restartPolicy: 'Never', annotations: ignore })), 'Healthy');
    assert.equal(statusOf(pod({ phase: 'Running', containerStatuses: [waiting('ImagePullBackOff', 'Back-off')] }, { restartPolicy: 'OnFailure', annotations: ignore })), 'Degraded');
    const hook = { ...ignore, 'argocd.argoproj.io/hook': 'PreSync' };
    assert.equal(statusOf(pod({ phase: 'Running', conditions: ready('True') }, { restartPolicy: 'Never', annotations: hook })), 'Progressing');
    const helmHook = { ...ignore, 'helm.sh/hook': 'pre-install' };
    assert.equal(statusOf(pod({ phase: 'Running', conditions: ready('True') }, { restartPolicy: 'Never', annotations: helmHook })), 'Progressing');
    // `Skip` alone is not a hook, so the annotation applies.
    assert.equal(statusOf(pod({ phase: 'Running', conditions: ready('True') }, { restartPolicy: 'Never', annotations: { ...ignore, 'argocd.argoproj.io/hook': 'Skip' } })), 'Healthy');
    assert.equal(statusOf(pod({ phase: 'Running', conditions: ready('True') }, { restartPolicy: 'Never', annotations: { 'argocd.argoproj.io/ignore-restart-policy': 'yes' } })), 'Progressing');
  });

  it('Pod: Failed says why — the pod message, else a container that terminated badly', () => {
    assert.deepEqual(liveResourceHealth(pod({ phase: 'Failed', message: 'Pod was evicted: low on memory' })), { status: 'Degraded', message: 'Pod was evicted: low on memory' });
    const init = { name: 'migrate', state: { terminated: { exitCode: 2, reason: 'Error' } } };
    assert.deepEqual(liveResourceHealth(pod({ phase: 'Failed', initContainerStatuses: [init], containerStatuses: [] })), { status: 'Degraded', message: 'container "migrate" failed with exit code 2' });
    assert.deepEqual(liveResourceHealth(pod({ phase: 'Failed', containerStatuses: [{ name: 'web', state: { terminated: { exitCode: 137, reason: 'OOMKilled' } } }] })), { status: 'Degraded', message: 'OOMKilled' });
    assert.deepEqual(liveResourceHealth(pod({ phase: 'Failed', containerStatuses: [{ name: 'web', state: { terminated: { exitCode: 1, message: 'panic: boom' } } }] })), { status: 'Degraded', message: 'panic: boom' });
  });

  it('any object being deleted is Progressing "Pending deletion", unless Argo CD holds it with its hook finalizer', () => {
    const deleting = pod({ phase: 'Running', conditions: ready('True') }, { metadata: { deletionTimestamp: '2026-03-01T10:00:00Z' } });
    assert.deepEqual(liveResourceHealth(deleting), { status: 'Progressing', message: 'Pending deletion' });
    assert.deepEqual(builtinVerdict({ ...CONFIG_MAP, metadata: { name: 'c', deletionTimestamp: '2026-03-01T10:00:00Z' } }).health, { status: 'Progressing', message: 'Pending deletion' });
    const hookHeld = pod({ phase: 'Running', conditions: ready('True') }, { metadata: { deletionTimestamp: '2026-03-01T10:00:00Z', finalizers: ['argocd.argoproj.io/hook-finalizer'] } });
    assert.equal(statusOf(hookHeld), 'Healthy');
  });

  it('Job: conditions decide — Failed with its message, Suspended condition, Complete; spec.suspend alone does not', () => {
    const job = (conditions: unknown[], spec: unknown = {}) => live('batch/v1', 'Job', spec, { conditions });
    assert.deepEqual(liveResourceHealth(job([{ type: 'Failed', status: 'True', reason: 'BackoffLimitExceeded', message: 'Job has reached the specified backoff limit' }])), {
      status: 'Degraded',
      message: 'Job has reached the specified backoff limit',
    });
    assert.deepEqual(liveResourceHealth(job([{ type: 'Suspended', status: 'True', reason: 'JobSuspended', message: 'Job suspended' }], { suspend: true })), { status: 'Suspended', message: 'Job suspended' });
    assert.deepEqual(liveResourceHealth(job([{ type: 'Complete', status: 'True', message: 'Reached expected number of succeeded pods' }])), { status: 'Healthy', message: 'Reached expected number of succeeded pods' });
    // Resumed: the Suspended condition turns False and the job runs to completion.
    assert.equal(statusOf(job([{ type: 'Suspended', status: 'False', message: 'Job resumed' }])), 'Healthy');
    assert.equal(statusOf(live('batch/v1', 'Job', { suspend: true }, { active: 1 })), 'Progressing');
  });

  it('HPA v2: a failure reason degrades; AbleToScale or ScalingLimited heal only with status True', () => {
    const hpa = (...conditions: Array<[string, string, string]>) =>
      live('autoscaling/v2', 'HorizontalPodAutoscaler', {}, { conditions: conditions.map(([type, status, reason]) => ({ type, status, reason, message: `${type} ${reason}` })) });
    assert.deepEqual(liveResourceHealth(hpa(['AbleToScale', 'True', 'SucceededGetScale'], ['ScalingActive', 'False', 'FailedGetExternalMetric'])), { status: 'Degraded', message: 'ScalingActive FailedGetExternalMetric' });
    assert.deepEqual(liveResourceHealth(hpa(['AbleToScale', 'True', 'ReadyForNewScale'], ['ScalingLimited', 'False', 'DesiredWithinRange'])), { status: 'Healthy', message: 'AbleToScale ReadyForNewScale' });
    // The reason alone does not make it healthy: AbleToScale False is still starting.
    assert.deepEqual(liveResourceHealth(hpa(['AbleToScale', 'False', 'SucceededRescale'], ['ScalingLimited', 'False', 'DesiredWithinRange'])), { status: 'Progressing', message: 'Waiting to Autoscale' });
    assert.equal(statusOf(live('autoscaling/v2', 'HorizontalPodAutoscaler', {}, {})), 'Progressing');
  });

  it('HPA v1: the conditions annotation; none or empty is Progressing, malformed is Unknown', () => {
    const v1 = (annotation?: string) =>
      live('autoscaling/v1', 'HorizontalPodAutoscaler', { maxReplicas: 4 }, { currentReplicas: 1 }, 1, annotation === undefined ? {} : { annotations: { 'autoscaling.alpha.kubernetes.io/conditions': annotation } });
    assert.deepEqual(liveResourceHealth(v1()), { status: 'Progressing', message: 'Waiting to Autoscale' });
    assert.deepEqual(liveResourceHealth(v1('[]')), { status: 'Progressing', message: 'Waiting to Autoscale' });
    const failing = JSON.stringify([{ type: 'AbleToScale', status: 'True', reason: 'SucceededGetScale', message: 'ok' }, { type: 'ScalingActive', status: 'False', reason: 'FailedGetObjectMetric', message: 'unable to get metric' }]);
    assert.deepEqual(liveResourceHealth(v1(failing)), { status: 'Degraded', message: 'unable to get metric' });
    assert.equal(statusOf(v1(JSON.stringify([{ type: 'ScalingLimited', status: 'True', reason: 'TooFewReplicas', message: 'the desired replica count is less than the minimum' }]))), 'Healthy');
    assert.equal(statusOf(v1('{not json')), 'Unknown');
  });

  it('APIService (v1 and v1beta1) by its Available condition; Argo Workflow by phase', () => {
    const api = (version: string, status: string) => live(`apiregistration.k8s.io/${version}`, 'APIService', {}, { conditions: [{ type: 'Available', status, reason: 'Passed', message: 'all checks passed' }] });
    assert.deepEqual(liveResourceHealth(api('v1', 'True')), { status: 'Healthy', message: 'Passed: all checks passed' });
    assert.equal(statusOf(api('v1beta1', 'False')), 'Progressing');
    assert.deepEqual(liveResourceHealth(live('apiregistration.k8s.io/v1', 'APIService', {}, {})), { status: 'Progressing', message: 'Waiting to be processed' });
    const wf = (phase?: string) => live('argoproj.io/v1alpha1', 'Workflow', {}, phase ? { phase, message: `it is ${phase}` } : {});
    assert.deepEqual(['Running', 'Succeeded', 'Failed', 'Error', 'Odd'].map((p) => statusOf(wf(p))), ['Progressing', 'Healthy', 'Degraded', 'Degraded', 'Unknown']);
    assert.equal(statusOf(wf()), 'Progressing');
  });

  it('an API version the check does not know is Unknown, naming the GVK', () => {
    assert.deepEqual(liveResourceHealth(live('apps/v1beta2', 'Deployment', {}, {})), { status: 'Unknown', message: 'unsupported Deployment GVK: apps/v1beta2, Kind=Deployment' });
    assert.deepEqual(liveResourceHealth(live('autoscaling/v2beta2', 'HorizontalPodAutoscaler', {}, {})), { status: 'Unknown', message: 'unsupported HPA GVK: autoscaling/v2beta2, Kind=HorizontalPodAutoscaler' });
  });

  it('an Application has no health of its own (Argo CD ≥ 1.8); kinds without a rule have none', () => {
    assert.equal(liveResourceHealth(live('argoproj.io/v1alpha1', 'Application', {}, { health: { status: 'Degraded', message: 'm' } })), undefined);
    assert.equal(liveResourceHealth(CONFIG_MAP), undefined);
    assert.equal(liveResourceHealth(live('v1', 'Secret', {}, {})), undefined);
    assert.equal(liveResourceHealth(live('example.test/v1', 'Deployment', {}, {})), undefined);
    assert.equal(MISSING_HEALTH.status, 'Missing');
  });

  it('orders health as gitops-engine IsWorse does', () => {
    assert.equal(worseHealth('Healthy', 'Progressing'), 'Progressing');
    assert.equal(worseHealth('Degraded', 'Missing'), 'Degraded');
    assert.equal(worseHealth('Unknown', 'Degraded'), 'Unknown');
    assert.equal(worseHealth('Suspended', 'Healthy'), 'Suspended');
  });

  it('is total: never throws, whatever the input', () => {
    const kinds = ['Deployment', 'StatefulSet', 'DaemonSet', 'ReplicaSet', 'Service', 'Ingress', 'PersistentVolumeClaim', 'Pod', 'Job', 'HorizontalPodAutoscaler', 'Application', 'APIService', 'Workflow'];
    const groups = ['v1', 'apps/v1', 'batch/v1', 'networking.k8s.io/v1', 'autoscaling/v2', 'autoscaling/v1', 'argoproj.io/v1alpha1', 'apiregistration.k8s.io/v1'];
    fc.assert(
      fc.property(fc.constantFrom(...groups), fc.constantFrom(...kinds), fc.anything(), fc.anything(), fc.anything(), (apiVersion, kind, spec, status, metadata) => {
        const h = liveResourceHealth({ apiVersion, kind, metadata, spec, status });
        assert.ok(h === undefined || typeof h.status === 'string');
      }),
    );
    for (const junk of [null, undefined, 3, 'x', [], {}]) assert.equal(liveResourceHealth(junk), undefined);
  });
});
