import * as assert from 'node:assert/strict';
import fc from 'fast-check';
import { liveResourceHealth } from '../../src/core/argocd/health/assess';
import { MISSING_HEALTH, worseHealth } from '../../src/core/argocd/health/types';
import { CONFIG_MAP, DEPLOYMENT_DEADLINE_EXCEEDED } from '../fixtures/gitops/liveResources';

const live = (apiVersion: string, kind: string, spec: unknown, status: unknown, generation = 1) => ({
  apiVersion,
  kind,
  metadata: { name: 'x', namespace: 'ns', generation },
  spec,
  status,
});
const statusOf = (o: unknown) => liveResourceHealth(o)?.status;

describe('core/argocd/resourceHealth', () => {
  it('Deployment: paused, not yet observed, deadline exceeded, rolling out, healthy', () => {
    assert.equal(statusOf(live('apps/v1', 'Deployment', { paused: true }, {})), 'Suspended');
    assert.equal(statusOf(live('apps/v1', 'Deployment', { replicas: 1 }, { observedGeneration: 1 }, 2)), 'Progressing');
    assert.deepEqual(liveResourceHealth(DEPLOYMENT_DEADLINE_EXCEEDED), { status: 'Degraded', message: 'Deployment "checkout" exceeded its progress deadline' });
    assert.equal(statusOf(live('apps/v1', 'Deployment', { replicas: 3 }, { observedGeneration: 1, updatedReplicas: 1, replicas: 3, availableReplicas: 1 })), 'Progressing');
    assert.equal(statusOf(live('apps/v1', 'Deployment', { replicas: 2 }, { observedGeneration: 1, updatedReplicas: 2, replicas: 3, availableReplicas: 2 })), 'Progressing');
    assert.equal(statusOf(live('apps/v1', 'Deployment', { replicas: 2 }, { observedGeneration: 1, updatedReplicas: 2, replicas: 2, availableReplicas: 1 })), 'Progressing');
    assert.deepEqual(liveResourceHealth(live('apps/v1', 'Deployment', { replicas: 2 }, { observedGeneration: 1, updatedReplicas: 2, replicas: 2, availableReplicas: 2 })), { status: 'Healthy' });
  });

  it('StatefulSet: unobserved, pods not ready, partitioned, revision mismatch, complete', () => {
    assert.equal(statusOf(live('apps/v1', 'StatefulSet', { replicas: 1 }, {})), 'Progressing');
    assert.equal(statusOf(live('apps/v1', 'StatefulSet', { replicas: 3 }, { observedGeneration: 1, readyReplicas: 2 })), 'Progressing');
    const part = { replicas: 3, updateStrategy: { type: 'RollingUpdate', rollingUpdate: { partition: 2 } } };
    assert.equal(statusOf(live('apps/v1', 'StatefulSet', part, { observedGeneration: 1, readyReplicas: 3, updatedReplicas: 0 })), 'Progressing');
    assert.equal(statusOf(live('apps/v1', 'StatefulSet', part, { observedGeneration: 1, readyReplicas: 3, updatedReplicas: 1 })), 'Healthy');
    assert.equal(statusOf(live('apps/v1', 'StatefulSet', { replicas: 1 }, { observedGeneration: 1, readyReplicas: 1, currentRevision: 'a', updateRevision: 'b' })), 'Progressing');
    assert.equal(statusOf(live('apps/v1', 'StatefulSet', { replicas: 1 }, { observedGeneration: 1, readyReplicas: 1, currentRevision: 'a', updateRevision: 'a' })), 'Healthy');
  });

  it('DaemonSet and ReplicaSet', () => {
    assert.equal(statusOf(live('apps/v1', 'DaemonSet', {}, { observedGeneration: 1, desiredNumberScheduled: 3, updatedNumberScheduled: 2 })), 'Progressing');
    assert.equal(statusOf(live('apps/v1', 'DaemonSet', {}, { observedGeneration: 1, desiredNumberScheduled: 3, updatedNumberScheduled: 3, numberAvailable: 2 })), 'Progressing');
    assert.equal(statusOf(live('apps/v1', 'DaemonSet', {}, { observedGeneration: 1, desiredNumberScheduled: 3, updatedNumberScheduled: 3, numberAvailable: 3 })), 'Healthy');
    const failure = { type: 'ReplicaFailure', status: 'True', message: 'pods "x-" is forbidden: exceeded quota' };
    assert.deepEqual(liveResourceHealth(live('apps/v1', 'ReplicaSet', { replicas: 1 }, { observedGeneration: 1, conditions: [failure] })), { status: 'Degraded', message: failure.message });
    assert.equal(statusOf(live('apps/v1', 'ReplicaSet', { replicas: 2 }, { observedGeneration: 1, availableReplicas: 1 })), 'Progressing');
    assert.equal(statusOf(live('apps/v1', 'ReplicaSet', { replicas: 2 }, { observedGeneration: 1, availableReplicas: 2 })), 'Healthy');
  });

  it('Service (LoadBalancer waits for an address) and Ingress', () => {
    assert.equal(statusOf(live('v1', 'Service', { type: 'ClusterIP' }, {})), 'Healthy');
    assert.equal(statusOf(live('v1', 'Service', { type: 'LoadBalancer' }, { loadBalancer: {} })), 'Progressing');
    assert.equal(statusOf(live('v1', 'Service', { type: 'LoadBalancer' }, { loadBalancer: { ingress: [{ ip: '192.0.2.1' }] } })), 'Healthy');
    assert.equal(statusOf(live('networking.k8s.io/v1', 'Ingress', {}, { loadBalancer: {} })), 'Progressing');
    assert.equal(statusOf(live('networking.k8s.io/v1', 'Ingress', {}, { loadBalancer: { ingress: [{ hostname: 'lb.example.test' }] } })), 'Healthy');
  });

  it('PersistentVolumeClaim and Pod', () => {
    assert.deepEqual(['Bound', 'Pending', 'Lost', 'Weird'].map((phase) => statusOf(live('v1', 'PersistentVolumeClaim', {}, { phase }))), ['Healthy', 'Progressing', 'Degraded', 'Unknown']);
    assert.equal(statusOf(live('v1', 'Pod', {}, { phase: 'Pending' })), 'Progressing');
    assert.equal(statusOf(live('v1', 'Pod', {}, { phase: 'Succeeded' })), 'Healthy');
    assert.deepEqual(liveResourceHealth(live('v1', 'Pod', {}, { phase: 'Failed', message: 'OOMKilled' })), { status: 'Degraded', message: 'OOMKilled' });
    assert.equal(statusOf(live('v1', 'Pod', {}, { phase: 'Running', conditions: [{ type: 'Ready', status: 'True' }] })), 'Healthy');
    assert.equal(statusOf(live('v1', 'Pod', {}, { phase: 'Running', conditions: [{ type: 'Ready', status: 'False' }] })), 'Progressing');
    const crash = { phase: 'Running', containerStatuses: [{ name: 'c', state: { waiting: { reason: 'CrashLoopBackOff', message: 'back-off 5m0s restarting failed container' } } }] };
    assert.deepEqual(liveResourceHealth(live('v1', 'Pod', {}, crash)), { status: 'Degraded', message: 'back-off 5m0s restarting failed container' });
  });

  it('Job and HorizontalPodAutoscaler', () => {
    assert.deepEqual(liveResourceHealth(live('batch/v1', 'Job', {}, { conditions: [{ type: 'Failed', status: 'True', message: 'BackoffLimitExceeded' }] })), { status: 'Degraded', message: 'BackoffLimitExceeded' });
    assert.equal(statusOf(live('batch/v1', 'Job', {}, { conditions: [{ type: 'Complete', status: 'True' }] })), 'Healthy');
    assert.equal(statusOf(live('batch/v1', 'Job', { suspend: true }, {})), 'Suspended');
    assert.equal(statusOf(live('batch/v1', 'Job', {}, { active: 1 })), 'Progressing');
    const hpa = (type: string, reason: string) => live('autoscaling/v2', 'HorizontalPodAutoscaler', {}, { conditions: [{ type, reason, status: 'False', message: reason }] });
    assert.equal(statusOf(hpa('ScalingActive', 'FailedGetResourceMetric')), 'Degraded');
    assert.equal(statusOf(hpa('ScalingLimited', 'DesiredWithinRange')), 'Healthy');
    assert.equal(statusOf(live('autoscaling/v2', 'HorizontalPodAutoscaler', {}, {})), 'Progressing');
  });

  it('a child Application is as healthy as it reports', () => {
    assert.deepEqual(liveResourceHealth(live('argoproj.io/v1alpha1', 'Application', {}, { health: { status: 'Degraded', message: 'm' } })), { status: 'Degraded', message: 'm' });
    assert.equal(statusOf(live('argoproj.io/v1alpha1', 'Application', {}, {})), 'Unknown');
  });

  it('kinds without a rule have no health; a Deployment of another group is not a Deployment', () => {
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
    const kinds = ['Deployment', 'StatefulSet', 'DaemonSet', 'ReplicaSet', 'Service', 'Ingress', 'PersistentVolumeClaim', 'Pod', 'Job', 'HorizontalPodAutoscaler', 'Application'];
    const groups = ['v1', 'apps/v1', 'batch/v1', 'networking.k8s.io/v1', 'autoscaling/v2', 'argoproj.io/v1alpha1'];
    fc.assert(
      fc.property(fc.constantFrom(...groups), fc.constantFrom(...kinds), fc.anything(), fc.anything(), fc.anything(), (apiVersion, kind, spec, status, metadata) => {
        const h = liveResourceHealth({ apiVersion, kind, metadata, spec, status });
        assert.ok(h === undefined || typeof h.status === 'string');
      }),
    );
    for (const junk of [null, undefined, 3, 'x', [], {}]) assert.equal(liveResourceHealth(junk), undefined);
  });
});
