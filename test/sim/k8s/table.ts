/**
 * Table output (`Accept: application/json;as=Table;v=v1;g=meta.k8s.io`) the way the API server renders
 * it for `kubectl get`: built-in columns follow pkg/printers/internalversion/printers.go, CRDs follow
 * additionalPrinterColumns (apiextensions-apiserver tableconvertor: NAME first, date → age string).
 */
import type { KubeObject, PrinterColumn } from './types';
import type { ServedType } from './registry';

export interface ColumnDefinition {
  name: string;
  type: string;
  format: string;
  description: string;
  priority: number;
}

type Cell = string | number | boolean | null;

interface BuiltinTable {
  columns: Array<[name: string, type: string, priority?: number, format?: string]>;
  cells(o: KubeObject, now: number): Cell[];
}

/** k8s.io/apimachinery/pkg/util/duration.HumanDuration */
function humanDuration(ms: number): string {
  const seconds = Math.floor(ms / 1000);
  if (seconds < -1) return '<invalid>';
  if (seconds < 0) return '0s';
  if (seconds < 120) return `${seconds}s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 10) return seconds % 60 === 0 ? `${minutes}m` : `${minutes}m${seconds % 60}s`;
  if (minutes < 180) return `${minutes}m`;
  const hours = Math.floor(minutes / 60);
  if (hours < 8) return minutes % 60 === 0 ? `${hours}h` : `${hours}h${minutes % 60}m`;
  if (hours < 48) return `${hours}h`;
  if (hours < 24 * 8) return hours % 24 === 0 ? `${Math.floor(hours / 24)}d` : `${Math.floor(hours / 24)}d${hours % 24}h`;
  if (hours < 24 * 365 * 2) return `${Math.floor(hours / 24)}d`;
  if (hours < 24 * 365 * 8) {
    const dy = Math.floor(hours / 24) % 365;
    return dy === 0 ? `${Math.floor(hours / 24 / 365)}y` : `${Math.floor(hours / 24 / 365)}y${dy}d`;
  }
  return `${Math.floor(hours / 24 / 365)}y`;
}

function age(o: KubeObject, now: number): string {
  const ts = o.metadata.creationTimestamp;
  return ts ? humanDuration(now - Date.parse(ts)) : '<unknown>';
}

const rec = (v: unknown): Record<string, unknown> => (v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : {});
const arr = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);
const num = (v: unknown): number => (typeof v === 'number' ? v : 0);
const containers = (podSpec: unknown): Record<string, unknown>[] => arr(rec(podSpec).containers).map(rec);
const names = (o: KubeObject): string => containers(rec(rec(rec(o.spec).template).spec)).map((c) => String(c.name ?? '')).join(',');
const images = (o: KubeObject): string => containers(rec(rec(rec(o.spec).template).spec)).map((c) => String(c.image ?? '')).join(',');

/** metav1.FormatLabelSelector */
function formatSelector(sel: unknown): string {
  const s = rec(sel);
  const parts = Object.entries(rec(s.matchLabels)).map(([k, v]) => `${k}=${String(v)}`);
  for (const e of arr(s.matchExpressions).map(rec)) {
    const vals = arr(e.values).map(String).join(',');
    const op = String(e.operator ?? '');
    if (op === 'In') parts.push(`${String(e.key)} in (${vals})`);
    else if (op === 'NotIn') parts.push(`${String(e.key)} notin (${vals})`);
    else if (op === 'Exists') parts.push(String(e.key));
    else if (op === 'DoesNotExist') parts.push(`!${String(e.key)}`);
  }
  return parts.length ? parts.join(',') : '<none>';
}

function servicePorts(o: KubeObject): string {
  const ports = arr(rec(o.spec).ports).map(rec);
  if (!ports.length) return '<none>';
  return ports.map((p) => `${String(p.port)}${p.nodePort ? `:${String(p.nodePort)}` : ''}/${String(p.protocol ?? 'TCP')}`).join(',');
}

function podReadyStatus(o: KubeObject): { ready: string; status: string; restarts: number } {
  const st = rec(o.status);
  const total = containers(o.spec).length;
  const cs = arr(st.containerStatuses).map(rec);
  const ready = cs.filter((c) => c.ready === true).length;
  const restarts = cs.reduce((n, c) => n + num(c.restartCount), 0);
  let status = String(st.reason ?? st.phase ?? 'Pending');
  for (const c of cs) {
    const waiting = rec(rec(c.state).waiting);
    if (waiting.reason) status = String(waiting.reason);
  }
  if (o.metadata.deletionTimestamp) status = 'Terminating';
  return { ready: `${ready}/${total}`, status, restarts };
}

function conditionStatus(o: KubeObject, type: string): boolean {
  return arr(rec(o.status).conditions).map(rec).some((c) => c.type === type && c.status === 'True');
}

const builtins: Record<string, BuiltinTable> = {
  Namespace: { columns: [['Status', 'string'], ['Age', 'string']], cells: (o, now) => [String(rec(o.status).phase ?? 'Active'), age(o, now)] },
  ConfigMap: { columns: [['Data', 'string'], ['Age', 'string']], cells: (o, now) => [Object.keys(rec(o.data)).length + Object.keys(rec(o.binaryData)).length, age(o, now)] },
  Secret: {
    columns: [['Type', 'string'], ['Data', 'string'], ['Age', 'string']],
    cells: (o, now) => [String(o.type ?? 'Opaque'), Object.keys(rec(o.data)).length, age(o, now)],
  },
  Service: {
    columns: [['Type', 'string'], ['Cluster-IP', 'string'], ['External-IP', 'string'], ['Port(s)', 'string'], ['Age', 'string'], ['Selector', 'string', 1]],
    cells: (o, now) => {
      const spec = rec(o.spec);
      const type = String(spec.type ?? 'ClusterIP');
      const ingress = arr(rec(rec(o.status).loadBalancer).ingress).map(rec).map((i) => String(i.ip ?? i.hostname ?? ''));
      const external = type === 'ExternalName' ? String(spec.externalName ?? '') : ingress.length ? ingress.join(',') : type === 'LoadBalancer' ? '<pending>' : '<none>';
      const sel = Object.entries(rec(spec.selector)).map(([k, v]) => `${k}=${String(v)}`).join(',');
      return [type, String(spec.clusterIP ?? '<none>'), external, servicePorts(o), age(o, now), sel || '<none>'];
    },
  },
  ServiceAccount: { columns: [['Secrets', 'string'], ['Age', 'string']], cells: (o, now) => [arr(o.secrets).length, age(o, now)] },
  Pod: {
    columns: [['Ready', 'string'], ['Status', 'string'], ['Restarts', 'string'], ['Age', 'string'], ['IP', 'string', 1], ['Node', 'string', 1], ['Nominated Node', 'string', 1], ['Readiness Gates', 'string', 1]],
    cells: (o, now) => {
      const p = podReadyStatus(o);
      return [p.ready, p.status, String(p.restarts), age(o, now), String(rec(o.status).podIP ?? '<none>'), String(rec(o.spec).nodeName ?? '<none>'), '<none>', '<none>'];
    },
  },
  Event: {
    columns: [['Last Seen', 'string'], ['Type', 'string'], ['Reason', 'string'], ['Object', 'string'], ['Message', 'string']],
    cells: (o, now) => {
      const io = rec(o.involvedObject);
      const last = String(o.lastTimestamp ?? o.eventTime ?? o.metadata.creationTimestamp ?? '');
      return [last ? humanDuration(now - Date.parse(last)) : '<unknown>', String(o.type ?? ''), String(o.reason ?? ''), `${String(io.kind ?? '').toLowerCase()}/${String(io.name ?? '')}`, String(o.message ?? '')];
    },
  },
  PersistentVolumeClaim: {
    columns: [['Status', 'string'], ['Volume', 'string'], ['Capacity', 'string'], ['Access Modes', 'string'], ['StorageClass', 'string'], ['VolumeAttributesClass', 'string'], ['Age', 'string'], ['VolumeMode', 'string', 1]],
    cells: (o, now) => {
      const spec = rec(o.spec);
      const st = rec(o.status);
      const modes = arr(st.accessModes).map((m) => ({ ReadWriteOnce: 'RWO', ReadOnlyMany: 'ROX', ReadWriteMany: 'RWX', ReadWriteOncePod: 'RWOP' })[String(m)] ?? String(m)).join(',');
      return [String(st.phase ?? 'Pending'), String(spec.volumeName ?? ''), String(rec(st.capacity).storage ?? ''), modes, String(spec.storageClassName ?? '<unset>'), '<unset>', age(o, now), String(spec.volumeMode ?? 'Filesystem')];
    },
  },
  Deployment: {
    columns: [['Ready', 'string'], ['Up-to-date', 'string'], ['Available', 'string'], ['Age', 'string'], ['Containers', 'string', 1], ['Images', 'string', 1], ['Selector', 'string', 1]],
    cells: (o, now) => {
      const st = rec(o.status);
      return [`${num(st.readyReplicas)}/${num(rec(o.spec).replicas ?? 1)}`, num(st.updatedReplicas), num(st.availableReplicas), age(o, now), names(o), images(o), formatSelector(rec(o.spec).selector)];
    },
  },
  StatefulSet: {
    columns: [['Ready', 'string'], ['Age', 'string'], ['Containers', 'string', 1], ['Images', 'string', 1]],
    cells: (o, now) => [`${num(rec(o.status).readyReplicas)}/${num(rec(o.spec).replicas ?? 1)}`, age(o, now), names(o), images(o)],
  },
  DaemonSet: {
    columns: [['Desired', 'integer'], ['Current', 'integer'], ['Ready', 'integer'], ['Up-to-date', 'integer'], ['Available', 'integer'], ['Node Selector', 'string'], ['Age', 'string'], ['Containers', 'string', 1], ['Images', 'string', 1], ['Selector', 'string', 1]],
    cells: (o, now) => {
      const st = rec(o.status);
      const ns = Object.entries(rec(rec(rec(rec(o.spec).template).spec).nodeSelector)).map(([k, v]) => `${k}=${String(v)}`).join(',');
      return [num(st.desiredNumberScheduled), num(st.currentNumberScheduled), num(st.numberReady), num(st.updatedNumberScheduled), num(st.numberAvailable), ns || '<none>', age(o, now), names(o), images(o), formatSelector(rec(o.spec).selector)];
    },
  },
  ReplicaSet: {
    columns: [['Desired', 'integer'], ['Current', 'integer'], ['Ready', 'integer'], ['Age', 'string'], ['Containers', 'string', 1], ['Images', 'string', 1], ['Selector', 'string', 1]],
    cells: (o, now) => [num(rec(o.spec).replicas ?? 1), num(rec(o.status).replicas), num(rec(o.status).readyReplicas), age(o, now), names(o), images(o), formatSelector(rec(o.spec).selector)],
  },
  Job: {
    columns: [['Status', 'string'], ['Completions', 'string'], ['Duration', 'string'], ['Age', 'string'], ['Containers', 'string', 1], ['Images', 'string', 1], ['Selector', 'string', 1]],
    cells: (o, now) => {
      const st = rec(o.status);
      const status = conditionStatus(o, 'Complete') ? 'Complete' : conditionStatus(o, 'Failed') ? 'Failed' : conditionStatus(o, 'Suspended') ? 'Suspended' : 'Running';
      const start = st.startTime ? Date.parse(String(st.startTime)) : undefined;
      const end = st.completionTime ? Date.parse(String(st.completionTime)) : now;
      return [status, `${num(st.succeeded)}/${num(rec(o.spec).completions ?? 1)}`, start === undefined ? '' : humanDuration(end - start), age(o, now), names(o), images(o), formatSelector(rec(o.spec).selector)];
    },
  },
  CronJob: {
    columns: [['Schedule', 'string'], ['Timezone', 'string'], ['Suspend', 'boolean'], ['Active', 'integer'], ['Last Schedule', 'string'], ['Age', 'string'], ['Containers', 'string', 1], ['Images', 'string', 1], ['Selector', 'string', 1]],
    cells: (o, now) => {
      const spec = rec(o.spec);
      const st = rec(o.status);
      return [String(spec.schedule ?? ''), String(spec.timeZone ?? '<none>'), spec.suspend === true, arr(st.active).length, st.lastScheduleTime ? humanDuration(now - Date.parse(String(st.lastScheduleTime))) : '<none>', age(o, now), '', '', '<none>'];
    },
  },
  Ingress: {
    columns: [['Class', 'string'], ['Hosts', 'string'], ['Address', 'string'], ['Ports', 'string'], ['Age', 'string']],
    cells: (o, now) => {
      const spec = rec(o.spec);
      const hosts = arr(spec.rules).map(rec).map((r) => String(r.host ?? '*'));
      const addr = arr(rec(rec(o.status).loadBalancer).ingress).map(rec).map((i) => String(i.ip ?? i.hostname ?? '')).join(',');
      return [String(spec.ingressClassName ?? '<none>'), hosts.length ? hosts.join(',') : '*', addr, arr(spec.tls).length ? '80, 443' : '80', age(o, now)];
    },
  },
  CustomResourceDefinition: { columns: [['Created At', 'date']], cells: (o) => [o.metadata.creationTimestamp ?? ''] },
};

const nameColumn: ColumnDefinition = {
  name: 'Name', type: 'string', format: 'name', priority: 0,
  description: 'Name must be unique within a namespace. Is required when creating resources, although some resources may allow a client to request the generation of an appropriate name automatically. Name is primarily intended for creation idempotence and configuration definition. Cannot be updated. More info: https://kubernetes.io/docs/concepts/overview/working-with-objects/names#names',
};

function crdColumns(rt: ServedType): PrinterColumn[] {
  // With no additionalPrinterColumns a CRD gets a single Age column (apiextensions defaults).
  return rt.printerColumns.length ? [...rt.printerColumns] : [{ name: 'Age', type: 'date', jsonPath: '.metadata.creationTimestamp' }];
}

export function tableColumns(rt: ServedType): ColumnDefinition[] {
  const b = rt.builtin ? builtins[rt.kind] : undefined;
  if (b) {
    return [nameColumn, ...b.columns.map(([name, type, priority, format]) => ({ name, type, format: format ?? '', description: name, priority: priority ?? 0 }))];
  }
  return [nameColumn, ...crdColumns(rt).map((c) => ({ name: c.name, type: c.type, format: '', description: c.description ?? c.name, priority: c.priority ?? 0 }))];
}

export function tableCells(rt: ServedType, o: KubeObject, now = Date.now()): Cell[] {
  const b = rt.builtin ? builtins[rt.kind] : undefined;
  if (b) return [o.metadata.name ?? '', ...b.cells(o, now)];
  return [o.metadata.name ?? '', ...crdColumns(rt).map((c) => {
    const found = evalJsonPath(o, c.jsonPath);
    if (!found.length) return null;
    const v = found[0];
    if (c.type === 'date' && typeof v === 'string') return humanDuration(now - Date.parse(v));
    if (v === null || typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') return found.length > 1 ? found.map((x) => (typeof x === 'object' ? JSON.stringify(x) : String(x))).join(',') : v;
    return JSON.stringify(v);
  })];
}

/**
 * The JSONPath subset CRD printer columns use: `.a.b`, `[0]`, `[*]`, `[?(@.type=="Ready")]`
 * (Flux columns use the filter form).
 */
function evalJsonPath(root: unknown, path: string): unknown[] {
  let cur: unknown[] = [root];
  const re = /\.([A-Za-z0-9_-]+)|\[(\d+|\*)\]|\[\?\(@\.([A-Za-z0-9_.-]+)\s*==\s*["']([^"']*)["']\)\]/g;
  let m: RegExpExecArray | null;
  const src = path.replace(/^\{|\}$/g, '');
  while ((m = re.exec(src))) {
    const next: unknown[] = [];
    for (const c of cur) {
      if (m[1] !== undefined) {
        const v = rec(c)[m[1]];
        if (v !== undefined) next.push(v);
      } else if (m[2] !== undefined) {
        const a = arr(c);
        if (m[2] === '*') next.push(...a);
        else if (a[Number(m[2])] !== undefined) next.push(a[Number(m[2])]);
      } else if (m[3] !== undefined) {
        for (const item of arr(c)) {
          const field = m[3].split('.').reduce<unknown>((acc, k) => rec(acc)[k], item);
          if (String(field) === m[4]) next.push(item);
        }
      }
    }
    cur = next;
  }
  return cur;
}
