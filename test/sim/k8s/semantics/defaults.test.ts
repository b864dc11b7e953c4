import { strict as assert } from 'node:assert';
import type { KubeObject } from '../types';
import { applyDefaults, defaultPullPolicy } from './defaults';

type Any = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const deployment = (): KubeObject => ({
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name: 'web', namespace: 'shop' },
  spec: {
    selector: { matchLabels: { app: 'web' } },
    template: {
      metadata: { labels: { app: 'web' } },
      spec: {
        containers: [
          { name: 'nginx', image: 'nginx:1.27', ports: [{ containerPort: 80 }], env: [{ name: 'POD', valueFrom: { fieldRef: { fieldPath: 'metadata.name' } } }] },
          { name: 'sidecar', image: 'ghcr.io/acme/sidecar', ports: [{ containerPort: 9090, protocol: 'UDP' }], readinessProbe: { httpGet: { port: 9090 } } },
        ],
        volumes: [{ name: 'cfg', configMap: { name: 'cfg' } }, { name: 'scratch' }],
      },
    },
  },
});

describe('semantics/defaults', () => {
  it('defaults a Deployment and its pod template like SetDefaults_Deployment / SetDefaults_PodSpec', () => {
    const input = deployment();
    const before = JSON.stringify(input);
    const d = applyDefaults(input) as Any;
    assert.equal(JSON.stringify(input), before, 'input is not mutated');
    assert.equal(d.spec.replicas, 1);
    assert.deepEqual(d.spec.strategy, { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: '25%', maxSurge: '25%' } });
    assert.equal(d.spec.revisionHistoryLimit, 10);
    assert.equal(d.spec.progressDeadlineSeconds, 600);
    const pod = d.spec.template.spec;
    assert.equal(pod.restartPolicy, 'Always');
    assert.equal(pod.dnsPolicy, 'ClusterFirst');
    assert.equal(pod.schedulerName, 'default-scheduler');
    assert.equal(pod.terminationGracePeriodSeconds, 30);
    assert.deepEqual(pod.securityContext, {});
    const [nginx, sidecar] = pod.containers;
    assert.equal(nginx.imagePullPolicy, 'IfNotPresent');
    assert.equal(sidecar.imagePullPolicy, 'Always');
    assert.equal(nginx.terminationMessagePath, '/dev/termination-log');
    assert.equal(nginx.terminationMessagePolicy, 'File');
    assert.deepEqual(nginx.resources, {});
    assert.deepEqual(nginx.ports, [{ containerPort: 80, protocol: 'TCP' }]);
    assert.deepEqual(sidecar.ports, [{ containerPort: 9090, protocol: 'UDP' }]);
    assert.equal(nginx.env[0].valueFrom.fieldRef.apiVersion, 'v1');
    assert.deepEqual(sidecar.readinessProbe, { httpGet: { port: 9090, path: '/', scheme: 'HTTP' }, timeoutSeconds: 1, periodSeconds: 10, successThreshold: 1, failureThreshold: 3 });
    assert.deepEqual(pod.volumes, [{ name: 'cfg', configMap: { name: 'cfg', defaultMode: 420 } }, { name: 'scratch', emptyDir: {} }]);
  });

  it('keeps values the user set and is idempotent', () => {
    const input = deployment() as Any;
    input.spec.replicas = 0;
    input.spec.strategy = { type: 'Recreate' };
    input.spec.template.spec.restartPolicy = 'Always';
    const d = applyDefaults(input as KubeObject) as Any;
    assert.equal(d.spec.replicas, 0);
    assert.deepEqual(d.spec.strategy, { type: 'Recreate' });
    assert.deepEqual(applyDefaults(d as KubeObject), d);
  });

  it('chooses imagePullPolicy from the tag', () => {
    assert.equal(defaultPullPolicy('nginx'), 'Always');
    assert.equal(defaultPullPolicy('nginx:latest'), 'Always');
    assert.equal(defaultPullPolicy('registry.local:5000/team/app'), 'Always');
    assert.equal(defaultPullPolicy('registry.local:5000/team/app:v2'), 'IfNotPresent');
    assert.equal(defaultPullPolicy('nginx@sha256:0123456789abcdef'), 'IfNotPresent');
  });

  it('defaults StatefulSet, DaemonSet, ReplicaSet, Job and CronJob', () => {
    const template = { metadata: { labels: { app: 'x' } }, spec: { containers: [{ name: 'c', image: 'busybox:1' }] } };
    const sts = applyDefaults({ apiVersion: 'apps/v1', kind: 'StatefulSet', metadata: { name: 's' }, spec: { template, volumeClaimTemplates: [{ metadata: { name: 'data' }, spec: { accessModes: ['ReadWriteOnce'] } }] } }) as Any;
    assert.equal(sts.spec.replicas, 1);
    assert.equal(sts.spec.podManagementPolicy, 'OrderedReady');
    assert.deepEqual(sts.spec.updateStrategy, { type: 'RollingUpdate', rollingUpdate: { partition: 0 } });
    assert.deepEqual(sts.spec.persistentVolumeClaimRetentionPolicy, { whenDeleted: 'Retain', whenScaled: 'Retain' });
    assert.equal(sts.spec.revisionHistoryLimit, 10);
    assert.equal(sts.spec.volumeClaimTemplates[0].spec.volumeMode, 'Filesystem');
    assert.equal(sts.spec.template.spec.containers[0].imagePullPolicy, 'IfNotPresent');
    const onDelete = applyDefaults({ apiVersion: 'apps/v1', kind: 'StatefulSet', metadata: {}, spec: { template, updateStrategy: { type: 'OnDelete' } } }) as Any;
    assert.deepEqual(onDelete.spec.updateStrategy, { type: 'OnDelete' });

    const ds = applyDefaults({ apiVersion: 'apps/v1', kind: 'DaemonSet', metadata: {}, spec: { template } }) as Any;
    assert.deepEqual(ds.spec.updateStrategy, { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 1, maxSurge: 0 } });
    assert.equal(ds.spec.revisionHistoryLimit, 10);

    const rs = applyDefaults({ apiVersion: 'apps/v1', kind: 'ReplicaSet', metadata: {}, spec: { template } }) as Any;
    assert.equal(rs.spec.replicas, 1);
    assert.equal(rs.spec.template.spec.dnsPolicy, 'ClusterFirst');

    const job = applyDefaults({ apiVersion: 'batch/v1', kind: 'Job', metadata: {}, spec: { template: { spec: { restartPolicy: 'Never', containers: [{ name: 'c', image: 'busybox' }] } } } }) as Any;
    assert.equal(job.spec.completions, 1);
    assert.equal(job.spec.parallelism, 1);
    assert.equal(job.spec.backoffLimit, 6);
    assert.equal(job.spec.completionMode, 'NonIndexed');
    assert.equal(job.spec.suspend, false);
    assert.equal(job.spec.podReplacementPolicy, 'TerminatingOrFailed');
    assert.equal(job.spec.template.spec.restartPolicy, 'Never');
    const parallel = applyDefaults({ apiVersion: 'batch/v1', kind: 'Job', metadata: {}, spec: { parallelism: 3, template: {} } }) as Any;
    assert.equal(parallel.spec.completions, undefined, 'a work-queue job keeps completions unset');

    const cj = applyDefaults({ apiVersion: 'batch/v1', kind: 'CronJob', metadata: {}, spec: { schedule: '*/5 * * * *', jobTemplate: { spec: { template: { spec: { containers: [{ name: 'c', image: 'busybox' }], restartPolicy: 'OnFailure' } } } } } }) as Any;
    assert.equal(cj.spec.concurrencyPolicy, 'Allow');
    assert.equal(cj.spec.suspend, false);
    assert.equal(cj.spec.successfulJobsHistoryLimit, 3);
    assert.equal(cj.spec.failedJobsHistoryLimit, 1);
    assert.equal(cj.spec.jobTemplate.spec.backoffLimit, undefined);
    assert.equal(cj.spec.jobTemplate.spec.template.spec.containers[0].imagePullPolicy, 'Always');
  });

  it('defaults a Pod, including hostPort under hostNetwork and enableServiceLinks', () => {
    const pod = applyDefaults({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p' }, spec: { hostNetwork: true, containers: [{ name: 'c', image: 'busybox', ports: [{ containerPort: 8080 }] }] } }) as Any;
    assert.deepEqual(pod.spec.containers[0].ports, [{ containerPort: 8080, protocol: 'TCP', hostPort: 8080 }]);
    assert.equal(pod.spec.enableServiceLinks, true);
  });

  it('defaults a Service but leaves clusterIP to the server', () => {
    const svc = applyDefaults({ apiVersion: 'v1', kind: 'Service', metadata: { name: 'web' }, spec: { selector: { app: 'web' }, ports: [{ name: 'http', port: 80 }, { name: 'dns', port: 53, protocol: 'UDP', targetPort: 'dns' }] } }) as Any;
    assert.deepEqual(svc.spec, {
      selector: { app: 'web' },
      ports: [{ name: 'http', port: 80, protocol: 'TCP', targetPort: 80 }, { name: 'dns', port: 53, protocol: 'UDP', targetPort: 'dns' }],
      sessionAffinity: 'None',
      type: 'ClusterIP',
      internalTrafficPolicy: 'Cluster',
      ipFamilyPolicy: 'SingleStack',
      ipFamilies: ['IPv4'],
    });
    const lb = applyDefaults({ apiVersion: 'v1', kind: 'Service', metadata: {}, spec: { type: 'LoadBalancer', ports: [{ port: 443 }] } }) as Any;
    assert.equal(lb.spec.externalTrafficPolicy, 'Cluster');
    assert.equal(lb.spec.allocateLoadBalancerNodePorts, true);
    const ext = applyDefaults({ apiVersion: 'v1', kind: 'Service', metadata: {}, spec: { type: 'ExternalName', externalName: 'db.example.org' } }) as Any;
    assert.equal(ext.spec.ipFamilies, undefined);
    assert.equal(ext.spec.internalTrafficPolicy, undefined);
  });

  it('folds Secret stringData into base64 data and defaults type Opaque', () => {
    const s = applyDefaults({ apiVersion: 'v1', kind: 'Secret', metadata: { name: 's' }, data: { a: 'b2xk', keep: 'eA==' }, stringData: { a: 'new', pw: 'hunter2' } }) as Any;
    assert.equal(s.type, 'Opaque');
    assert.equal(s.stringData, undefined);
    assert.deepEqual(s.data, { a: Buffer.from('new').toString('base64'), keep: 'eA==', pw: Buffer.from('hunter2').toString('base64') });
  });

  it('leaves ConfigMap, Ingress and custom resources alone', () => {
    const ing: KubeObject = { apiVersion: 'networking.k8s.io/v1', kind: 'Ingress', metadata: { name: 'i' }, spec: { rules: [{ http: { paths: [{ path: '/', pathType: 'Prefix', backend: { service: { name: 'web', port: { number: 80 } } } }] } }] } };
    assert.deepEqual(applyDefaults(ing), ing);
    const cm: KubeObject = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c' }, data: { a: '1' } };
    assert.deepEqual(applyDefaults(cm), cm);
    const cr: KubeObject = { apiVersion: 'argoproj.io/v1alpha1', kind: 'Application', metadata: { name: 'a' }, spec: { template: { spec: {} } } };
    assert.deepEqual(applyDefaults(cr), cr);
  });
});
